"""An edition laid out part by part, so that time and memory grow with the course and no faster.

WeasyPrint keeps every laid-out page in memory until it writes the file (over 1 MB a page),
and some of its per-page work grows with the length of the document: laid out in one piece, a
1000-lesson workbook needs more than 5 GB. So an edition is cut where a right-hand page begins
anyway: the front matter (cover and contents), runs of lessons of about :data:`PART_BYTES` of
HTML each (or of worksheets, in the answer key), the answer key's grid, the glossary. Each part
is laid out alone, knowing its first page number and how many figures come before it, and
written as its own PDF; :mod:`builders.pdf.merge` joins them.

A part also prints numbers that other parts decide: the contents lists where each lesson
starts, a cross-reference gives the page of its target, the front matter states the page
count. The parts are laid out in order with what is known so far (a number not yet known is a
placeholder of the same width, and a part laid out with one is not written), then again
wherever something a part printed has changed: a second round lays out the front matter and the
parts that point forward; a third is needed only if a corrected number moved a page break.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from ..diagnostics import BuildError
from ..incremental import Entry, Store, key
from ..model import Course
from .html import Edition, LessonView, Part, PartNumbers, part_html
from .merge import XREF_URL
from .render import ID_RE, Renderer, page_map

PART_BYTES = 1
"""About how much lesson HTML one part holds at most (a lesson is never split): 1, one lesson
per part, so that an edited lesson is the only part laid out again (see :mod:`builders.incremental`)."""
QUESTION_BYTES = 1_500
"""What a question weighs in that count (its worksheet rows, answers and explanations)."""
MAX_ROUNDS = 5
BYTES_PER_PAGE = 2_000
"""Roughly how much HTML fills a page: only to size placeholder page numbers."""
_HREF_RE = re.compile(r'href="#([^"]+)"')
_LINK_RE = re.compile(r'<a\s[^>]*>')
UNNUMBERED = ("glossary-link",)
"""Classes of links that print no page number: their targets' pages do not change the part."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """All a part's pages depend on besides the course: when they change, it is laid out again."""

    numbers: PartNumbers
    targets: tuple[tuple[str, str], ...]
    """Anchors in other parts that this part links to -> the page label it prints."""

    @property
    def final(self) -> bool:
        return not any(label.startswith("0") for _, label in self.targets)


@dataclass(frozen=True, slots=True)
class LaidOutPart:
    inputs: Inputs
    pages: int
    anchors: Mapping[str, int]
    """Each anchor of the part -> the number of the page it begins on."""
    page_map: Mapping[str, str]
    pdf: bytes | None
    """The part as a PDF; None when it printed a placeholder (it will be laid out again)."""


def plan(course: Course, edition: Edition, lessons: tuple[LessonView, ...],
         part_bytes: int = PART_BYTES) -> list[Part]:
    """The parts of an edition, in order; each begins on a right-hand page."""
    key = edition == "answer-key"
    parts = [Part(front=True)] + ([Part(grid=True)] if key else [])
    run: list[LessonView] = []
    size = 0
    for lv in lessons:
        if key and not lv.questions:
            continue
        weight = QUESTION_BYTES * len(lv.questions) + (0 if key else len(lv.html))
        if run and size + weight > part_bytes:
            parts.append(Part(lessons=tuple(run)))
            run, size = [], 0
        run.append(lv)
        size += weight
    if run:
        parts.append(Part(lessons=tuple(run)))
    if not key and course.glossary:
        parts.append(Part(glossary=True))
    return parts


class EditionLayout:
    """Lays out the parts of one edition until every number they print is right.

    With a ``store``, a part whose HTML, stylesheet, images, fonts and code are those of an
    earlier layout is taken from it instead of being laid out again: the same steps in the same
    order, so the result is the same as without one."""

    def __init__(self, course: Course, edition: Edition, page_size: str, lessons: tuple[LessonView, ...],
                 renderer: Renderer, part_bytes: int = PART_BYTES, store: Store | None = None,
                 progress: Callable[[int, int], None] = lambda done, total: None) -> None:
        self.course, self.edition, self.page_size, self.lessons = course, edition, page_size, lessons
        self.renderer, self.store, self.progress = renderer, store, progress
        self.parts = plan(course, edition, lessons, part_bytes)
        drafts = [self._html(part, PartNumbers()) for part in self.parts]
        self.owner = {html_text.unescape(anchor): i for i, draft in enumerate(drafts)
                      for anchor in ID_RE.findall(draft)}
        self.figures = [draft.count("<figure") for draft in drafts]
        self.outside = [{a: numbered for a, numbered in _link_targets(draft).items()
                         if self.owner.get(a, i) != i} for i, draft in enumerate(drafts)]
        self.digits = len(str(sum(map(len, drafts)) // BYTES_PER_PAGE + 1))

    def run(self) -> list[LaidOutPart]:
        laid: list[LaidOutPart | None] = [None] * len(self.parts)
        known: dict[str, int] = {}
        total = 10 ** (self.digits - 1)
        for round_ in range(MAX_ROUNDS):
            first, figures, changed = 1, 0, False
            for i, part in enumerate(self.parts):
                inputs = self._inputs(i, part, first, figures, total, known, guess=round_ == 0)
                previous = laid[i]
                if previous is None or previous.inputs != inputs:
                    previous = laid[i] = self._lay_out(i, part, inputs)
                    changed = True
                self.progress(i + 1, len(self.parts))
                known.update(previous.anchors)
                first += previous.pages + previous.pages % 2
                figures += self.figures[i]
            total = first - 1
            if not changed:
                return [part for part in laid if part is not None]
        raise BuildError(f"pdf: the {self.edition}'s page numbers did not settle after {MAX_ROUNDS} "
                         "layouts (a corrected page number keeps moving a page break)")

    def _inputs(self, i: int, part: Part, first: int, figures: int, total: int,
                known: Mapping[str, int], *, guess: bool) -> Inputs:
        """After the first round every anchor that has a page is known: a link whose target
        has none (an element without a box) stays as it is."""
        placeholder = "0" * max(self.digits, len(str(first)))
        targets = tuple((a, (str(known[a]) if a in known else placeholder) if numbered else "")
                        for a, numbered in sorted(self.outside[i].items()) if a in known or guess)
        return Inputs(PartNumbers(first, figures, total if part.front else None), targets)

    def _lay_out(self, i: int, part: Part, inputs: Inputs) -> LaidOutPart:
        html = link_across_parts(self._html(part, inputs.numbers), dict(inputs.targets))
        if self.store is None:
            return self._laid_out_now(html, inputs)
        name = key("pdf part", self.renderer.identity, html, str(inputs.final))
        entry = self.store.get(name)
        cached = _from_entry(entry, inputs) if entry is not None else None
        if cached is not None:
            return cached
        laid = self._laid_out_now(html, inputs)
        self.store.put(name, _to_entry(laid))
        return laid

    def _laid_out_now(self, html: str, inputs: Inputs) -> LaidOutPart:
        try:
            document = self.renderer.layout(html)
            pdf = self.renderer.pdf(document) if inputs.final else None
        except Exception as exc:  # WeasyPrint raises many kinds; name the output that failed
            raise BuildError(f"pdf: cannot lay out the pages of the {self.edition}: {exc}") from exc
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages, start=inputs.numbers.first_page):
            for anchor in page.anchors:
                anchors.setdefault(anchor, number)
        printed = (page_map(document, html, self.course.anchors, inputs.numbers.first_page)
                   if self.edition == "workbook" else {})
        return LaidOutPart(inputs, len(document.pages), anchors, printed, pdf)

    def _html(self, part: Part, numbers: PartNumbers) -> str:
        return part_html(self.course, self.edition, self.page_size, part, numbers, self.lessons)


def _to_entry(laid: LaidOutPart) -> Entry:
    meta = {"pages": laid.pages, "anchors": dict(laid.anchors), "page_map": dict(laid.page_map),
            "pdf": laid.pdf is not None}
    return Entry(meta, laid.pdf or b"")


def _from_entry(entry: Entry, inputs: Inputs) -> LaidOutPart | None:
    """The stored layout, or None if its facts are not what :func:`_to_entry` writes."""
    meta = entry.meta
    pages, anchors, printed, has_pdf = (meta.get(k) for k in ("pages", "anchors", "page_map", "pdf"))
    if not (isinstance(pages, int) and isinstance(anchors, dict) and isinstance(printed, dict)
            and has_pdf is inputs.final and all(isinstance(v, int) for v in anchors.values())
            and all(isinstance(v, str) for v in printed.values())):
        return None
    if has_pdf and not entry.data.startswith(b"%PDF-"):
        return None
    return LaidOutPart(inputs, pages, anchors, printed, entry.data if has_pdf else None)


def _anchor(href: str) -> str:
    """The id a ``#…`` link leads to (markdown-it percent-encodes letters beyond ASCII)."""
    return unquote(html_text.unescape(href))


def _link_targets(html: str) -> dict[str, bool]:
    """Each anchor the HTML links to -> whether some link to it prints its page number."""
    targets: dict[str, bool] = {}
    for tag in _LINK_RE.findall(html):
        href = _HREF_RE.search(tag)
        if href:
            anchor = _anchor(href.group(1))
            numbered = not any(name in tag for name in UNNUMBERED)
            targets[anchor] = targets.get(anchor, False) or numbered
    return targets


def link_across_parts(html: str, targets: Mapping[str, str]) -> str:
    """Links to anchors in other parts -> :data:`XREF_URL` links that carry the printed page."""

    def relink(match: re.Match) -> str:
        anchor = _anchor(match.group(1))
        if anchor not in targets:
            return match.group(0)
        return f'href="{XREF_URL}{quote(anchor, safe="")}" data-page="{targets[anchor]}"'

    return _HREF_RE.sub(relink, html)
