"""Problems found in a course or a build, with the file and line they belong to.

Loading collects every :class:`Diagnostic` in a :class:`Report` and raises one
:class:`SourceError` at the end; the command line prints them as
``path:line:col: error: message`` and exits with the error's ``exit_code``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .model import SourcePos

Severity = Literal["error", "warning"]


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    pos: SourcePos
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = display_path(self.pos.path)
        if self.pos.line:
            where += f":{self.pos.line}"
            if self.pos.col:
                where += f":{self.pos.col}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Report:
    """Collects diagnostics while a course is loaded or checked."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, pos: SourcePos, message: str) -> None:
        self.items.append(Diagnostic(pos, "error", message))

    def warning(self, pos: SourcePos, message: str) -> None:
        self.items.append(Diagnostic(pos, "warning", message))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (str(d.pos.path), d.pos.line, d.pos.col))


class CoursepackError(Exception):
    """An expected failure: shown as a message, never as a traceback."""

    exit_code = 4


class SourceError(CoursepackError):
    """The course source has errors; ``diagnostics`` lists them all."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))

    def __reduce__(self) -> tuple:
        return (type(self), (self.diagnostics,))  # crosses process boundaries intact


class StrictError(SourceError):
    """Warnings were found and ``--strict`` makes them fatal."""

    exit_code = 3


class UsageError(CoursepackError):
    """The command was asked for something it cannot do (unknown format, bad option)."""

    exit_code = 2


class BuildError(CoursepackError):
    """A build step failed (a builder, a template, the disk)."""

    exit_code = 4
