"""The Builder interface: one output format over the course model.

A builder takes the validated :class:`~builders.model.Course` and a staging folder, writes its
files there and returns their paths. It never reads the course folder and never imports another
builder; what one output needs from another (the workbook's page numbers for the EPUB
page-list) travels in :class:`BuildContext`. The orchestrator (:mod:`builders.build`) moves the
files into the output folder only when every builder has succeeded.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .diagnostics import Diagnostic
from .model import Course


@dataclass(frozen=True)
class BuildOptions:
    """Choices made on the command line that override course.yml."""

    scorm_versions: tuple[str, ...] = ()
    """SCORM versions to build ("1.2", "2004"); empty: the course's ``scorm.version``."""
    page_size: str | None = None
    """"A4" or "letter"; None: the course's ``pdf.page_size``."""
    fillable: bool = False
    """Also build a workbook whose answer spaces are PDF form fields."""


@dataclass
class PageMap:
    """Which printed workbook page each element id landed on (from the PDF builder)."""

    source: str
    """File name of the printed edition, e.g. ``history-of-alliances-workbook.pdf``."""
    pages: dict[str, str] = field(default_factory=dict)
    """Element id -> printed page label, in reading order."""


@dataclass
class BuildContext:
    options: BuildOptions = field(default_factory=BuildOptions)
    page_map: PageMap | None = None
    part: str = ""
    """Which one of the builder's :meth:`Builder.parts` to build; "" builds them all."""
    cache: Path | None = None
    """A folder for :class:`builders.incremental.Store` (pieces kept between builds), or None."""
    reuse: bool = True
    """False (``--force``): make every piece anew, and store it for the next build."""
    jobs: int = 1
    """Processes a builder may use for independent pieces of its own (the PDF's body parts)."""
    cores: int = 1
    """Processes the whole build may use (``--jobs``): a builder with no more pieces to make
    than that may use them all, briefly (after an edit of two lessons, the workbook lays out
    both at once while the answer key, which has none to lay out, only joins its parts)."""
    progress: Callable[[str, int, int], None] | None = field(default=None, compare=False)
    """Told (task, done, total) as a long build step advances, e.g. ("workbook", 3, 12) for the
    parts of a PDF edition; set by the orchestrator in the process that runs the builder."""

    page_map_ready: Callable[[PageMap], None] | None = field(default=None, compare=False)
    """Told the page map as soon as it is known, before the builder has finished (the EPUB
    that waits for it starts while the PDF is still being joined); set by the orchestrator."""

    def report(self, task: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(task, done, total)

    def offer(self, page_map: PageMap) -> None:
        """Hand on the page map this build will return, ahead of time (see :attr:`page_map_ready`)."""
        if self.page_map_ready is not None:
            self.page_map_ready(page_map)


@dataclass
class BuildResult:
    paths: list[Path]
    page_map: PageMap | None = None


class Builder(ABC):
    name: ClassVar[str]
    """The format name on the command line (``--format``) and the registry key."""
    description: ClassVar[str]
    """One line for ``coursepack build --help``."""
    preload: ClassVar[tuple[str, ...]] = ()
    """Modules a worker process imports before the course is loaded, when this builder will run
    in one (those slow to import: WeasyPrint), so that the import overlaps the loading; a
    ``module:function`` entry also names a warm-up it runs if it is still waiting for the course
    (see :func:`builders.workers._warm_up`)."""

    def parts(self, options: BuildOptions) -> tuple[str, ...]:
        """Independent pieces of this output (the PDF's workbook and answer key), which the
        orchestrator may build at the same time in separate processes, one per :meth:`build`
        call (``context.part``). The one piece "" by default."""
        return ("",)

    def check(self, course: Course, options: BuildOptions) -> list[Diagnostic]:
        """Problems this output has with a valid course (e.g. SCORM suspend data too big)."""
        return []

    @abstractmethod
    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        """Write this output's files into ``staging``."""
