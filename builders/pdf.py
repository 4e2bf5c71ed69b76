"""The PDF builder: a printable workbook, a separate answer key, and optionally a fillable workbook.

In: the course model and the build options (page size, ``--fillable``). Out, in the staging
folder: ``ID-workbook.pdf`` (student copy: lessons and worksheets, no answers),
``ID-answer-key.pdf`` (teacher's copy) and, on request, ``ID-workbook-fillable.pdf`` (answer
spaces are form fields), plus a :class:`~builders.base.PageMap` of the workbook's printed pages
for the EPUB page-list. HTML comes from :mod:`builders.pdf_html`, pages from
:mod:`builders.pdf_render`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .base import BuildContext, Builder, BuildOptions, BuildResult, PageMap
from .diagnostics import BuildError
from .model import Course
from .pdf_html import Edition, LessonView, document_html, lesson_views
from .pdf_render import page_map, render, write

if TYPE_CHECKING:
    from weasyprint import Document


@dataclass
class Rendered:
    edition: Edition
    html: str
    document: Document


def page_size(course: Course, options: BuildOptions) -> str:
    return options.page_size or course.pdf.page_size


def file_name(course: Course, edition: Edition) -> str:
    return {"workbook": f"{course.id}-workbook.pdf", "answer-key": f"{course.id}-answer-key.pdf",
            "fillable": f"{course.id}-workbook-fillable.pdf"}[edition]


def render_edition(course: Course, edition: Edition, size: str,
                   lessons: tuple[LessonView, ...] | None = None) -> Rendered:
    """Lay out one edition with an even number of pages (a blank last page when needed).

    The whole is laid out once with the blank page :func:`needs_blank_page` predicts, and
    again with the other choice only if the prediction was wrong: the footers' "of N" and
    the page count on the contents page stay true without patching pages afterwards.
    """
    lessons = lessons if lessons is not None else lesson_views(course)
    forms = edition == "fillable"
    blank = needs_blank_page(course, edition, size, lessons)
    html = document_html(course, edition, size, lessons=lessons, blank_page=blank)
    document = _render(course, html, forms)
    if len(document.pages) % 2:
        html = document_html(course, edition, size, lessons=lessons, blank_page=not blank)
        document = _render(course, html, forms)
    return Rendered(edition, html, document)


def needs_blank_page(course: Course, edition: Edition, size: str, lessons: tuple[LessonView, ...]) -> bool:
    """Whether the edition will have an odd number of pages, guessed cheaply where possible.

    In a workbook every lesson and the glossary start on a right-hand (odd) page, so the
    total is odd exactly when the last of them fills an odd number of pages: laying out that
    tail alone is much faster than laying out the whole. The answer key has no such tail.
    """
    if edition == "answer-key":
        return False
    tail = document_html(course, edition, size, lessons=lessons, tail=True)
    return len(_render(course, tail, edition == "fillable").pages) % 2 == 1


def _render(course: Course, html: str, forms: bool) -> Document:
    try:
        return render(html, course.media, forms=forms)
    except Exception as exc:  # WeasyPrint raises many kinds; name the output that failed
        raise BuildError(f"pdf: cannot lay out the pages: {exc}") from exc


def identifier(course: Course, edition: Edition, size: str) -> bytes:
    """The PDF file identifier: derived from the source, so rebuilding gives the same bytes."""
    seed = f"{course.id}\n{course.version}\n{course.modified}\n{edition}\n{size}"
    return hashlib.md5(seed.encode()).hexdigest().encode()


class PdfBuilder(Builder):
    name = "pdf"
    description = "Printable PDF workbook with worksheets, and a separate answer key"

    def parts(self, options: BuildOptions) -> tuple[Edition, ...]:
        """Each edition lays out on its own: with two cores, the workbook and the answer key
        are built at the same time."""
        return ("workbook", "answer-key", "fillable") if options.fillable else ("workbook", "answer-key")

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        size = page_size(course, context.options)
        lessons = lesson_views(course)
        editions = [part for part in self.parts(context.options) if context.part in ("", part)]
        paths, pages = [], None
        for edition in editions:
            rendered = render_edition(course, edition, size, lessons)
            target = staging / file_name(course, edition)
            write(rendered.document, target, identifier(course, edition, size), forms=edition == "fillable")
            paths.append(target)
            if edition == "workbook":
                pages = page_map(rendered.document, rendered.html, course.anchors)
        printed = PageMap(source=file_name(course, "workbook"), pages=pages) if pages is not None else None
        return BuildResult(paths=paths, page_map=printed)
