"""An edition laid out part by part: time and memory grow with the course, and an edited lesson
is the only part laid out again.

WeasyPrint keeps every laid-out page in memory until it writes the file (over 1 MB a page),
and some of its per-page work grows with the length of the document: laid out in one piece, a
1000-lesson workbook needs more than 5 GB. So an edition is cut where a right-hand page begins
anyway: the front matter (cover and contents), each lesson, each worksheet, the answer key's
grid, the glossary. In the workbook a lesson's worksheet goes on from the lesson's last page
instead, left or right, and is laid out to begin on that side. Each part is laid out alone,
written as its own PDF, and :mod:`builders.pdf.merge` joins them.

Nothing in a part depends on where the parts land: a body part prints no page number (the
join stamps them), a link to another part prints no page number either (it is a link in the
PDF), and each part begins on a right-hand page wherever it lands (a worksheet: on the side
its lesson's page count gives). Only the figure numbers before it come in. The front matter
(numbered i, ii, ..., so its length moves no body page) lists where the body's parts landed and how many pages there are, but it is laid out with empty
slots for those numbers, which are drawn in once the body is placed (:mod:`builders.pdf.slots`).
So every part is laid out in any order, and a lesson that grows by a page lays out nothing but
itself.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from ..diagnostics import BuildError
from ..incremental import Entry, Store, key
from ..model import Course
from .html import Edition, LessonView, Part, PartNumbers, part_css, part_html
from .merge import XREF_URL
from .pool import in_parallel
from .render import ID_RE, Renderer, page_map
from .slots import Slot, fill, find

PART_BYTES = 1
"""About how much lesson HTML one part holds at most (a lesson is never split): 1, one lesson
per part, so that an edited lesson is the only part laid out again (see :mod:`builders.incremental`)."""
QUESTION_BYTES = 1_500
"""What a question weighs in that count (its worksheet rows, answers and explanations)."""
_HREF_RE = re.compile(r'href="#([^"]+)"')


@dataclass(frozen=True, slots=True)
class Inputs:
    """All a part's pages depend on besides the course: when they change, it is laid out again."""

    numbers: PartNumbers
    targets: tuple[tuple[str, str], ...]
    """Anchors in other parts that this part links to -> the page label it prints: "" (none) in a
    build, where no part prints another's page numbers (the contents' are drawn into slots)."""


@dataclass(frozen=True, slots=True)
class LaidOutPart:
    inputs: Inputs
    pages: int
    anchors: Mapping[str, int]
    """Each anchor of the part -> the number of the page it begins on."""
    page_map: Mapping[str, str]
    pdf: bytes | None
    """The part as a PDF (None only for a part that is never written)."""
    blank: tuple[int, ...] = ()
    """Indexes of its pages left blank (they print no page number)."""
    first: int = 0
    """The page number it begins on, once placed; 0 for the front matter (numbered i, ii...)."""
    slots: tuple[Slot, ...] = ()
    """Where the front matter's numbers go (see :mod:`builders.pdf.slots`)."""
    continues: bool = False
    """It goes on from the part before it (a worksheet after its lesson), on the next page."""


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
            parts.extend(_lesson_parts(run, key))
            run, size = [], 0
        run.append(lv)
        size += weight
    if run:
        parts.extend(_lesson_parts(run, key))
    if not key and (course.glossary or any(lesson.further_reading for lesson in course.lessons)):
        parts.append(Part(glossary=True))
    return parts


def _lesson_parts(run: list[LessonView], key: bool) -> list[Part]:
    """A run of lessons as one part; in the workbook, a lesson alone in its run and its
    worksheet as two, so that an edit of the prose or of a question lays out only one of them."""
    if key or len(run) != 1 or not run[0].questions:
        return [Part(lessons=tuple(run))]
    return [Part(lessons=tuple(run), sheet_apart=True), Part(lessons=tuple(run), sheet=True)]


