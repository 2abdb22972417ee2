"""How many processes a command may keep busy at once: the ``JOBS`` setting.

``make check`` shares the reports out between this many processes, and every build gives the
number to Sphinx (``-j``), which then reads and writes the pages in as many processes; ``make
all`` compiles the PDF beside the other editions' writing only when it may use more than one.
By default a command uses every core this process may run on; an editor on a shared machine
sets fewer (``make html JOBS=2``, or ``JOBS=2`` in the environment), and ``JOBS=1`` is the serial
build, one page after another. The outputs are the same, byte for byte, with any number
(``tests/test_parallel.py``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from bookbuilder import collector

SETTING = "JOBS"

# Why the objects are out of the collector's sight (collector.py) while the shares' processes fork
FORKING = "forking the shares' processes"


Item = TypeVar("Item")
Result = TypeVar("Result")


class JobsError(ValueError):
    """``JOBS`` is set to something that is not a number of processes."""


def available_cores() -> int:
    """The cores this process may run on (a container's or ``taskset``'s limit included)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def jobs() -> int:
    """The number of processes a command may use: ``JOBS`` when set, else every core."""
    value = os.environ.get(SETTING, "").strip()
    if not value or value == "auto":
        return available_cores()
    if not value.isdigit() or int(value) < 1:
        raise JobsError(
            f"{SETTING}={value!r} is not a number of processes: set a whole number from 1 "
            f"(1: one page after another) up to this machine's {available_cores()} cores, "
            f"or leave it out to use them all."
        )
    return int(value)


class Shares:
    """Up to ``workers`` forked processes for one command's many small tasks, started at the
    first :meth:`map` that has at least ``at_least`` items and kept for the next (``make
    check`` loads, then checks, the reports in the same two processes: one start-up).

    :meth:`map` returns the results in the items' order, so the outputs are the same with any
    number of processes; with one, or where processes cannot be forked, every item is done
    here, one after another. Use it as a context manager, which ends the processes.
    """

    def __init__(self, workers: int, at_least: int) -> None:
        self.workers = workers if "fork" in mp.get_all_start_methods() else 1
        self.at_least = at_least
        self._pool: ProcessPoolExecutor | None = None

    def map(
        self,
        task: Callable[[Item], Result],
        items: Sequence[Item],
        meanwhile: Callable[[], object] = lambda: None,
    ) -> list[Result]:
        """``meanwhile``: done once in this process, while the others work on the items (first,
        when there are none): serial work that does not need their results."""
        if self.workers < 2 or len(items) < self.at_least:
            meanwhile()
            return [task(item) for item in items]
        # a few chunks per process: an uneven chunk at the end waits for less
        chunk = -(-len(items) // (self.workers * 4))
        try:
            results = self._started(task, items, chunk)
        except (OSError, BrokenProcessPool):  # no processes to be had here: one is enough
            self._alone()
            return self.map(task, items, meanwhile)
        meanwhile()
        try:
            return list(results)
        except (OSError, BrokenProcessPool):
            self._alone()
            return [task(item) for item in items]

    def _started(
        self, task: Callable[[Item], Result], items: Sequence[Item], chunk: int
    ) -> Iterator[Result]:
        """Every item sent (so every process forked: no thread ``meanwhile`` starts is
        copied). What this process holds when they fork (the modules, the book) is frozen
        for their cycle collector, which then never walks it again: 0.03 s of each one's
        0.1 s of collections, in a ``make check`` at 1,000 reports."""
        if self._pool is not None:
            return self._pool.map(task, items, chunksize=chunk)
        with collector.held(FORKING):
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("fork"))
            return self._pool.map(task, items, chunksize=chunk)

    def _alone(self) -> None:
        self.close()
        self.workers = 1

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Shares:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
