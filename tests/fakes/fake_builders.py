"""Small builders for orchestration tests: fast, and able to fail on request."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import ClassVar

from builders.base import BuildContext, Builder, BuildOptions, BuildResult, PageMap
from builders.diagnostics import BuildError
from builders.model import Course


class PagesBuilder(Builder):
    name: ClassVar[str] = "pages"
    description: ClassVar[str] = "writes a page map"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        path = staging / f"{course.id}.pages"
        path.write_text("\n".join(lesson.id for lesson in course.lessons))
        return BuildResult([path], PageMap(path.name, {lesson.id: str(n) for n, lesson in enumerate(course.lessons, 1)}))


class BookBuilder(Builder):
    name: ClassVar[str] = "book"
    description: ClassVar[str] = "uses the page map"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        path = staging / f"{course.id}.book"
        pages = context.page_map.pages if context.page_map else {}
        path.write_text(f"{course.title}\n{sorted(pages.items())}\n")
        return BuildResult([path])


class FailingBuilder(Builder):
    name: ClassVar[str] = "broken"
    description: ClassVar[str] = "always fails after writing a file"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        (staging / "half-written.tmp").write_text("partial")
        raise BuildError("broken: the disk is full")


class PartsBuilder(Builder):
    """Two independent parts (like the PDF's workbook and answer key); the left one has the page
    map. Each part notes the process that built it beside the staging folder and, when built on
    its own, waits (up to 10 s) until the other has started too: they must run at the same time."""

    name: ClassVar[str] = "parts"
    description: ClassVar[str] = "two parts that may be built at the same time"

    def parts(self, options: BuildOptions) -> tuple[str, ...]:
        return ("left", "right")

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        paths = []
        for part in [p for p in self.parts(context.options) if context.part in ("", p)]:
            paths.append(staging / f"{course.id}.{part}")
            paths[-1].write_text(part)
            (staging.parent / f"{part}.pid").write_text(str(os.getpid()))
        if context.part:
            other = staging.parent / f"{'right' if context.part == 'left' else 'left'}.pid"
            deadline = time.monotonic() + 10
            while not other.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        left = any(p.suffix == ".left" for p in paths)
        return BuildResult(paths, PageMap("left", {"x": "1"}) if left else None)


class SlowRightPartsBuilder(PartsBuilder):
    """PartsBuilder whose right part (without the page map) keeps going until the book that
    needs the left part's page map exists (up to 10 s), and notes whether it saw it."""

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        result = super().build(course, staging, context)
        if context.part == "right":
            _note_whether_the_book_comes(course, staging, "right-saw-book")
        return result


def _note_whether_the_book_comes(course: Course, staging: Path, note: str) -> None:
    """Wait (up to 10 s) until the book exists in ``staging``; write beside it whether it came."""
    book = staging / f"{course.id}.book"
    deadline = time.monotonic() + 10
    while not book.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    (staging.parent / note).write_text(str(book.exists()))


class _Unpicklable:
    def __reduce__(self) -> tuple:
        raise TypeError("cannot pickle '_Unpicklable' object")  # like lxml's _ListErrorLog


class CrashingBuilder(Builder):
    """Raises an unexpected error that holds something that cannot be pickled."""

    name: ClassVar[str] = "crash"
    description: ClassVar[str] = "fails like a bug in a library"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        error = ValueError("invalid character in a prompt")
        error.log = _Unpicklable()
        raise error


class UnpicklableBuildErrorBuilder(Builder):
    """Raises an expected error that a library decorated with something that cannot be pickled."""

    name: ClassVar[str] = "odd"
    description: ClassVar[str] = "fails with an expected error that does not pickle"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        error = BuildError("odd: the file cannot be written")
        error.log = _Unpicklable()
        raise error


class CountingBuilder(Builder):
    """Reports three steps of progress."""

    name: ClassVar[str] = "count"
    description: ClassVar[str] = "reports its progress"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        for done in range(1, 4):
            context.report("steps", done, 3)
        path = staging / f"{course.id}.count"
        path.write_text("3")
        return BuildResult([path])


class LoggingBookBuilder(BookBuilder):
    """BookBuilder that also notes, beside the staging folder, each page map it was built with."""

    name: ClassVar[str] = "logbook"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        pages = sorted(context.page_map.pages.items()) if context.page_map else []
        with (staging.parent / "book.log").open("a") as log:
            log.write(f"{pages}\n")
        return super().build(course, staging, context)


class EarlyPagesBuilder(PagesBuilder):
    """PagesBuilder that offers its page map ahead of time, then keeps going until the book that
    needs it exists (up to 10 s), and notes whether it saw it."""

    name: ClassVar[str] = "early"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        result = super().build(course, staging, context)
        assert result.page_map is not None
        context.offer(result.page_map)
        _note_whether_the_book_comes(course, staging, "pages-saw-book")
        return result
