"""The PDF builder: a printable workbook, a separate answer key, and optionally a fillable workbook.

In: the course model and the build options (page size, ``--fillable``). Out, in the staging
folder: ``ID-workbook.pdf`` (student copy: lessons and worksheets, no answers),
``ID-answer-key.pdf`` (teacher's copy) and, on request, ``ID-workbook-fillable.pdf`` (answer
spaces are form fields), plus a :class:`~builders.base.PageMap` of the workbook's printed pages
for the EPUB page-list. HTML comes from :mod:`builders.pdf.html`; each edition is laid out in
parts (:mod:`builders.pdf.parts`, with :mod:`builders.pdf.render`) that
:mod:`builders.pdf.merge` joins into one tagged file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..base import BuildContext, Builder, BuildOptions, BuildResult, PageMap
from ..diagnostics import BuildError, Diagnostic
from ..incremental import Entry, Store, key
from ..model import Course
from .coverage import unprintable
from .fonts import FontSet
from .html import Edition, LessonView, lesson_views, stylesheet

if TYPE_CHECKING:
    from .merge import PartPdf


def page_size(course: Course, options: BuildOptions) -> str:
    return options.page_size or course.pdf.page_size


def file_name(course: Course, edition: Edition) -> str:
    return {"workbook": f"{course.id}-workbook.pdf", "answer-key": f"{course.id}-answer-key.pdf",
            "fillable": f"{course.id}-workbook-fillable.pdf"}[edition]


def build_edition(course: Course, edition: Edition, size: str, lessons: tuple[LessonView, ...],
                  target: Path, part_bytes: int | None = None, context: BuildContext | None = None,
                  placed: Callable[[dict[str, str]], None] = lambda pages: None) -> dict[str, str]:
    """Lay out one edition part by part (parts laid out before, in ``context.cache``, are
    reused), write it to ``target``; return its page map, which ``placed`` hears as soon as
    every page is laid out (before the parts are joined)."""
    import pikepdf  # WeasyPrint and pikepdf load when a PDF is built, not when a course is checked

    from .fontjoin import Originals
    from .merge import PartPdf, merge
    from .parts import PART_BYTES, EditionLayout
    from .render import Renderer
    from .stamps import CHUNK, stamps

    context = context or BuildContext()
    store = Store(context.cache, reuse=context.reuse) if context.cache is not None else None
    fonts = FontSet(course.pdf.fonts)
    with Renderer(course.media, stylesheet(course, edition, size), forms=edition == "fillable",
                  fonts=fonts) as renderer:
        laid = EditionLayout(course, edition, size, lessons, renderer, part_bytes or PART_BYTES, store,
                             lambda done, total: context.report(edition, done, total), context.jobs,
                             context.cores).run()
        pages = {anchor: label for part in laid for anchor, label in part.page_map.items()}
        placed(pages)
        last = max((part.first + part.pages - 1 for part in laid if part.first), default=0)
        parts = [PartPdf(part.pdf, part.pages, part.first, part.blank, part.continues) for part in laid
                 if part.pdf is not None]
        numbers = stamps(course, renderer, last, store)
        name = joined_key(renderer.identity, parts, numbers, CHUNK)
        entry = store.get(name) if store is not None else None
        if entry is not None and entry.data.startswith(b"%PDF-"):
            target.write_bytes(entry.data)
            return pages
        try:
            # one entry per edition: the editions are joined at once, in processes of their own
            merge(parts, target, numbers, CHUNK, Originals(fonts.programs(), store),
                  key("pdf font facts", renderer.identity, edition))
        except pikepdf.PdfError as exc:
            raise BuildError(f"pdf: cannot join the parts of the {edition}: {exc}") from exc
        if store is not None:
            store.put(name, Entry({}, target.read_bytes()))
    return pages


def joined_key(identity: str, parts: Sequence[PartPdf], numbers: Sequence[bytes], chunk: int) -> str:
    """The store key of an edition joined from ``parts`` and the page-number stamps (``chunk``
    pages each): an edition whose parts are all as they were (an edit elsewhere) is not joined
    again."""
    import pikepdf

    return key("pdf joined", identity, pikepdf.__version__, pikepdf.__libqpdf_version__, str(chunk),
               *(f"{hashlib.sha256(part.data).hexdigest()} {part.pages} {part.first} {list(part.blank)} {part.continues}"
                 for part in parts),
               *(hashlib.sha256(stamp).hexdigest() for stamp in numbers))


class PdfBuilder(Builder):
    name = "pdf"
    description = "Printable PDF workbook with worksheets, and a separate answer key"
    preload = ("builders.pdf.parts", "builders.pdf.merge", "builders.pdf.stamps", "pikepdf",
               "builders.pdf.render:warm_up")
    part_bytes: int | None = None
    """How much of a course one layout takes in (None: :data:`builders.pdf.parts.PART_BYTES`)."""

    def parts(self, options: BuildOptions) -> tuple[Edition, ...]:
        """Each edition lays out on its own: with two cores, the workbook and the answer key
        are built at the same time."""
        return ("workbook", "answer-key", "fillable") if options.fillable else ("workbook", "answer-key")

    def check(self, course: Course, options: BuildOptions) -> list[Diagnostic]:
        """Characters the PDF's fonts cannot draw (needs no layout: see :mod:`builders.pdf.coverage`)."""
        return unprintable(course)

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        size = page_size(course, context.options)
        lessons = lesson_views(course)
        editions = [part for part in self.parts(context.options) if context.part in ("", part)]
        paths, printed = [], None

        def workbook_pages(pages: dict[str, str]) -> PageMap:
            return PageMap(source=file_name(course, "workbook"), pages=pages)

        for edition in editions:
            target = staging / file_name(course, edition)
            placed = (lambda pages: context.offer(workbook_pages(pages))) if edition == "workbook" else None
            pages = build_edition(course, edition, size, lessons, target, self.part_bytes, context,
                                  placed or (lambda pages: None))
            paths.append(target)
            if edition == "workbook":
                printed = workbook_pages(pages)
        return BuildResult(paths=paths, page_map=printed)