class EditionLayout:
    """Lays out the parts of one edition, each as if it began on page 1 (where it lands changes
    nothing in it), then places them and fills in the front matter's numbers.

    With a ``store``, a part whose HTML, stylesheet, images, fonts and code are those of an
    earlier layout is taken from it instead of being laid out again: the same steps in the same
    order, so the result is the same as without one."""

    def __init__(self, course: Course, edition: Edition, page_size: str, lessons: tuple[LessonView, ...],
                 renderer: Renderer, part_bytes: int = PART_BYTES, store: Store | None = None,
                 progress: Callable[[int, int], None] = lambda done, total: None, jobs: int = 1,
                 cores: int = 1) -> None:
        self.course, self.edition, self.page_size, self.lessons = course, edition, page_size, lessons
        self.renderer, self.store, self.progress, self.jobs = renderer, store, progress, jobs
        self.cores = max(cores, jobs)
        self.parts = plan(course, edition, lessons, part_bytes)
        self.drafts = drafts = [self._html(part, PartNumbers()) for part in self.parts]
        owner = {html_text.unescape(anchor): i for i, draft in enumerate(drafts) for anchor in ID_RE.findall(draft)}
        figures = [draft.count("<figure") for draft in drafts]
        self.figures_before = [sum(figures[:i]) for i in range(len(drafts))]
        self.outside = [sorted(a for a in _link_targets(draft) if owner.get(a, i) != i)
                        for i, draft in enumerate(drafts)]
        """Anchors in other parts each part links to; only the front matter prints their pages."""

    def run(self) -> list[LaidOutPart]:
        """The parts in order, each with the page number it begins on (0: the front matter)."""
        laid = self._lay_out_parts()
        first, known = 1, {}
        for i, part in enumerate(self.parts):
            if not part.front:
                laid[i] = replace(placed(laid[i], first), continues=part.sheet)
                known.update({anchor: str(number) for anchor, number in laid[i].anchors.items()})
                first += laid[i].pages
                if not self._continued(i) and first % 2 == 0:
                    first += 1  # the next part begins on a right-hand page
        for i, part in enumerate(self.parts):
            if part.front and laid[i].slots:
                front = laid[i]
                assert front.pdf is not None
                pdf = fill(front.pdf, front.slots, known, first - 1, self.course, self.renderer, self.store)
                laid[i] = replace(front, pdf=pdf)
        self.progress(len(self.parts), len(self.parts))
        return [laid[i] for i in range(len(self.parts))]

    def _continued(self, i: int) -> bool:
        return i + 1 < len(self.parts) and self.parts[i + 1].sheet

    def _lay_out_parts(self) -> dict[int, LaidOutPart]:
        """Every part, from the store or laid out ``jobs`` at a time (``cores`` at a time when
        there are no more than that: an incremental build's few). A worksheet laid out apart
        waits for its lesson's page count, which decides the side it begins on: a cold build
        lays out the lessons, then their worksheets. When a lesson is laid out again with a core
        to spare, its worksheet is laid out beside it on the side the store lacks (a lesson that
        grew by a page): whichever side it then begins on, it is in the store."""
        laid: dict[int, LaidOutPart] = {}
        waiting = list(range(len(self.parts)))
        while waiting:
            todo: dict[int, tuple[str, Inputs, str]] = {}
            for i in list(waiting):
                if self.parts[i].sheet and i - 1 not in laid:
                    continue
                waiting.remove(i)
                job = self._job(i, self.parts[i].sheet and laid[i - 1].pages % 2 == 1)
                entry = self.store.get(job[2]) if self.store is not None else None
                cached = _from_entry(entry, job[1]) if entry is not None else None
                if cached is None:
                    todo[i] = job
                else:
                    laid[i] = cached
                    self.progress(len(laid), len(self.parts))
            for i, result in self._lay_out({**todo, **self._beside(todo)}):
                if isinstance(i, int):
                    laid[i] = result
                    self.progress(len(laid), len(self.parts))
        return laid

    def _job(self, i: int, verso: bool) -> tuple[str, Inputs, str]:
        """Part ``i``'s HTML, inputs and store key."""
        inputs = Inputs(PartNumbers(1, self.figures_before[i], verso), tuple((a, "") for a in self.outside[i]))
        html = link_across_parts(self._numbered(i, inputs.numbers), dict(inputs.targets))
        return html, inputs, key("pdf part", self.renderer.identity, html)

    def _beside(self, todo: dict[int, tuple[str, Inputs, str]]) -> dict[tuple[int, bool], tuple[str, Inputs, str]]:
        """The worksheets to lay out beside the lessons of ``todo``, on the cores it leaves: each
        on the one side the store lacks (none when it has both, or neither: the lesson's page
        count then decides), keyed by (index, begins on a left-hand page)."""
        extra: dict[tuple[int, bool], tuple[str, Inputs, str]] = {}
        for i in todo:
            if self.store is None or len(todo) + len(extra) >= self.cores or not self._continued(i):
                continue
            jobs = {verso: self._job(i + 1, verso) for verso in (False, True)}
            missing = [verso for verso, job in jobs.items() if self.store.get(job[2]) is None]
            if len(missing) == 1:
                extra[(i + 1, missing[0])] = jobs[missing[0]]
        return extra

    def _lay_out(self, todo: dict[object, tuple[str, Inputs, str]]) -> Iterator[tuple[object, LaidOutPart]]:
        """The parts of ``todo`` (-> HTML, inputs, store key), laid out and put in the store."""
        jobs = self.cores if len(todo) <= self.cores else self.jobs
        if todo and jobs > 1:
            self.renderer.prepare()  # once, before the layout processes fork
        front = {i for i in todo if isinstance(i, int) and self.parts[i].front}
        for i, result in in_parallel(lambda i: self._laid_out_now(*todo[i][:2], front=i in front),
                                     list(todo), jobs):
            if self.store is not None:
                self.store.put(todo[i][2], _to_entry(result))
            yield i, result

    def _laid_out_now(self, html: str, inputs: Inputs, front: bool = False) -> LaidOutPart:
        try:
            document = self.renderer.layout(html)
            pdf = self.renderer.pdf(document)
        except Exception as exc:  # WeasyPrint raises many kinds; name the output that failed
            raise BuildError(f"pdf: cannot lay out the pages of the {self.edition}: {exc}") from exc
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages, start=1):
            for anchor in page.anchors:
                anchors.setdefault(anchor, number)
        printed = page_map(document, html, self.course.anchors) if self.edition == "workbook" else {}
        blank = tuple(n for n, page in enumerate(document.pages) if _blank(page))
        slots = find(document, self.course.direction == "rtl") if front else ()
        return LaidOutPart(inputs, len(document.pages), anchors, printed, pdf, blank, slots=slots)

    def _html(self, part: Part, numbers: PartNumbers) -> str:
        return part_html(self.course, self.edition, self.page_size, part, numbers, self.lessons)

    def _numbered(self, i: int, numbers: PartNumbers) -> str:
        """A part's HTML with ``numbers``: its draft with another numbering rule (the only
        thing they change in a part), without rendering its template again."""
        draft = part_css(PartNumbers())
        assert draft in self.drafts[i]
        return self.drafts[i].replace(draft, part_css(numbers), 1)


