"""course.yml's ``outputs:`` alone, read before the course is loaded: the build decides from it
which formats to make (and whether they are up to date) without loading the lessons."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..diagnostics import Report, SourceError
from . import settings
from .fields import Fields
from .yamlpos import YamlMap, YamlSyntaxError, load


def course_outputs(folder: Path | str, known: Sequence[str]) -> tuple[str, ...]:
    """The formats course.yml lists (empty: none listed). A mistake in ``outputs:`` raises
    SourceError; any other problem with course.yml is left for the loader to report."""
    path = Path(folder).absolute() / "course.yml"
    try:
        data = load(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return ()
    if not isinstance(data, YamlMap) or "outputs" not in data:
        return ()
    report = Report()
    names = settings.outputs(Fields(data, report, "course.yml"), known)
    if report.errors:
        raise SourceError(report.sorted())
    return names
