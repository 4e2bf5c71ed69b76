"""Load a course once, run the chosen builders, and publish their files atomically.

Phases: check the format names; skip the formats whose outputs are up to date (see
:mod:`builders.cache`); load and validate the course; run each builder's ``check``; run the
builders into a hidden staging folder next to the output folder (independent ones in parallel
processes when ``jobs`` > 1); and only when every builder has succeeded move the files into
place (``os.replace``, atomic on one file system). A failure or an interrupt removes the staging
folder: the output folder is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .base import BuildContext, Builder, BuildOptions, BuildResult, PageMap
from .cache import BuildCache, fingerprint
from .diagnostics import (
    BuildError,
    CoursepackError,
    Diagnostic,
    SourceError,
    StrictError,
    UsageError,
)
from .incremental import Store, build_lock
from .model import Course
from .publish import make_staging, publish, why
from .registry import ALL, DEFAULT, available, get_builder

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

NEEDS_PAGE_MAP = {"epub": "pdf"}
"""format -> the format whose page map it uses when both are built."""

Tasks = Callable[[str, str, int, int], None]
"""Told (task, state, done, total) as the build goes: task is a format ("epub") or a piece of one
("pdf (workbook)"); state is "waiting", "running" or "done"; done/total count its steps (0/0:
not counted)."""


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


@dataclass
class BuildReport:
    written: list[Path]
    up_to_date: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    course: Course | None = None
    """None when everything was up to date and the course was not even loaded."""


def build(
    course_dir: Path,
    out: Path,
    formats: list[str] | None = None,
    options: BuildOptions | None = None,
    progress: Callable[[str], None] = lambda message: None,
    strict: bool = False,
    jobs: int = 1,
    force: bool = False,
    tasks: Tasks | None = None,
) -> BuildReport:
    """``progress`` hears one line per phase; ``tasks`` (optional) the state of every format."""
    formats = _checked_formats(formats, Path(course_dir))
    options = options or BuildOptions()
    out = out.absolute()
    cache = BuildCache(out)
    base_key = fingerprint(Path(course_dir), options, out)
    keys = {name: _format_key(base_key, name, formats) for name in formats}
    stale = [name for name in formats if force or not cache.fresh(name, keys[name])]
    fresh = [path for name in formats if name not in stale for path in cache.files(name)]
    if not stale:
        return BuildReport(written=[], up_to_date=fresh)

    _STOP.clear()
    progress("checking the course")
    course, warnings = checked_course(Path(course_dir), stale, options)
    builders = [get_builder(name) for name in stale]
    if strict and warnings:
        raise StrictError(warnings)

    started = time.time_ns() - 2_000_000_000  # file times may be coarser than the clock
    with _locked(out, progress) as store_dir:
        cache = BuildCache(out)  # again: a build that held the lock may have changed it
        staging = make_staging(out)
        try:
            page_maps = {name: cache.page_map(name) for name in formats if name not in stale}
            context = BuildContext(options=options, cache=store_dir, reuse=not force, jobs=jobs)
            results = _run(builders, course, staging, context, page_maps, jobs, progress, tasks or _no_tasks)
            _stop_if_requested()
            with _interrupts_as_flag():
                written = publish(staging, [p for r in results.values() for p in r.paths], out)
                for name, result in results.items():
                    cache.record(name, keys[name], [out / p.relative_to(staging) for p in result.paths],
                                 result.page_map)
                cache.save()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        Store(store_dir).prune(used_since=started)
    return BuildReport(written=written, up_to_date=fresh, warnings=warnings, course=course)


def _no_tasks(task: str, state: str, done: int, total: int) -> None:
    pass


@contextlib.contextmanager
def _locked(out: Path, progress: Callable[[str], None]) -> Iterator[Path]:
    """The output folder's build lock (a second build waits), and its cache folder."""
    stack = contextlib.ExitStack()
    try:
        store_dir = stack.enter_context(build_lock(out, progress))
    except OSError as exc:
        raise BuildError(f"cannot write to {out}: {why(exc)}") from exc
    with stack:
        yield store_dir


def _format_key(base_key: str, name: str, formats: list[str]) -> str:
    """A format built beside its page-map provider differs from one built alone."""
    provider = NEEDS_PAGE_MAP.get(name)
    return f"{base_key}+{provider}" if provider in formats else base_key


