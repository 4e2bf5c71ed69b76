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
import errno
import os
import shutil
import signal
import tempfile
import threading
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
from .model import Course
from .registry import ALL, DEFAULT, available, get_builder

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

NEEDS_PAGE_MAP = {"epub": "pdf"}
"""format -> the format whose page map it uses when both are built."""


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
) -> BuildReport:
    formats = _checked_formats(formats, Path(course_dir))
    options = options or BuildOptions()
    out = out.absolute()
    cache = BuildCache(out)
    base_key = fingerprint(Path(course_dir), options)
    keys = {name: _format_key(base_key, name, formats) for name in formats}
    stale = [name for name in formats if force or not cache.fresh(name, keys[name])]
    fresh = [path for name in formats if name not in stale for path in cache.files(name)]
    if not stale:
        return BuildReport(written=[], up_to_date=fresh)

    _STOP.clear()
    progress("checking the course")
    from .source import (
        load_course,  # Markdown, YAML and lxml only when something is built
    )

    course, warnings = load_course(course_dir, formats=available())
    builders = [get_builder(name) for name in stale]
    problems = [d for builder in builders for d in builder.check(course, options)]
    warnings += [d for d in problems if d.severity == "warning"]
    if any(d.severity == "error" for d in problems):
        raise SourceError([d for d in problems if d.severity == "error"])
    if strict and warnings:
        raise StrictError(warnings)

    staging = _make_staging(out)
    try:
        page_maps = {name: cache.page_map(name) for name in formats if name not in stale}
        results = _run(builders, course, staging, BuildContext(options=options), page_maps, jobs, progress)
        _stop_if_requested()
        with _interrupts_as_flag():
            written = _publish(staging, [p for r in results.values() for p in r.paths], out)
            for name, result in results.items():
                cache.record(name, keys[name], [out / p.relative_to(staging) for p in result.paths], result.page_map)
            cache.save()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildReport(written=written, up_to_date=fresh, warnings=warnings, course=course)


def _format_key(base_key: str, name: str, formats: list[str]) -> str:
    """A format built beside its page-map provider differs from one built alone."""
    provider = NEEDS_PAGE_MAP.get(name)
    return f"{base_key}+{provider}" if provider in formats else base_key


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


def _run(builders: list[Builder], course: Course, staging: Path, context: BuildContext,
         page_maps: dict[str, PageMap | None], jobs: int, progress: Callable[[str], None]) -> dict[str, BuildResult]:
    """Run the builders; one that needs another's page map starts as soon as it is made.

    In parallel, each of a builder's :meth:`~builders.base.Builder.parts` is a job of its own
    (the workbook and the answer key lay out on two cores); a builder is done when all are, but
    the part that makes the page map hands it on at once (the EPUB does not wait for the answer
    key)."""
    results: dict[str, BuildResult] = {}
    units = [(builder, part) for builder in builders for part in builder.parts(context.options)]
    waiting = list(units)
    pieces: dict[str, dict[str, BuildResult]] = {builder.name: {} for builder in builders}
    made: dict[str, PageMap] = {}

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
        return BuildContext(options=context.options, page_map=page_map, part=part)

    def finished(builder: Builder, part: str, result: BuildResult) -> None:
        pieces[builder.name][part] = result
        if result.page_map is not None:
            made[builder.name] = result.page_map
        order = builder.parts(context.options)
        if len(pieces[builder.name]) == len(order):
            done = [pieces[builder.name][p] for p in order]
            results[builder.name] = BuildResult(paths=[path for r in done for path in r.paths],
                                                page_map=next((r.page_map for r in done if r.page_map), None))

    if jobs <= 1 or len(units) == 1:
        for builder in builders:
            _stop_if_requested()
            progress(f"building {builder.name}")
            results[builder.name] = _build_one(builder, course, staging, context_for(builder))
        return results

    import multiprocessing  # here, not at the top: a one-format build starts quicker
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    global _WORKER_COURSE
    _WORKER_COURSE = course
    running: dict[Future[BuildResult], tuple[Builder, str]] = {}
    with _interrupts_as_flag(), ProcessPoolExecutor(
            max_workers=min(jobs, len(units)), mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        try:
            while waiting or running:
                for builder, part in [u for u in waiting if ready(u[0])]:
                    waiting.remove((builder, part))
                    progress(f"building {builder.name}" + (f" ({part})" if part else ""))
                    future = pool.submit(_build_in_worker, builder, staging, context_for(builder, part))
                    running[future] = (builder, part)
                done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
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
    assert _WORKER_COURSE is not None
    return _build_one(builder, _WORKER_COURSE, staging, context)


def _build_one(builder: Builder, course: Course, staging: Path, context: BuildContext) -> BuildResult:
    try:
        return builder.build(course, staging, context)
    except CoursepackError:
        raise
    except OSError as exc:
        raise BuildError(f"{builder.name}: cannot write the output: {_why(exc)}") from exc


_FULL = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
         errno.EFBIG: "the file is larger than this system allows"}


def _why(exc: OSError) -> str:
    """An OSError as a person should read it (no errno numbers, no traceback)."""
    reason = exc.strerror or str(exc)
    return f"{_FULL[exc.errno]} ({reason}); nothing was changed" if exc.errno in _FULL else reason


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


# --- staging and publishing -------------------------------------------------------------------

def _remove_abandoned_staging(out: Path) -> None:
    """Staging folders of builds that were killed (SIGKILL leaves no chance to clean up)."""
    for folder in out.parent.glob(f".{out.name}.coursepack-*-*"):
        pid = folder.name.rsplit("-", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_staging(out: Path) -> Path:
    """A hidden folder beside ``out`` (same file system, so publishing is a rename)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_staging(out)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.coursepack-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise BuildError(f"cannot write to {out.parent}: {_why(exc)}") from exc


def _publish(staging: Path, produced: list[Path], out: Path) -> list[Path]:
    """Move every file into ``out``; everything that can fail is checked before the first move."""
    targets = [(path, out / path.relative_to(staging)) for path in sorted(produced)]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for _path, target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                raise BuildError(f"cannot write {target}: a folder has that name; move it away")
    except OSError as exc:
        raise BuildError(f"cannot write to {out}: {_why(exc)}") from exc
    for path, target in targets:
        os.replace(path, target)
    return [target for _path, target in targets]
