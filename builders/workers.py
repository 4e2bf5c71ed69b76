"""The worker processes of a parallel build, and what crosses into and out of them.

The first worker process (the zygote, :mod:`builders.forkpool`) is forked as soon as a build
knows it will run builders side by side, before the course is loaded: it imports what the
builders declare in :attr:`~builders.base.Builder.preload` (WeasyPrint takes 0.4 s, about as
long as the parent takes to load and check a course), so that the first layout starts as soon
as the course is there. Each job (a format, or one PDF edition) then runs in a process forked
from it, which shares those imports. The course travels to each job pickled (a few milliseconds
for the example course); the results and the errors come back pickled too.

Signals: while workers are forked and while files are published, a signal only sets
:data:`STOP`, which the orchestrator polls (:func:`interrupts_as_flag`, :func:`stop_if_requested`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from .base import BuildContext, Builder, BuildResult
from .diagnostics import BuildError, CoursepackError
from .model import Course
from .publish import why

if TYPE_CHECKING:
    from .forkpool import ForkPool

EVENTS = None
"""A queue, inherited by the workers, that carries to the parent their progress,
("progress", format, task, done, total), and page maps known ahead of time, ("page map",
format, page map)."""
_PRELOADS: tuple[str, ...] = ()
"""In the zygote: what the builders preload (:func:`_init` reads it once, :func:`_warm_up` uses it)."""


class WorkerCrash(Exception):
    """An unexpected error in a worker process, carried back as plain text: the original may not
    survive pickling (lxml's errors hold an unpicklable error log). Its notes hold the worker's
    traceback, which the command line writes to its crash file."""

    def __reduce__(self) -> tuple:
        return (_rebuilt_crash, (self.args, getattr(self, "__notes__", [])))


def _rebuilt_crash(args: tuple, notes: list[str]) -> WorkerCrash:
    crash = WorkerCrash(*args)
    for note in notes:
        crash.add_note(note)
    return crash


def start(workers: int, preload: Callable[[], tuple[str, ...]]) -> ForkPool:
    """A pool that runs ``workers`` jobs at a time, each forked from a process forked now that
    imports the modules ``preload`` names (it runs there) while the caller goes on (call it
    where a signal cannot interrupt the fork half way)."""
    import multiprocessing

    from .forkpool import ForkPool

    global EVENTS
    EVENTS = multiprocessing.get_context("fork").SimpleQueue()
    return ForkPool(workers, _init, (os.getpid(), preload), idle=_warm_up)


def stop(pool: ForkPool) -> None:
    """Kill the workers (an interrupt or a failure: what they are doing is wasted anyway)."""
    pool.kill()


def _init(parent: int, preload: Callable[[], tuple[str, ...]]) -> None:
    """Workers leave interrupts to the parent, which stops them, and die when it is killed;
    then the zygote imports what their builders will need."""
    # imported here (the pool has imported it already), not by every build or check
    from .forkpool import die_with_parent

    global _PRELOADS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(128 + signum))
    signal.signal(signal.SIGHUP, lambda signum, frame: os._exit(128 + signum))
    die_with_parent()
    if os.getppid() != parent:
        os._exit(1)  # the parent died before prctl took effect
    # imports make no garbage to collect: without the collector they take a tenth less; frozen
    # after them, what they made is never scanned again in the jobs forked from here (nor copied
    # into them by the collector's writes)
    gc.disable()
    try:
        with contextlib.suppress(Exception):  # the builder's own import reports it, in its job
            _PRELOADS = preload()
        for name in _PRELOADS:
            with contextlib.suppress(Exception):
                import_module(name.partition(":")[0])
    finally:
        gc.freeze()
        gc.enable()


def _warm_up(*_initargs: object) -> None:
    """In the zygote, while the parent still loads the course: the warm-ups the builders name
    (``module:function`` in their preload), so that each job forked later skips them. Skipped
    when jobs already wait: they would wait longer. (The pool passes :func:`_init`'s arguments.)"""
    for name in _PRELOADS:
        module, _, function = name.partition(":")
        if function:
            with contextlib.suppress(Exception):  # only ever a head start: the job does it again
                getattr(import_module(module), function)()


def pickled(course: Course) -> bytes:
    """The course as it travels to the jobs (pickled once for all of them)."""
    return pickle.dumps(course, protocol=pickle.HIGHEST_PROTOCOL)


def build_in_worker(builder: Builder, course: bytes, staging: Path, context: BuildContext) -> BuildResult:
    """Build ``course`` (as :func:`pickled` made it) in a job. Whatever goes wrong comes back as
    an error that pickles: a :class:`CoursepackError` with its message and exit code, anything
    else as a :class:`WorkerCrash` naming the format."""
    events = EVENTS
    if events is not None:
        context.progress = lambda task, done, total: events.put(
            ("progress", builder.name, task or context.part, done, total))
        context.page_map_ready = lambda page_map: events.put(("page map", builder.name, page_map))
    try:
        return build_one(builder, pickle.loads(course), staging, context)
    except CoursepackError as exc:
        raise _picklable(exc) from None
    except Exception as exc:  # noqa: BLE001 - a bug: keep what a person needs to find it, as text
        import traceback

        crash = WorkerCrash(f"{task_name(builder.name, context.part)}: {type(exc).__name__}: {exc}")
        crash.add_note("".join(traceback.format_exception(exc)))
        raise crash from None


def _picklable(exc: CoursepackError) -> CoursepackError:
    """``exc``, or its message and exit code as a plain :class:`BuildError` if it does not
    survive pickling (an attribute a library put there)."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure to round-trip: send the plain form
        plain = BuildError(str(exc))
        plain.exit_code = exc.exit_code
        return plain
    return exc


def task_name(name: str, part: str) -> str:
    """How a format, or one part of it, is named in progress lines and errors: "pdf (workbook)"."""
    return f"{name} ({part})" if part else name


def build_one(builder: Builder, course: Course, staging: Path, context: BuildContext) -> BuildResult:
    try:
        return builder.build(course, staging, context)
    except CoursepackError:
        raise
    except OSError as exc:
        raise BuildError(f"{builder.name}: cannot write the output: {why(exc)}") from exc


# --- interrupts ---------------------------------------------------------------------------------

STOP = threading.Event()
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def request_stop() -> None:
    """Called by the command line's signal handler (before it raises KeyboardInterrupt)."""
    STOP.set()


def stop_if_requested() -> None:
    if STOP.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_as_flag() -> Iterator[None]:
    """Signals only set the stop flag, which the code inside polls. Used while worker processes
    are forked (an exception raised in a fork hook is swallowed, with a traceback on stderr) and
    while publishing (a few renames: stopping half way would mix old and new files; a stop asked
    for then comes too late and is moot)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, lambda signum, frame: STOP.set()) for signum in _SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