def placed(laid: LaidOutPart, first: int) -> LaidOutPart:
    """A body part laid out from page 1, numbered from ``first``."""
    return replace(laid, first=first, anchors={a: n + first - 1 for a, n in laid.anchors.items()},
                   page_map={a: str(int(label) + first - 1) for a, label in laid.page_map.items()})


def _blank(page: object) -> bool:
    """A page left empty so that the next one is a right-hand page (CSS ``:blank``): it gets no
    page number. (WeasyPrint's page object keeps its page box private.)"""
    return bool(page._page_box.page_type.blank)


def _to_entry(laid: LaidOutPart) -> Entry:
    meta = {"pages": laid.pages, "anchors": dict(laid.anchors), "page_map": dict(laid.page_map),
            "pdf": laid.pdf is not None, "blank": list(laid.blank), "slots": [slot.as_list() for slot in laid.slots]}
    return Entry(meta, laid.pdf or b"")


def _from_entry(entry: Entry, inputs: Inputs) -> LaidOutPart | None:
    """The stored layout, or None if its facts are not what :func:`_to_entry` writes."""
    meta = entry.meta
    pages, anchors, printed, has_pdf, blank, slots = (
        meta.get(k) for k in ("pages", "anchors", "page_map", "pdf", "blank", "slots"))
    read = [Slot.from_list(item) for item in slots] if isinstance(slots, list) else [None]
    if not (isinstance(pages, int) and isinstance(anchors, dict) and isinstance(printed, dict) and None not in read
            and isinstance(blank, list) and all(isinstance(n, int) for n in blank)
            and has_pdf is True and all(isinstance(v, int) for v in anchors.values())
            and all(isinstance(v, str) for v in printed.values())):
        return None
    if has_pdf and not entry.data.startswith(b"%PDF-"):
        return None
    return LaidOutPart(inputs, pages, anchors, printed, entry.data if has_pdf else None, tuple(blank),
                       slots=tuple(slot for slot in read if slot is not None))


def _anchor(href: str) -> str:
    """The id a ``#…`` link leads to (markdown-it percent-encodes letters beyond ASCII)."""
    return unquote(html_text.unescape(href))


def _link_targets(html: str) -> set[str]:
    """Each anchor the HTML links to."""
    return {_anchor(href) for href in _HREF_RE.findall(html)}


def link_across_parts(html: str, targets: Mapping[str, str]) -> str:
    """Links to anchors in other parts -> :data:`XREF_URL` links that carry the printed page."""

    def relink(match: re.Match) -> str:
        anchor = _anchor(match.group(1))
        if anchor not in targets:
            return match.group(0)
        return f'href="{XREF_URL}{quote(anchor, safe="")}" data-page="{targets[anchor]}"'

    return _HREF_RE.sub(relink, html)
