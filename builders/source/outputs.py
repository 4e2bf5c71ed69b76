"""course.yml's ``outputs:`` alone, read before the course is loaded: the build decides from it
which formats to make (and whether they are up to date) without loading the lessons."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..diagnostics import Report, SourceError
from . import settings
from .fields import Fields
from .textfile import MAX_TEXT_BYTES, read_regular
from .yamlpos import YamlMap, YamlSyntaxError, load


def course_outputs(folder: Path | str, known: Sequence[str]) -> tuple[str, ...]:
    """The formats course.yml lists (empty: none listed). A mistake in ``outputs:`` raises
    SourceError; any other problem with course.yml is left for the loader to report."""
    path = Path(folder).absolute() / "course.yml"
    try:  # never open a FIFO or a device: the loader reports those
        data = load(read_regular(path, MAX_TEXT_BYTES).decode("utf-8-sig"), path)
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return ()
    if not isinstance(data, YamlMap) or "outputs" not in data:
        return ()
    report = Report()
    names = settings.outputs(Fields(data, report, "course.yml"), known)
    if report.errors:
        raise SourceError(report.sorted())
    return names
