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

import os

SETTING = "JOBS"


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