def checked_course(course_dir: Path, formats: list[str] | None = None,
                   options: BuildOptions | None = None) -> tuple[Course, list[Diagnostic]]:
    """Load the course, then run the own checks of the outputs ``formats`` (None: those a plain
    ``build`` makes); none lays anything out. Raises SourceError; returns (course, warnings)."""
    from .source import (
        load_course,  # Markdown, YAML and lxml only when something is checked
    )

    course, warnings = load_course(course_dir, formats=available())
    names = _checked_formats(None, course_dir) if formats is None else formats
    problems = [d for name in names for d in get_builder(name).check(course, options or BuildOptions())]
    if any(d.severity == "error" for d in problems):
        raise SourceError([d for d in problems if d.severity == "error"])
    return course, warnings + problems


def _checked_formats(formats: list[str] | None, course_dir: Path) -> list[str]:
    """The requested formats in build order; an unknown one is a usage error. None: course.yml's
    ``outputs:``, else the default formats; "all": every registered format."""
    if not formats:
        from .source.outputs import course_outputs

        requested = list(course_outputs(course_dir, available()) or DEFAULT)
    elif ALL in formats:
        requested = available()
    else:
        requested = formats
    unknown = [name for name in requested if name not in available()]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}' (available: {', '.join(available()) or 'none yet'})")
    return [name for name in available() if name in requested]


# --- running builders -------------------------------------------------------------------------

_WORKER_COURSE: Course | None = None
"""The course, inherited by forked worker processes instead of being pickled to each."""
_WORKER_EVENTS = None
"""A queue, inherited by the workers, that carries their progress to the parent."""


