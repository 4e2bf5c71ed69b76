"""Load a course once, run the chosen builders, and publish their files atomically.

Phases: check the format names; skip the formats whose outputs are up to date (see
:mod:`builders.cache`); load and validate the course; run each builder's ``check``; run the
builders into a hidden staging folder next to the output folder (independent ones in parallel
processes when ``jobs`` > 1); and only when every builder has succeeded move the files into
place (``os.replace``, atomic on one file system). A failure or an interrupt removes the staging
folder: the output folder is left as it was.

With ``jobs`` > 1 the phases overlap (see docs/incremental-builds.md): the worker processes
are forked first and import the slow libraries while this process does the rest; a builder
that needs another's page map starts with the last build's and is built again if the real one
differs.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import workers
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
from .incremental import CACHE_DIR, Store, build_lock
from .model import Course
from .publish import make_staging, publish, why
from .registry import ALL, DEFAULT, available, get_builder

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .forkpool import ForkPool
    from .source.lessoncache import LessonCache

NEEDS_PAGE_MAP = {"epub": "pdf"}
"""format -> the format whose page map it uses when both are built."""

Tasks = Callable[[str, str, int, int], None]
"""Told (task, state, done, total) as the build goes: task is a format ("epub") or a piece of one
("pdf (workbook)"); state is "waiting", "running" or "done"; done/total count its steps (0/0:
not counted)."""


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
    options = options or BuildOptions()
    out = out.absolute()
    workers.STOP.clear()
    started = time.time_ns() - 2_000_000_000  # file times may be coarser than the clock
    with _workers(formats, Path(course_dir), jobs) as pool:
        formats = _checked_formats(formats, Path(course_dir))
        cache = BuildCache(out)
        base_key = fingerprint(Path(course_dir), options, out)
        keys = {name: _format_key(base_key, name, formats) for name in formats}
        stale = [name for name in formats if force or not cache.fresh(name, keys[name])]
        fresh = [path for name in formats if name not in stale for path in cache.files(name)]
        builders = [get_builder(name) for name in stale]
        if pool is not None and (not stale or sum(len(b.parts(options)) for b in builders) <= 1):
            workers.stop(pool)  # not needed after all: nothing to build, or one thing
            pool = None
        if not stale:
            return BuildReport(written=[], up_to_date=fresh)

        progress("checking the course")
        lessons = _lesson_cache(out, force)
        course, warnings = _loaded(Path(course_dir), lessons)

        def check() -> None:
            """The outputs' own checks: with workers and an output folder already there (a
            rebuild), while the workers start on the builders; else first (a first build that
            fails its checks leaves no folder behind)."""
            warnings.extend(_checks(course, stale, options))
            if strict and warnings:
                raise StrictError(warnings)

        alongside = pool is not None and out.is_dir()
        if not alongside:
            check()
        written = _build_locked(builders, course, out, options, formats, stale, keys, pool, force, jobs,
                                progress, tasks or _no_tasks, check if alongside else lambda: None,
                                lessons.save, started)
    return BuildReport(written=written, up_to_date=fresh, warnings=warnings, course=course)


def _build_locked(builders: list[Builder], course: Course, out: Path, options: BuildOptions,
                  formats: list[str], stale: list[str], keys: dict[str, str], pool: ForkPool | None,
                  force: bool, jobs: int, progress: Callable[[str], None], tasks: Tasks,
                  check: Callable[[], None], keep: Callable[[], None], started: int) -> list[Path]:
    """Holding the output folder's lock: run the builders into a staging folder, publish what
    they wrote, record it; return the files written. ``check`` runs once the workers have
    their first jobs (an error it raises stops them: nothing is published); ``keep`` (which
    stores what the build learnt besides its outputs) once they are published. The store's
    entries used since ``started`` (a ``time.time_ns()``) are kept when it is pruned."""
    with _locked(out, progress) as store_dir:
        cache = BuildCache(out)  # again: a build that held the lock may have changed it
        staging = make_staging(out)
        try:
            page_maps = {name: cache.page_map(name) for name in formats if name not in stale}
            guesses = {name: cache.page_map(name) for name in formats if name in stale}
            context = BuildContext(options=options, cache=store_dir, reuse=not force, jobs=jobs)
            results = _run(builders, course, staging, context, page_maps, guesses, pool, progress, tasks, check)
            workers.stop_if_requested()
            with workers.interrupts_as_flag():
                written = publish(staging, [p for r in results.values() for p in r.paths], out)
                for name, result in results.items():
                    cache.record(name, keys[name], [out / p.relative_to(staging) for p in result.paths],
                                 result.page_map)
                cache.save()
                keep()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        Store(store_dir).prune(used_since=started)
    return written


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
    course, warnings = _loaded(course_dir)
    names = _checked_formats(None, course_dir) if formats is None else formats
    return course, warnings + _checks(course, names, options or BuildOptions())


def _loaded(course_dir: Path, lessons: LessonCache | None = None) -> tuple[Course, list[Diagnostic]]:
    from .source import (
        load_course,  # Markdown, YAML and lxml only when something is checked
    )

    return load_course(course_dir, formats=available(), cache=lessons)


def _lesson_cache(out: Path, force: bool) -> LessonCache:
    """The lessons read by the last builds into ``out`` (none with ``force``)."""
    from .source.lessoncache import LessonCache

    return LessonCache(Store(out / CACHE_DIR, reuse=not force))


def _checks(course: Course, formats: list[str], options: BuildOptions) -> list[Diagnostic]:
    """The warnings of each output's own checks; raises SourceError with their errors."""
    problems = [d for name in formats for d in get_builder(name).check(course, options)]
    if any(d.severity == "error" for d in problems):
        raise SourceError([d for d in problems if d.severity == "error"])
    return problems


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

