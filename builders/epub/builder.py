"""The EPUB builder: Course -> ``ID.epub``, an accessible EPUB 3 textbook.

Reads the course model (and, when the PDF builder ran first, its page map) and writes one
file into the staging folder. The work is split in three: :mod:`builders.epub.documents`
renders the XHTML, :mod:`builders.epub.package` assembles the package with ebooklib, and
:mod:`builders.epub.layout` decides where everything lives.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..base import BuildContext, Builder, BuildResult
from ..model import Course
from .documents import cover_svg, documents
from .layout import Layout


class EpubBuilder(Builder):
    name: ClassVar[str] = "epub"
    description: ClassVar[str] = "EPUB 3 textbook for e-book readers (ID.epub)"

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        path = staging / f"{course.id}.epub"
        path.write_bytes(make_epub(course, context))
        return BuildResult([path])


def make_epub(course: Course, context: BuildContext) -> bytes:
    """The bytes of the EPUB (no file written: handy for tests and benchmarks)."""
    # ebooklib loads when an EPUB is made, not when a course is checked
    from .package import package

    layout = Layout(course)
    docs = documents(course, layout, context.page_map)
    media = {path: item.data for path, item in course.media.items()}
    if course.cover is None:
        media[layout.cover_image] = cover_svg(course)
    return package(course, layout, docs, media, context.page_map)
