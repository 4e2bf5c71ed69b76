"""Helpers of the PDF tests: build a course once, then read the PDFs back with poppler and pypdf.

``Built`` bundles the course, the files, the page map and the text of every page
(``pdftotext``, one string per page) so tests read rather than re-render.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pypdf

from builders.base import BuildContext, BuildOptions, PageMap
from builders.model import Course, Lesson
from builders.pdf.builder import PdfBuilder
from tests.conftest import load


@dataclass
class Built:
    course: Course
    size: str
    files: dict[str, Path]
    """Edition ("workbook", "answer-key", "fillable") -> file."""
    page_map: PageMap
    warnings: list[str]
    """What WeasyPrint complained about while building (unknown CSS, missing images ...)."""
    _text: dict[str, list[str]] = field(default_factory=dict)

    def pages(self, edition: str = "workbook") -> list[str]:
        """The text of each page (index 0 = page 1)."""
        if edition not in self._text:
            self._text[edition] = page_texts(self.files[edition])
        return self._text[edition]

    def text(self, edition: str = "workbook") -> str:
        """All pages, whitespace removed (see :func:`squash`)."""
        return squash(" ".join(self.pages(edition)))


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:-1]


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare with source text."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """Whitespace and hyphens removed, to compare with source text however lines wrapped.

    A line may wrap after a dash ("1686–" / "1878": flat() would add a space), and pdftotext
    joins a word hyphenated at a line end ("Austria-" / "Hungary" -> "AustriaHungary").
    """
    return "".join(text.split()).replace("-", "")


def build(folder: Path, out: Path, page_size: str | None = None, fillable: bool = False,
          part_bytes: int | None = None) -> Built:
    """``part_bytes``: how much of the course each layout takes in (1: every lesson alone)."""
    course = load(folder)
    out.mkdir(parents=True, exist_ok=True)
    options = BuildOptions(page_size=page_size, fillable=fillable)
    complaints = _Complaints()
    logging.getLogger("weasyprint").addHandler(complaints)
    try:
        builder = PdfBuilder()
        if part_bytes is not None:
            builder.part_bytes = part_bytes
        result = builder.build(course, out, BuildContext(options=options))
    finally:
        logging.getLogger("weasyprint").removeHandler(complaints)
    editions = {p.name.removeprefix(f"{course.id}-").removesuffix(".pdf"): p for p in result.paths}
    files = {{"workbook-fillable": "fillable"}.get(k, k): v for k, v in editions.items()}
    return Built(course, page_size or course.pdf.page_size, files, result.page_map, complaints.messages)


class _Complaints(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def glyph_outline(font: object, gid: int) -> tuple:
    """A glyph of a fontTools ``TTFont`` as drawn: its points (components placed), contour
    ends, on-curve flags and advance width."""
    name = font.getGlyphOrder()[gid]
    coordinates, ends, flags = font["glyf"][name].getCoordinates(font["glyf"])
    return list(coordinates), list(ends), [flag & 1 for flag in flags], font["hmtx"][name][0]


def pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page) of every bookmark."""
    reader = pypdf.PdfReader(pdf)
    found = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def contents_pages(built: Built, edition: str = "workbook") -> dict[str, int]:
    """Title -> page number as printed on the contents page (the dots between them are drawn,
    not text)."""
    text = built.pages(edition)[1]
    assert squash(built.course.strings.contents) in squash(text)
    titles = [lesson.title for lesson in built.course.lessons]
    if edition == "answer-key":
        titles.insert(0, built.course.strings.answers_at_a_glance)
    return {title: number for title in titles if (number := listed_page(text, title)) is not None}


def listed_page(text: str, title: str) -> int | None:
    """The number printed after ``title`` in ``text``, the title however it wrapped."""
    spread = r"[\s-]*".join(re.escape(char) for char in squash(title))
    match = re.search(spread + r"\s+(\d+)\b", text)
    return int(match.group(1)) if match else None


def first_page_with(built: Built, needle: str, edition: str = "workbook") -> int:
    for number, text in enumerate(built.pages(edition), start=1):
        if squash(needle) in squash(text):
            return number
    raise AssertionError(f"{needle!r} is on no page of the {edition}")


def printed_number(built: Built, number: int, edition: str = "workbook") -> int:
    """The number printed on the page ``number`` pages into the file (the front matter is
    numbered i, ii, ...: the body's page 1 comes after it), read from the file's page labels
    and checked against the page's footer."""
    label = pypdf.PdfReader(built.files[edition]).page_labels[number - 1]
    assert label.isdigit(), f"page {number} of the {edition} is in the front matter ({label})"
    assert f"{built.course.strings.page} {label}" in built.pages(edition)[number - 1], (number, label)
    return int(label)


def page_numbered(built: Built, label: str, edition: str = "workbook") -> str:
    """The text of the page that prints ``label`` as its number."""
    return built.pages(edition)[pypdf.PdfReader(built.files[edition]).page_labels.index(label)]


def lesson_heading(built: Built, lesson: Lesson) -> str:
    return f"{built.course.strings.lesson} {lesson.number} {lesson.title}"
