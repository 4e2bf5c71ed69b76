"""Small builders for orchestration tests: fast, and able to fail on request."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from builders.base import Builder, BuildContext, BuildResult, PageMap
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