def _run(builders: list[Builder], course: Course, staging: Path, context: BuildContext,
         page_maps: dict[str, PageMap | None], jobs: int, progress: Callable[[str], None],
         tasks: Tasks) -> dict[str, BuildResult]:
    """Run the builders; one that needs another's page map starts as soon as it is made.

    In parallel, each of a builder's :meth:`~builders.base.Builder.parts` is a job of its own
    (the workbook and the answer key lay out on two cores); a builder is done when all are, but
    the part that makes the page map hands it on at once (the EPUB does not wait for the answer
    key)."""
    results: dict[str, BuildResult] = {}
    parallel = jobs > 1 and sum(len(b.parts(context.options)) for b in builders) > 1
    units = [(b, part) for b in builders for part in (b.parts(context.options) if parallel else ("",))]
    waiting = list(units)
    pieces: dict[str, dict[str, BuildResult]] = {builder.name: {} for builder in builders}
    made: dict[str, PageMap] = {}
    for builder, part in units:
        tasks(_task(builder.name, part), "waiting", 0, 0)

    def ready(builder: Builder) -> bool:
        provider = NEEDS_PAGE_MAP.get(builder.name)
        return (provider is None or provider in made or provider in results
                or provider not in {b.name for b in builders})

    def context_for(builder: Builder, part: str = "") -> BuildContext:
        provider = NEEDS_PAGE_MAP.get(builder.name) or ""
        if provider in results:
            page_map = results[provider].page_map
        else:
            page_map = made[provider] if provider in made else page_maps.get(provider)
        # the parts of one builder run side by side share the processes (more would only
        # compete for the same cores: measured slower with 2 jobs and 2 PDF editions)
        share = max(1, context.jobs // len(builder.parts(context.options))) if part else context.jobs
        return BuildContext(options=context.options, page_map=page_map, part=part, cache=context.cache,
                            reuse=context.reuse, jobs=share)

    def finished(builder: Builder, part: str, result: BuildResult) -> None:
        tasks(_task(builder.name, part), "done", 0, 0)
        pieces[builder.name][part] = result
        if result.page_map is not None:
            made[builder.name] = result.page_map
        order = [p for b, p in units if b is builder]
        if len(pieces[builder.name]) == len(order):
            done = [pieces[builder.name][p] for p in order]
            results[builder.name] = BuildResult(paths=[path for r in done for path in r.paths],
                                                page_map=next((r.page_map for r in done if r.page_map), None))

    if not parallel:
        for builder in builders:
            _stop_if_requested()
            progress(f"building {builder.name}")
            tasks(builder.name, "running", 0, 0)
            unit = context_for(builder)
            unit.progress = lambda task, done, total, name=builder.name: tasks(_task(name, task), "running", done, total)
            finished(builder, "", _build_one(builder, course, staging, unit))
        return results

    import multiprocessing  # here, not at the top: a one-format build starts quicker
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    global _WORKER_COURSE, _WORKER_EVENTS
    fork = multiprocessing.get_context("fork")
    _WORKER_COURSE, _WORKER_EVENTS = course, fork.SimpleQueue()
    events = _WORKER_EVENTS
    running: dict[Future[BuildResult], tuple[Builder, str]] = {}
    with _interrupts_as_flag(), ProcessPoolExecutor(
            max_workers=min(jobs, len(units)), mp_context=fork,
            initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        try:
            while waiting or running:
                for builder, part in [u for u in waiting if ready(u[0])]:
                    waiting.remove((builder, part))
                    progress(f"building {_task(builder.name, part)}")
                    tasks(_task(builder.name, part), "running", 0, 0)
                    future = pool.submit(_build_in_worker, builder, staging, context_for(builder, part))
                    running[future] = (builder, part)
                done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                while not events.empty():
                    name, task, steps, total = events.get()
                    tasks(_task(name, task), "running", steps, total)
                _stop_if_requested()
                for future in done:
                    finished(*running.pop(future), future.result())
        except BrokenProcessPool as exc:
            _stop_workers(pool)
            raise BuildError("a build process was stopped from outside (killed?); nothing was changed") from exc
        except BaseException:
            _stop_workers(pool)  # an interrupt or a failed format: the others' work is wasted anyway
            raise
    return results


def _task(name: str, part: str) -> str:
    return f"{name} ({part})" if part else name


def _worker_init(parent: int) -> None:
    """Workers leave interrupts to the parent, which stops them, and die when it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(128 + signum))
    signal.signal(signal.SIGHUP, lambda signum, frame: os._exit(128 + signum))
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: an orphan ends when its build step ends
        pass
    if os.getppid() != parent:
        os._exit(1)  # the parent died before prctl took effect


_PR_SET_PDEATHSIG = 1


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _build_in_worker(builder: Builder, staging: Path, context: BuildContext) -> BuildResult:
    """Whatever goes wrong comes back as an error that pickles: a :class:`CoursepackError`
    with its message and exit code, anything else as a :class:`WorkerCrash` naming the format."""
    assert _WORKER_COURSE is not None
    events = _WORKER_EVENTS
    if events is not None:
        context.progress = lambda task, done, total: events.put((builder.name, task or context.part, done, total))
    try:
        return _build_one(builder, _WORKER_COURSE, staging, context)
    except CoursepackError as exc:
        raise _picklable(exc) from None
    except Exception as exc:  # noqa: BLE001 - a bug: keep what a person needs to find it, as text
        import traceback

        crash = WorkerCrash(f"{_task(builder.name, context.part)}: {type(exc).__name__}: {exc}")
        crash.add_note("".join(traceback.format_exception(exc)))
        raise crash from None


def _picklable(exc: CoursepackError) -> CoursepackError:
    """``exc``, or its message and exit code as a plain :class:`BuildError` if it does not
    survive pickling (an attribute a library put there)."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure to round-trip: send the plain form
        plain = BuildError(str(exc))
        plain.exit_code = exc.exit_code
        return plain
    return exc


def _build_one(builder: Builder, course: Course, staging: Path, context: BuildContext) -> BuildResult:
    try:
        return builder.build(course, staging, context)
    except CoursepackError:
        raise
    except OSError as exc:
        raise BuildError(f"{builder.name}: cannot write the output: {why(exc)}") from exc


# --- interrupts ---------------------------------------------------------------------------------

_STOP = threading.Event()
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def request_stop() -> None:
    """Called by the command line's signal handler (before it raises KeyboardInterrupt)."""
    _STOP.set()


def _stop_if_requested() -> None:
    if _STOP.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts_as_flag() -> Iterator[None]:
    """Signals only set the stop flag, which the code inside polls. Used while worker processes
    are forked (an exception raised in a fork hook is swallowed, with a traceback on stderr) and
    while publishing (a few renames: stopping half way would mix old and new files; a stop asked
    for then comes too late and is moot)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, lambda signum, frame: _STOP.set()) for signum in _SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
