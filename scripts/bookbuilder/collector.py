"""Python's garbage collector in the build's main process: kept from going through objects
that live on.

The collector runs a full collection each time the objects made since the last one reach a
quarter of those that lived through it, and each goes through every object of the process. A
build's main process holds the book's environment, and with ``JOBS`` above 1 the pages are read
and written in other processes: what is left in the main process is the serial part of the
build, while the other cores wait, and at 1,000 reports full collections that found nothing to
free were a large part of it (docs/performance.md, "The serial part of a cold build"):

- :func:`paused` for work that makes a great many objects which all live on (the PDF's tree
  of the whole book), and :func:`pause` when that work ends in another function's hands
  (Sphinx's start, up to ``builder-inited``: ``sphinx/build.py``);
- :func:`no_full_collections` for work whose objects that live long all live on, while the
  short-lived ones are still collected (Sphinx's read: the environment grows by a quarter
  again and again, and each full collection went through all of it to free 1-2%);
- :func:`hold` and :func:`release` to keep every object made so far out of the collector's
  sight (``gc.freeze``) for a while, for as many reasons as hold them at once: the render
  stage (the book and the modules, ``pipeline.build_editions``), a Sphinx run once started (its
  environment loaded, ``sphinx/build.py``), forking Sphinx's processes (``parallel.py``: a
  forked process that collects would otherwise touch, and so copy, every page of this one's
  memory), the environment read in shares until its build finishes, the PDF's tree while it is
  typeset beside the EPUB (``typesetting.py``).
  When the last reason is released, they are the collector's again: what died meanwhile is
  collected then, as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_held_for: set[str] = set()  # the reasons the objects are out of the collector's sight


def hold(reason: str) -> None:
    """Every object made so far out of the collector's sight until ``reason`` is released, and
    every other reason held."""
    gc.freeze()
    _held_for.add(reason)


def release(reason: str) -> None:
    """``reason`` no longer holds them (nothing if it did not); the last one gives them back."""
    if reason not in _held_for:
        return
    _held_for.discard(reason)
    if not _held_for:
        gc.unfreeze()


@contextmanager
def held(reason: str) -> Iterator[None]:
    hold(reason)
    try:
        yield
    finally:
        release(reason)


@contextmanager
def no_full_collections() -> Iterator[None]:
    """The young generations collected as usual, the old one not: a cold 1-job read at 1,000
    reports ran ten full collections, 1.0 s of CPU, that freed 32,000 of its 570,000 objects
    (docs/performance.md, "What profiling found"). The thresholds are left as they were found."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


# More collections of the middle generation than a process ever runs
_NEVER = 2**31 - 1


@contextmanager
def paused() -> Iterator[None]:
    """No garbage collection for a while, for work that makes a great many objects which all
    live on (for the PDF's tree of 1,000 reports, eight full collections were half the main
    process's CPU, and found nothing to free). The collector is left as it was found."""
    resume = pause()
    try:
        yield
    finally:
        resume()


def pause() -> Callable[[], None]:
    """No garbage collection until the function returned is called (again: nothing), for
    :func:`paused`'s kind of work when it ends elsewhere. The collector is left as it was
    found."""
    was_enabled = gc.isenabled()
    gc.disable()
    resumed = False

    def resume() -> None:
        nonlocal resumed
        if not resumed and was_enabled:
            gc.enable()
        resumed = True

    return resume
