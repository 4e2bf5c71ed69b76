"""The fonts of the PDFs: the DejaVu faces shipped in templates/pdf/fonts and the course's own.

In: the course's ``pdf.fonts`` (:class:`~builders.model.FontFile`, checked by the loader). Out:
a :class:`FontSet`: the ``@font-face`` rules and the two font stacks of the stylesheet
(templates/pdf/fonts.css.jinja), the bytes :mod:`builders.pdf.render` serves for each font URL,
and which characters the faces can draw (read from their cmaps with fontTools, once per file).

Every stack ends with every face, so a character drawn by any face is drawn wherever it is
printed: the coverage check (:mod:`builders.pdf.coverage`) can test the union of the cmaps.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import FontFile
from ..shared.templating import asset, templates_dir

COURSE_SERIF, COURSE_SANS = "Course Serif", "Course Sans"
WORKBOOK_SERIF, WORKBOOK_SANS = "Workbook Serif", "Workbook Sans"
_ROLE_FACE = {"body": (COURSE_SERIF, 400, "normal"), "bold": (COURSE_SERIF, 700, "normal"),
              "italic": (COURSE_SERIF, 400, "italic"), "sans": (COURSE_SANS, 400, "normal")}


@dataclass(frozen=True, slots=True)
class Face:
    family: str
    url: str
    """Relative to the HTML's base URL; :class:`~builders.pdf.render.MemoryFetcher` serves it."""
    weight: int
    style: str


BUNDLED = (
    Face(WORKBOOK_SERIF, "fonts/DejaVuSerif.ttf", 400, "normal"),
    Face(WORKBOOK_SERIF, "fonts/DejaVuSerif-Bold.ttf", 700, "normal"),
    Face(WORKBOOK_SERIF, "fonts/DejaVuSerif-Italic.ttf", 400, "italic"),
    Face(WORKBOOK_SANS, "fonts/DejaVuSans.ttf", 400, "normal"),
)
"""The faces shipped in templates/pdf/fonts (see fonts/LICENSE.txt)."""


class FontSet:
    """The faces one course prints with: its own first, the bundled ones as fallback."""

    def __init__(self, course_fonts: Iterable[FontFile] = ()) -> None:
        self.course = {f"fonts/course/{font.role}": font for font in course_fonts}
        own = tuple(_face(url, font) for url, font in self.course.items())
        self.faces = own + BUNDLED
        families = {face.family for face in own}
        serif_own = [COURSE_SERIF] if COURSE_SERIF in families else []
        sans_own = [COURSE_SANS] if COURSE_SANS in families else []
        self.serif = tuple(serif_own + [WORKBOOK_SERIF, WORKBOOK_SANS] + sans_own)
        """Body text: the course's serif faces, then the bundled serif, then the sans faces."""
        self.sans = tuple(sans_own + [WORKBOOK_SANS] + serif_own + [WORKBOOK_SERIF])
        """Labels, running heads, page numbers, code, and the text of SVG images."""

    def file(self, url: str) -> bytes | None:
        """The bytes of a font URL of :attr:`faces`; None for any other URL."""
        if url in self.course:
            return self.course[url].data
        if any(face.url == url for face in BUNDLED):
            return asset(f"pdf/{url}")
        return None

    def programs(self) -> list[bytes]:
        """The bytes of every face's file (a file of several faces once)."""
        files = dict.fromkeys(face.url for face in self.faces)
        return [data for url in files if (data := self.file(url)) is not None]

    def charset(self) -> frozenset[int]:
        """Every code point some face of the set can draw."""
        covered = set(bundled_charset())
        for font in self.course.values():
            covered |= charset(font.data)
        return frozenset(covered)

    def names(self) -> str:
        """The faces as a reader knows them, for messages."""
        own = [font.path for font in self.course.values()]
        return ", ".join(own + ["the bundled DejaVu faces"])


def _face(url: str, font: FontFile) -> Face:
    family, weight, style = _ROLE_FACE[font.role]
    return Face(family, url, weight, style)


def stack(families: tuple[str, ...], quote: str = '"') -> str:
    """A CSS ``font-family`` value."""
    return ", ".join(f"{quote}{family}{quote}" for family in families)


@functools.cache
def bundled_charset() -> frozenset[int]:
    folder = templates_dir() / "pdf"
    covered: set[int] = set()
    for face in BUNDLED:
        covered |= charset((folder / face.url).read_bytes())
    return frozenset(covered)


@functools.lru_cache(maxsize=8)
def charset(data: bytes) -> frozenset[int]:
    """The code points a TrueType or OpenType font maps to glyphs (its best Unicode cmap)."""
    from fontTools.ttLib import TTFont  # only when a course is checked

    return frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap() or ())
