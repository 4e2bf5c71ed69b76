"""Load a course once, run the chosen builders, and publish their files atomically.

Phases: check the format names; skip the formats whose outputs are up to date (see
:mod:`builders.cache`); load and validate the course; run each builder's ``check``; run the
builders into a hidden staging folder next to the output folder (independent ones in parallel
processes when ``jobs`` > 1); and only when every builder has succeeded move the files into
place (``os.replace``, atomic on one file system). A failure or an interrupt removes the staging
folder: the output folder is left as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .base import Builder, BuildContext, BuildOptions, BuildResult, PageMap
from .cache import BuildCache, fingerprint
from .diagnostics import BuildError, CoursepackError, Diagnostic, SourceError, StrictError, UsageError
from .model import Course
from .registry import available, get_builder
from .source import load_course

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
    formats = _checked_formats(formats)
    options = options or BuildOptions()
    out = out.absolute()
    cache = BuildCache(out)
    base_key = fingerprint(Path(course_dir), options)
    keys = {name: _format_key(base_key, name, formats) for name in formats}
    stale = [name for name in formats if force or not cache.fresh(name, keys[name])]
    fresh = [path for name in formats if name not in stale for path in cache.files(name)]
    if not stale:
        return BuildReport(written=[], up_to_date=fresh)

    progress("checking the course")
    course, warnings = load_course(course_dir)
    builders = [get_builder(name) for name in stale]
    problems = [d for builder in builders for d in builder.check(course, options)]
    warnings += [d for d in problems if d.severity == "warning"]
    if any(d.severity == "error" for d in problems):
        raise SourceError([d for d in problems if d.severity == "error"])
    if strict and warnings:
        raise StrictError(warnings)

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.coursepack-{os.getpid()}-", dir=out.parent))
    try:
        page_maps = {name: cache.page_map(name) for name in formats if name not in stale}
        results = _run(builders, course, staging, BuildContext(options=options), page_maps, jobs, progress)
        written = _publish(staging, [p for r in results.values() for p in r.paths], out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name, result in results.items():
        cache.record(name, keys[name], [out / p.relative_to(staging) for p in result.paths], result.page_map)
    cache.save()
    return BuildReport(written=written, up_to_date=fresh, warnings=warnings, course=course)


def _format_key(base_key: str, name: str, formats: list[str]) -> str:
    """A format built beside its page-map provider differs from one built alone."""
    provider = NEEDS_PAGE_MAP.get(name)
    return f"{base_key}+{provider}" if provider in formats else base_key


def _checked_formats(formats: list[str] | None) -> list[str]:
    """The requested formats in build order; an unknown one is a usage error."""
    requested = formats or available()
    unknown = [name for name in requested if name not in available()]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}' (available: {', '.join(available()) or 'none yet'})")
    return [name for name in available() if name in requested]


# --- running builders -------------------------------------------------------------------------

_WORKER_COURSE: Course | None = None
"""The course, inherited by forked worker processes instead of being pickled to each."""


def _run(builders: list[Builder], course: Course, staging: Path, context: BuildContext,
         page_maps: dict[str, PageMap | None], jobs: int, progress: Callable[[str], None]) -> dict[str, BuildResult]:
    """Run the builders; one that needs another's page map starts when that one is done."""
    results: dict[str, BuildResult] = {}
    waiting = list(builders)

    def ready(builder: Builder) -> bool:
        provider = NEEDS_PAGE_MAP.get(builder.name)
        return provider is None or provider in results or provider not in {b.name for b in builders}

    def context_for(builder: Builder) -> BuildContext:
        provider = NEEDS_PAGE_MAP.get(builder.name)
        page_map = results[provider].page_map if provider in results else page_maps.get(provider or "")
        return BuildContext(options=context.options, page_map=page_map)

    if jobs <= 1 or len(builders) == 1:
        for builder in builders:
            progress(f"building {builder.name}")
            results[builder.name] = _build_one(builder, course, staging, context_for(builder))
        return results

    global _WORKER_COURSE
    _WORKER_COURSE = course
    running: dict[Future[BuildResult], str] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, len(builders)),
                             mp_context=multiprocessing.get_context("fork")) as pool:
        while waiting or running:
            for builder in [b for b in waiting if ready(b)]:
                waiting.remove(builder)
                progress(f"building {builder.name}")
                running[pool.submit(_build_in_worker, builder, staging, context_for(builder))] = builder.name
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                results[running.pop(future)] = future.result()
    return results


def _build_in_worker(builder: Builder, staging: Path, context: BuildContext) -> BuildResult:
    assert _WORKER_COURSE is not None
    return _build_one(builder, _WORKER_COURSE, staging, context)


def _build_one(builder: Builder, course: Course, staging: Path, context: BuildContext) -> BuildResult:
    try:
        return builder.build(course, staging, context)
    except CoursepackError:
        raise
    except OSError as exc:
        raise BuildError(f"{builder.name}: cannot write output: {exc.strerror or exc}") from exc


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


def _publish(staging: Path, produced: list[Path], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(produced):
        target = out / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        written.append(target)
    return written
