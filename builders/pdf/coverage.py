"""Characters the PDF's fonts cannot draw: a warning (an error under ``--strict``) before any layout.

In: the course model. Out: at most one :class:`~builders.diagnostics.Diagnostic`, at the file and
line where the first such character was written, counting the others.

What is checked is what the PDFs print: the text of both editions' HTML (:mod:`builders.pdf.html`,
which holds every word of the course, the interface strings and, in its stylesheet, the running
heads) and the text of the SVG images. Attribute values are left out (alternative text is read
aloud, not drawn). The distinct characters of that text are tested against the code points of the
fonts (:class:`~builders.pdf.fonts.FontSet`, whose stacks give every text every face); only when
some are missing are the course's texts searched for the first line that holds one (in reading
order: course.yml, the lessons, the glossary; a comment before the printed use would be named).

Rendering both editions takes a fifth of a second for 100 lessons, on the way of every build.
So a superset is tried first: every character of the course model, the PDF templates and the
code that writes the HTML. When the fonts cover it (the usual case), nothing is rendered.
"""

from __future__ import annotations

import dataclasses
import functools
import html as html_text
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from ..diagnostics import Diagnostic
from ..model import Course, SourcePos
from ..shared.templating import templates_dir
from .fonts import FontSet
from .html import document_html, lesson_views

_TAG_RE = re.compile(r"<[^>]*>")
_HTTP_HREF_RE = re.compile(r'<a\s[^>]*href="(https?:[^"]*)"')
"""Web links print their address after the text (workbook.css)."""
_SILENT = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
"""Control and format characters and spaces: never drawn as a box of their own."""
_SVG_TEXT = ("text", "tspan", "textPath")
SHOWN = 8
"""How many of the other missing characters the message shows."""


def unprintable(course: Course) -> list[Diagnostic]:
    fonts = FontSet(course.pdf.fonts)
    if not _missing(_possible_characters(course), fonts.charset()):
        return []  # the usual case, known without rendering both editions (a fifth of a second for 100 lessons)
    missing = _missing(printed_characters(course), fonts.charset())
    if not missing:
        return []
    pos, first = _first_use(course, missing)
    others = [c for c in missing if c != first]
    also = ""
    if others:
        shown = " ".join(others[:SHOWN]) + (" ..." if len(others) > SHOWN else "")
        also = f", nor {len(others)} other character{'s' if len(others) != 1 else ''} of the course ({shown})"
    return [Diagnostic(pos, "warning",
                       f"the PDF fonts ({fonts.names()}) cannot draw '{first}' (U+{ord(first):04X}){also}: "
                       "they print as empty boxes; name fonts that have them under 'pdf: fonts:' in "
                       "course.yml (see docs/fonts.md)")]


def printed_characters(course: Course) -> set[str]:
    """The distinct characters the workbook and the answer key print."""
    lessons = lesson_views(course)
    chars: set[str] = set()
    for edition in ("workbook", "answer-key"):
        document = document_html(course, edition, course.pdf.page_size, lessons=lessons)
        chars.update(html_text.unescape(_TAG_RE.sub("", document)))
        chars.update("".join(_HTTP_HREF_RE.findall(document)))
    for key in _svg_images(course):
        chars.update(_svg_text(course.media[key].data))
    return chars


def _possible_characters(course: Course) -> set[str]:
    """A superset of :func:`printed_characters`: every character of every text in the course
    model (entities decoded), of the PDF templates and of the code that writes the HTML (its
    literals), and of the SVG images. The HTML holds nothing that comes from elsewhere."""
    chars = set(_code_characters())
    for text in _model_texts(course):
        chars.update(text)
        if "&" in text:
            chars.update(html_text.unescape(text))
    for key in _svg_images(course):
        chars.update(_svg_text(course.media[key].data))
    return chars


def _model_texts(root: object) -> Iterator[str]:
    stack, seen = [root], set()
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, (bytes, bytearray, int, float, bool)) or value is None or id(value) in seen:
            continue
        else:
            seen.add(id(value))
            if isinstance(value, dict):
                stack.extend(value.keys())
                stack.extend(value.values())
            elif isinstance(value, (list, tuple, set, frozenset)):
                stack.extend(value)
            elif dataclasses.is_dataclass(value):
                stack.extend(getattr(value, f.name) for f in dataclasses.fields(value))
            else:
                stack.append(str(value))


@functools.cache
def _code_characters() -> frozenset[str]:
    folders = [templates_dir() / "pdf", Path(__file__).parent, Path(__file__).parent.parent / "shared"]
    return frozenset(char for folder in folders for path in sorted(folder.rglob("*"))
                     if path.suffix in (".py", ".jinja", ".css") for char in path.read_text(encoding="utf-8"))


def _missing(chars: Iterable[str], covered: frozenset[int]) -> list[str]:
    return sorted(c for c in chars if ord(c) not in covered and unicodedata.category(c) not in _SILENT
                  and not unicodedata.name(c, "").startswith("VARIATION SELECTOR"))


def _svg_images(course: Course) -> list[str]:
    keys = [key for lesson in course.lessons for key in lesson.media] + ([course.cover] if course.cover else [])
    return [key for key in dict.fromkeys(keys) if course.media[key].media_type == "image/svg+xml"]


def _svg_text(data: bytes) -> str:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    return "".join(text for element in root.iter() if isinstance(element.tag, str)
                   and etree.QName(element).localname in _SVG_TEXT
                   for text in (element.text, *(child.tail for child in element)) if text)


def _first_use(course: Course, missing: list[str]) -> tuple[SourcePos, str]:
    """Where the first of the missing characters was written, and which one it is: a text
    file's line and column, or the SVG image that holds it, or course.yml (for a character
    written as an escape)."""
    pattern = re.compile("[" + "".join(re.escape(c) for c in missing) + "]")
    for source in course.texts:
        found = pattern.search(source.text)
        if found:
            line_start = source.text.rfind("\n", 0, found.start()) + 1
            line = source.text.count("\n", 0, found.start()) + 1
            return SourcePos(source.path, line, found.start() - line_start + 1), found.group()
    for key in _svg_images(course):
        found = pattern.search(_svg_text(course.media[key].data))
        if found:
            return course.media[key].pos, found.group()
    return course.pos, missing[0]
