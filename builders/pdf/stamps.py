"""The body's page numbers, laid out apart from the pages they go on.

A body part is laid out as if it began on page 1 and prints no page number, so that it does not
depend on where it lands. Its "Page N" footers come from a document of empty pages named
``stamp`` (see templates/pdf/page.css.jinja), laid out in chunks of :data:`CHUNK` pages (page
numbers 1-32, 33-64, ...) and kept in the store: a chunk is the same whatever the course says.
:mod:`builders.pdf.merge` draws each of its pages over the body page with that number.
"""

from __future__ import annotations

from html import escape

from ..incremental import Entry, Store, key
from ..model import Course
from .render import Renderer

CHUNK = 32


def stamp_html(course: Course, first: int, count: int) -> str:
    """``count`` empty pages numbered from ``first`` (odd: a chunk begins on a right-hand page)."""
    pages = '<div class="stamp"></div>' * count
    return (f'<!DOCTYPE html><html lang="{escape(course.language)}" dir="{escape(course.direction)}">'
            '<head><meta charset="utf-8"><style>'
            f"@page :first {{ counter-reset: page {first}; }}"
            ".stamp { page: stamp; height: 1px; } .stamp + .stamp { break-before: page; }"
            f"</style></head><body>{pages}</body></html>")


def stamps(course: Course, renderer: Renderer, last_page: int, store: Store | None) -> list[bytes]:
    """The chunks (PDFs) that number pages 1 to ``last_page``."""
    chunks = []
    for first in range(1, last_page + 1, CHUNK):
        html = stamp_html(course, first, CHUNK)
        name = key("pdf stamps", renderer.identity, html)
        entry = store.get(name) if store is not None else None
        if entry is None or not entry.data.startswith(b"%PDF-"):
            entry = Entry({}, renderer.untagged_pdf(html))
            if store is not None:
                store.put(name, entry)
        chunks.append(entry.data)
    return chunks
