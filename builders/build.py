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
from .diagnostics import BuildError, CoursepackError, Diagnostic, SourceError, StrictError
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
    builders = [get_builder(name) for name in available() if name in formats]
    for name in formats:
        get_builder(name)  # unknown names are usage errors, before any work
    options = options or BuildOptions()
    progress("checking the course")
    course, warnings = load_course(course_dir)
    problems = [d for builder in builders for d in builder.check(course, options)]
    warnings += [d for d in problems if d.severity == "warning"]
    if any(d.severity == "error" for d in problems):
        raise SourceError([d for d in problems if d.severity == "error"])
    if strict and warnings:
        raise StrictError(warnings)

    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.coursepack-", dir=out.parent))
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


def _publish(staging: Path, produced: list[Path], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in produced:
        target = out / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        written.append(target)
    return written
