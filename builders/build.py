"""Load a course once, run the chosen builders, and publish their files atomically.

Builders write into a hidden staging folder next to the output folder; only when all of them
have succeeded are the files moved into place (``os.replace``, atomic on one file system).
A failure or an interrupt removes the staging folder: the output folder is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .base import BuildContext, BuildOptions
from .diagnostics import BuildError, CoursepackError, Diagnostic, SourceError, StrictError, UsageError
from .model import Course
from .registry import available, get_builder
from .source import load_course


@dataclass
class BuildReport:
    course: Course
    written: list[Path]
    warnings: list[Diagnostic]


def build(
    course_dir: Path,
    out: Path,
    formats: list[str] | None = None,
    options: BuildOptions | None = None,
    progress: Callable[[str], None] = lambda message: None,
    strict: bool = False,
) -> BuildReport:
    formats = formats or available()
    unknown = [name for name in formats if name not in available()]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}' (available: {', '.join(available()) or 'none yet'})")
    options = options or BuildOptions()
    progress("checking the course")
    course, warnings = load_course(course_dir)
    builders = [get_builder(name) for name in available() if name in formats]
    problems = [d for builder in builders for d in builder.check(course, options)]
    warnings += [d for d in problems if d.severity == "warning"]
    if any(d.severity == "error" for d in problems):
        raise SourceError([d for d in problems if d.severity == "error"])
    if strict and warnings:
        raise StrictError(warnings)

    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.coursepack-{os.getpid()}-", dir=out.parent))
    try:
        context = BuildContext(options=options)
        produced: list[Path] = []
        for builder in builders:
            progress(f"building {builder.name}")
            try:
                result = builder.build(course, staging, context)
            except CoursepackError:
                raise
            except OSError as exc:
                raise BuildError(f"{builder.name}: cannot write output: {exc.strerror or exc}") from exc
            if result.page_map is not None:
                context.page_map = result.page_map
            produced += result.paths
        written = _publish(staging, produced, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildReport(course, written, warnings)


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
    for path in produced:
        target = out / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        written.append(target)
    return written
