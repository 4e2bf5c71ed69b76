"""The Course -> the XHTML documents of the EPUB, in reading order, rendered and finished.

Each document is rendered from templates/epub/, its ``#id`` links are rewritten to point
across files (:func:`builders.shared.xhtml.relink`), and :mod:`builders.epub.xhtml` adds the EPUB
semantics and, when the workbook's page map is known, the printed page breaks. The nav
document is made last, so its page-list can list the page breaks the others received.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from lxml import etree

from ..base import PageMap
from ..model import Course, Lesson
from ..shared.bibliography import gather
from ..shared.templating import render
from ..shared.xhtml import relink
from . import xhtml as epub_xhtml
from .layout import (
    ANSWERS,
    BIBLIOGRAPHY,
    COVER,
    GLOSSARY_FILE,
    NAV,
    STYLESHEET,
    TITLE_PAGE,
    Layout,
    own_id,
)
from .questions import view


@dataclass
class Document:
    """One XHTML content document of the package."""

    file: str
    uid: str
    """Its manifest id."""
    title: str
    root: etree._Element

    @property
    def content(self) -> bytes:
        return epub_xhtml.serialize(self.root)

    @property
    def properties(self) -> list[str]:
        return epub_xhtml.manifest_properties(self.root)


@dataclass(frozen=True)
class PageTarget:
    label: str
    href: str


@dataclass(frozen=True)
class Landmark:
    type: str
    href: str
    title: str


def documents(course: Course, layout: Layout, page_map: PageMap | None) -> list[Document]:
    """Every content document in spine order: cover, title page, contents, lessons, answers,
    bibliography, glossary."""
    body = [_cover(course, layout), _title_page(course, layout)]
    body += [_lesson(course, layout, lesson) for lesson in course.lessons]
    if layout.has_answers:
        body.append(_answers(course, layout))
    if layout.has_bibliography:
        body.append(_make(course, layout, "bibliography.xhtml.jinja", BIBLIOGRAPHY, "bibliography",
                          course.strings.bibliography, entries=gather(course.lessons)))
    if layout.has_glossary:
        body.append(_glossary(course, layout))
    pages: list[PageTarget] = []
    for document in body:
        epub_xhtml.add_semantics(document.root)
        if page_map is not None:
            pages += _page_breaks(document, page_map)
    nav = _nav(course, layout, pages)
    return body[:2] + [nav] + body[2:]


def _context(course: Course, title: str, **extra: object) -> dict[str, object]:
    book = {"language": course.language, "direction": course.direction, "stylesheet": STYLESHEET}
    return {"book": book, "course": course, "strings": course.strings, "title": title,
            "body_class": "", **extra}


def _make(course: Course, layout: Layout, template: str, file: str, uid: str, title: str,
          **extra: object) -> Document:
    xhtml = render(f"epub/{template}", **_context(course, title, **extra))
    xhtml = relink(xhtml, lambda anchor: layout.href(anchor, file))
    return Document(file, uid, title, epub_xhtml.parse(xhtml))


def _cover(course: Course, layout: Layout) -> Document:
    strings = course.strings
    return _make(course, layout, "cover.xhtml.jinja", COVER, "cover", strings.cover,
                 image=layout.cover_image, alt=f"{strings.cover}: {course.title}", body_class="cover-page")


def _title_page(course: Course, layout: Layout) -> Document:
    return _make(course, layout, "title-page.xhtml.jinja", TITLE_PAGE, "title-page", course.title)


def _lesson(course: Course, layout: Layout, lesson: Lesson) -> Document:
    ids = {"title": own_id("title", lesson.id), "objectives": own_id("objectives", lesson.id),
           "check": own_id("check", lesson.id), "reading": own_id("reading", lesson.id)}
    file = layout.lesson_files[lesson.id]
    return _make(
        course, layout, "lesson.xhtml.jinja", file, f"lesson-{lesson.id}", lesson.title,
        lesson=lesson, ids=ids, objectives=lesson.objectives, body=lesson.html,
        questions=[view(q, course.strings) for q in lesson.questions], answers_file=ANSWERS,
    )


def _answers(course: Course, layout: Layout) -> Document:
    groups = [
        {"lesson": lesson, "file": layout.lesson_files[lesson.id],
         "questions": [view(q, course.strings) for q in lesson.questions]}
        for lesson in course.lessons if lesson.questions
    ]
    return _make(course, layout, "answers.xhtml.jinja", ANSWERS, "answers", course.strings.answers,
                 groups=groups)


def _glossary(course: Course, layout: Layout) -> Document:
    return _make(course, layout, "glossary.xhtml.jinja", GLOSSARY_FILE, "glossary", course.strings.glossary,
                 entries=course.glossary)


def _page_breaks(document: Document, page_map: PageMap) -> list[PageTarget]:
    added = epub_xhtml.insert_page_breaks(document.root, page_map.pages)
    return [PageTarget(b.label, f"{document.file}#{b.id}") for b in added]


def landmarks(course: Course, layout: Layout) -> list[Landmark]:
    strings = course.strings
    marks = [Landmark("cover", COVER, strings.cover), Landmark("titlepage", TITLE_PAGE, strings.title_page),
             Landmark("toc", f"{NAV}#toc", strings.contents)]
    if course.lessons:
        first = course.lessons[0]
        marks.append(Landmark("bodymatter", layout.lesson_files[first.id], first.title))
    if layout.has_answers:
        marks.append(Landmark("backmatter", ANSWERS, strings.answer_key))
    if layout.has_bibliography:
        marks.append(Landmark("bibliography", BIBLIOGRAPHY, strings.bibliography))
    if layout.has_glossary:
        marks.append(Landmark("glossary", GLOSSARY_FILE, strings.glossary))
    return marks


def _nav(course: Course, layout: Layout, pages: list[PageTarget]) -> Document:
    return _make(course, layout, "nav.xhtml.jinja", NAV, "nav", course.strings.contents,
                 toc=layout.toc(), landmarks=landmarks(course, layout), pages=pages)


def cover_svg(course: Course) -> bytes:
    """A cover drawn from the title, for courses without a cover image."""
    svg = render(
        "epub/cover.svg.jinja", title=course.title, language=course.language, direction=course.direction,
        title_lines=textwrap.wrap(course.title, 18) or [course.id],
        subtitle_lines=textwrap.wrap(course.subtitle, 32)[:3],
        author_lines=textwrap.wrap(", ".join(course.authors), 40)[:3],
    )
    return svg.encode("utf-8")