@contextlib.contextmanager
def _workers(formats: list[str] | None, course_dir: Path, jobs: int) -> Iterator[ForkPool | None]:
    """With ``jobs`` > 1, the pool of worker processes, whose first is forked first thing (see
    :mod:`builders.workers`): it imports what the builders of the requested formats preload
    while this process finds out what is out of date and loads the course; stopped at once when
    that turns out to be nothing, or one thing. None with one job."""
    if jobs <= 1:
        yield None
        return
    with workers.interrupts_as_flag():  # an exception raised in a fork hook is swallowed
        pool = workers.start(min(jobs, MAX_WORKERS), lambda: _preloads(formats, course_dir))
    try:
        yield pool
    except BaseException:
        workers.stop(pool)
        raise
    pool.shutdown(wait=True)


MAX_WORKERS = 4
"""Builders run side by side: the three PDF editions and the rest (each edition lays its own
parts out ``jobs`` // editions at a time, in processes of its own)."""


def _preloads(formats: list[str] | None, course_dir: Path) -> tuple[str, ...]:
    """What the builders of the requested formats preload (in a worker, before the parent knows
    which of them are out of date)."""
    try:
        names = _checked_formats(formats, course_dir)
    except CoursepackError:  # the parent reports it
        return ()
    return tuple(dict.fromkeys(module for name in names for module in get_builder(name).preload))


