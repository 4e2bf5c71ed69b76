"""course.yml's ``outputs:`` alone, read before the course is loaded: the build decides from it
which formats to make (and whether they are up to date) without loading the lessons. It imports
no more than YAML and the field checks: a build's first worker reads it too, before its imports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..diagnostics import Report, SourceError
from .fields import Fields, kind, suggestion
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
    names = outputs(Fields(data, report, "course.yml"), known)
    if report.errors:
        raise SourceError(report.sorted())
    return names


def outputs(f: Fields, known: Sequence[str] | None) -> tuple[str, ...]:
    """course.yml's ``outputs:``: the formats a plain ``coursepack build`` makes (names checked
    against ``known`` when given)."""
    value = f.data.get("outputs")
    if value is None:
        return ()
    if not isinstance(value, list):
        f.report.error(f.at("outputs"), f"field 'outputs' must be a list of format names, not {kind(value)}")
        return ()
    if not value:
        f.report.error(f.at("outputs"), "field 'outputs' lists no format: name at least one, or leave it out")
    names = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            f.report.error(value.at(i), f"item {i + 1} of 'outputs' must be a format name, not {kind(name)}")
        elif known is not None and name.strip() not in known:
            f.report.error(value.at(i), f"unknown output format '{name.strip()}' in 'outputs'"
                                        f"{suggestion(name.strip(), known) or ''} (available: {', '.join(known)})")
        else:
            names.append(name.strip())
    return tuple(dict.fromkeys(names))
