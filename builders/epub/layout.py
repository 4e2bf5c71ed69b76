"""Where everything lives inside the EPUB: file names, links between files, the table of contents.

Input: the Course. Output: a :class:`Layout` that names each document, turns a model anchor
(``#id``) into an href that works from any document, and lists the contents tree that the
nav document and the NCX both show. All paths are relative to the package folder (``EPUB/``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ..model import GLOSSARY, Course, Lesson, Section
from ..shared import ids

COVER = "cover.xhtml"
TITLE_PAGE = "title-page.xhtml"
NAV = "nav.xhtml"
ANSWERS = "answers.xhtml"
GLOSSARY_FILE = "glossary.xhtml"
BIBLIOGRAPHY = "bibliography.xhtml"
STYLESHEET = "style.css"
GENERATED_COVER = "cover-image.svg"
UUID_NAMESPACE = uuid.UUID("5b1f4a8e-6d0c-4c47-9d36-6a1e2a0f3c11")
"""Namespace of the book identifiers: the same course id always gives the same urn:uuid."""


def book_identifier(course: Course) -> str:
    return f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, course.id)}"


def lesson_file(lesson: Lesson) -> str:
    return f"lesson-{lesson.id}.xhtml"


def own_id(kind: str, owner: str = "") -> str:
    """Ids the EPUB adds itself: the ``_`` keeps them apart from model ids (:mod:`builders.shared.ids`)."""
    return f"{kind}_{owner}" if owner else f"{kind}_"


@dataclass
class TocEntry:
    title: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


class Layout:
    """File names and hrefs of one course's EPUB."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.lesson_files = {lesson.id: lesson_file(lesson) for lesson in course.lessons}
        self.question_files = {q.id: lesson_file(lesson) for lesson in course.lessons for q in lesson.questions}
        self.has_answers = bool(self.question_files)
        self.has_glossary = bool(course.glossary)
        self.has_bibliography = any(lesson.further_reading for lesson in course.lessons)

    @property
    def cover_image(self) -> str:
        if self.course.cover:
            return self.course.cover
        name = GENERATED_COVER
        while name in self.course.media:
            name = "generated-" + name
        return name

    def file_of(self, anchor: str) -> str | None:
        """The document that holds ``anchor`` (None when nothing in the book has that id)."""
        owner = self.course.anchor_owner(anchor)
        if owner == GLOSSARY:
            return GLOSSARY_FILE
        if owner is not None:
            return self.lesson_files.get(owner)
        if anchor.startswith(ids.QUESTION_PREFIX):
            return self.question_files.get(anchor.removeprefix(ids.QUESTION_PREFIX))
        if anchor.startswith(ids.ANSWER_PREFIX) and anchor.removeprefix(ids.ANSWER_PREFIX) in self.question_files:
            return ANSWERS
        return None

    def href(self, anchor: str, from_file: str) -> str:
        """An href to ``anchor`` that works from ``from_file``."""
        target = self.file_of(anchor)
        if target is None or target == from_file:
            return f"#{anchor}"
        return f"{target}#{anchor}"

    def toc(self) -> list[TocEntry]:
        """The contents: title page, lessons with their sections, answers, bibliography, glossary."""
        strings = self.course.strings
        entries = [TocEntry(strings.title_page, TITLE_PAGE)]
        for lesson in self.course.lessons:
            entries.append(self._lesson_entry(lesson))
        if self.has_answers:
            entries.append(TocEntry(strings.answers, ANSWERS))
        if self.has_bibliography:
            entries.append(TocEntry(strings.bibliography, BIBLIOGRAPHY))
        if self.has_glossary:
            entries.append(TocEntry(strings.glossary, GLOSSARY_FILE))
        return entries

    def _lesson_entry(self, lesson: Lesson) -> TocEntry:
        file = self.lesson_files[lesson.id]
        entry = TocEntry(f"{lesson.number}. {lesson.title}", file)
        sections = list(lesson.sections)
        if lesson.questions:
            sections.append(Section(own_id("check", lesson.id), self.course.strings.check_your_understanding, 2))
        if lesson.further_reading:
            sections.append(Section(own_id("reading", lesson.id), self.course.strings.further_reading, 2))
        entry.children = nest(sections, file)
        return entry


def nest(sections: list[Section], file: str) -> list[TocEntry]:
    """Flat headings -> a tree: each heading goes under the last one of a lower level."""
    root: list[TocEntry] = []
    stack: list[tuple[int, list[TocEntry]]] = [(1, root)]
    for section in sections:
        while len(stack) > 1 and stack[-1][0] >= section.level:
            stack.pop()
        entry = TocEntry(section.title, f"{file}#{section.id}")
        stack[-1][1].append(entry)
        stack.append((section.level, entry.children))
    return root