def _run(builders: list[Builder], course: Course, staging: Path, context: BuildContext,
         page_maps: dict[str, PageMap | None], guesses: dict[str, PageMap | None],
         pool: ForkPool | None, progress: Callable[[str], None], tasks: Tasks,
         check: Callable[[], None] = lambda: None) -> dict[str, BuildResult]:
    """Run the builders (in ``pool``'s processes when there is one, ``check`` in this one as soon
    as they have their first jobs).

    A builder that needs another's page map (the EPUB, the workbook's) runs after it, one
    after the other. In parallel, each of a builder's :meth:`~builders.base.Builder.parts` is a
    job of its own (the workbook and the answer key lay out on two cores), and a builder that
    needs a page map starts at once with the one the last build recorded (``guesses``): when the
    real one comes and differs, it runs again with it. Either way it ends with the real one."""
    if pool is None:
        return _run_serially(builders, course, staging, context, page_maps, progress, tasks)
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    results: dict[str, BuildResult] = {}
    units = [(b, part) for b in builders for part in b.parts(context.options)]
    waiting = list(units)
    pieces: dict[str, dict[str, BuildResult]] = {builder.name: {} for builder in builders}
    made: dict[str, PageMap | None] = {}
    used: dict[str, PageMap | None] = {}
    """builder -> the page map it was given (a guess until its provider is done)."""
    names = {b.name for b in builders}
    for builder, part in units:
        tasks(workers.task_name(builder.name, part), "waiting", 0, 0)

    def provider(builder: Builder) -> str | None:
        name = NEEDS_PAGE_MAP.get(builder.name)
        return name if name in names else None

    def ready(builder: Builder) -> bool:
        name = provider(builder)
        return name is None or name in made or guesses.get(name) is not None

    def context_for(builder: Builder, part: str) -> BuildContext:
        name = provider(builder)
        if name is None:
            page_map = page_maps.get(NEEDS_PAGE_MAP.get(builder.name) or "")
        else:
            page_map = made[name] if name in made else guesses.get(name)
            used[builder.name] = page_map
        # the parts of one builder run side by side share the processes (more would only
        # compete for the same cores: measured slower with 2 jobs and 2 PDF editions)
        share = max(1, context.jobs // len(builder.parts(context.options)))
        return BuildContext(options=context.options, page_map=page_map, part=part, cache=context.cache,
                            reuse=context.reuse, jobs=share, cores=context.jobs)

    def guessed_wrong(builder: Builder) -> bool:
        name = provider(builder)
        return name is not None and name in made and used.get(builder.name) != made[name]

    def provided(name: str, page_map: PageMap | None) -> None:
        made[name] = page_map
        for other in builders:  # a finished follower built with a wrong guess: build it again
            if other.name in results and guessed_wrong(other):
                del results[other.name]
                pieces[other.name].clear()
                waiting.extend(u for u in units if u[0] is other)

    def finished(builder: Builder, part: str, result: BuildResult) -> None:
        if guessed_wrong(builder):  # built with last time's page map, which has changed: again
            waiting.append((builder, part))
            return
        tasks(workers.task_name(builder.name, part), "done", 0, 0)
        pieces[builder.name][part] = result
        if result.page_map is not None:
            provided(builder.name, result.page_map)
        order = [p for b, p in units if b is builder]
        if len(pieces[builder.name]) == len(order):
            done = [pieces[builder.name][p] for p in order]
            results[builder.name] = BuildResult(paths=[path for r in done for path in r.paths],
                                                page_map=next((r.page_map for r in done if r.page_map), None))
            if builder.name not in made:
                provided(builder.name, None)

    def heard(event: tuple) -> None:
        if event[0] == "page map":
            provided(event[1], event[2])
        else:
            tasks(workers.task_name(*event[1:3]), "running", *event[3:])

    shipped = workers.pickled(course)
    running: dict[Future[BuildResult], tuple[Builder, str]] = {}
    checked = False
    with workers.interrupts_as_flag():
        try:
            while waiting or running:
                for builder, part in [u for u in waiting if ready(u[0]) and u not in running.values()]:
                    waiting.remove((builder, part))
                    progress(f"building {workers.task_name(builder.name, part)}")
                    tasks(workers.task_name(builder.name, part), "running", 0, 0)
                    future = pool.submit(workers.build_in_worker, builder, shipped, staging,
                                         context_for(builder, part))
                    running[future] = (builder, part)
                if not checked:
                    checked = True
                    check()
                done, _ = wait(running, timeout=0.05, return_when=FIRST_COMPLETED)
                while workers.EVENTS is not None and not workers.EVENTS.empty():
                    heard(workers.EVENTS.get())
                workers.stop_if_requested()
                for future in done:
                    finished(*running.pop(future), future.result())
        except BaseException as exc:
            workers.stop(pool)  # before the staging folder goes: a worker may still be writing there
            if isinstance(exc, BrokenProcessPool):
                raise BuildError("a build process was stopped from outside (killed?); nothing was changed") from exc
            raise
    return results


def _run_serially(builders: list[Builder], course: Course, staging: Path, context: BuildContext,
                  page_maps: dict[str, PageMap | None], progress: Callable[[str], None],
                  tasks: Tasks) -> dict[str, BuildResult]:
    """In build order, in this process; a page map goes from its maker to its user."""
    results: dict[str, BuildResult] = {}
    for builder in builders:
        workers.stop_if_requested()
        progress(f"building {builder.name}")
        tasks(builder.name, "running", 0, 0)
        name = NEEDS_PAGE_MAP.get(builder.name) or ""
        page_map = results[name].page_map if name in results else page_maps.get(name)
        unit = BuildContext(options=context.options, page_map=page_map, cache=context.cache,
                            reuse=context.reuse, jobs=context.jobs, cores=context.jobs)
        unit.progress = lambda task, done, total, name=builder.name: tasks(workers.task_name(name, task), "running", done, total)
        results[builder.name] = workers.build_one(builder, course, staging, unit)
        tasks(builder.name, "done", 0, 0)
    return results
