"""Run one function over many items in forked processes, ``jobs`` at a time (the body parts of
an edition do not depend on each other). The function and what it reads are inherited by the
fork, not pickled: only the items and the results cross the process boundary."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from typing import TypeVar

from ..forkpool import die_with_parent

T = TypeVar("T")
R = TypeVar("R")
_WORK: Callable | None = None


def in_parallel(work: Callable[[T], R], items: list[T], jobs: int) -> Iterator[tuple[T, R]]:
    """(item, result) pairs as they finish; in this process when one job or one item is asked for."""
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            yield item, work(item)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    global _WORK
    _WORK = work
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=multiprocessing.get_context("fork"),
                             initializer=_child) as pool:
        running = {pool.submit(_run, item): item for item in items}
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield running.pop(future), future.result()
        except BaseException:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
            raise
        finally:
            _WORK = None  # what it holds (a renderer, its fonts) must not outlive the layout


def _child() -> None:
    """Interrupts are the parent's to handle; a child dies with it (Linux)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def _run(item: object) -> object:
    assert _WORK is not None
    return _WORK(item)
