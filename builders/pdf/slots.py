"""The numbers the front matter prints that the body decides, filled in after the body is placed.

The contents lists the page where each lesson and worksheet begins, and states the page count.
Both change whenever a lesson grows by a page, and laying the contents out again costs more
than laying out a lesson (a long course's contents runs to pages of links). So the front matter
is laid out once with empty *slots* where those numbers go (templates/pdf/_parts.html.jinja):
each entry's link with an empty ``data-page``, and an empty ``page-count`` paragraph one line
high. :func:`find` records where they landed; :func:`fill` draws the numbers there and tags
them (in the entry's ``Link`` element; the page count in its paragraph), so that they read as
before.

The drawing comes from small documents laid out with the edition's own styles (pages named
``slot`` in templates/pdf/page.css.jinja) and kept in the store: an entry's number is put
together from the digits 0-9 set as a contents entry prints them (laid out once per stylesheet,
whatever the course says), on the white box that hides the dotted leader behind it; the page
count's line is laid out as a whole, once per count.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Self
from urllib.parse import quote, unquote

import pikepdf

from ..incremental import Entry, Store, key
from ..model import Course
from .merge import XREF_URL
from .render import Renderer

PX = 0.75
"""PDF points per CSS pixel (WeasyPrint's unit)."""
COUNT = "count"
"""The kind of the page count's slot (an entry's is its list item's class: "" or "sub")."""


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one number goes: on page ``page`` of the front matter, the corner (CSS px from the
    page's top left) it is aligned to: the end of an entry's last line (its link's bottom
    right, left in a right-to-left course), or the start of the page count's line."""

    page: int
    kind: str
    anchor: str
    """The anchor the entry links to ("" for the page count)."""
    x: float
    y: float

    def as_list(self) -> list:
        return [self.page, self.kind, self.anchor, self.x, self.y]

    @classmethod
    def from_list(cls, item: object) -> Slot | None:
        if not (isinstance(item, list) and len(item) == 5):
            return None
        page, kind, anchor, x, y = item
        if not (isinstance(page, int) and isinstance(kind, str) and isinstance(anchor, str)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))):
            return None
        return cls(page, kind, anchor, float(x), float(y))


def find(document: object, rtl: bool) -> tuple[Slot, ...]:
    """The slots of a laid-out front matter (a WeasyPrint document), in document order."""
    found: dict[tuple[str, str], Slot] = {}
    for number, page in enumerate(document.pages):
        for box, parent in _element_boxes(page):
            element = box.element
            if box.element_tag == "a" and element.get("data-page") == "" and XREF_URL in element.get("href", ""):
                kind = (parent.element.get("class") or "") if parent is not None else ""
                anchor = unquote(element.get("href", "").removeprefix(XREF_URL))
                found[(kind, anchor)] = Slot(number, kind, anchor, *_link_end(box, rtl))
            elif box.element_tag == "p" and element.get("data-slot") == COUNT:
                found[(COUNT, "")] = Slot(number, COUNT, "", *_line_start(box, rtl))
    return tuple(found.values())  # an entry split across two pages: its last piece


def _link_end(box: object, rtl: bool) -> tuple[float, float]:
    """Where an entry's number ends: its link's bottom right (bottom left, right to left)."""
    return box.padding_box_x() + (0 if rtl else box.padding_width()), box.padding_box_y() + box.padding_height()


def _line_start(box: object, rtl: bool) -> tuple[float, float]:
    """Where a paragraph's first line starts: its content's top left (top right, right to left)."""
    return box.content_box_x() + (box.width if rtl else 0), box.content_box_y()


def fill(front: bytes, slots: Sequence[Slot], labels: Mapping[str, str], count: int, course: Course,
         renderer: Renderer, store: Store | None) -> bytes:
    """The front matter's PDF with every slot's number drawn and tagged: ``labels`` gives the
    page label of each anchor (an anchor without one keeps its slot empty), ``count`` the
    edition's numbered pages. Kept in the store: after most edits the numbers are as they were."""
    page_count = course.strings.page_count.replace("{count}", str(count))
    name = key("pdf filled", renderer.identity, hashlib.sha256(front).hexdigest(), page_count,
               *(f"{slot.as_list()} {labels.get(slot.anchor, '')}" for slot in slots))
    entry = store.get(name) if store is not None else None
    if entry is not None and entry.data.startswith(b"%PDF-"):
        return entry.data
    with pikepdf.open(io.BytesIO(front)) as pdf, _Sheets(course, renderer, store) as sheets:
        filler = _Filler(pdf, sheets)
        for slot in slots:
            if slot.kind == COUNT:
                filler.draw_line(slot, sheets.line(page_count))
            elif labels.get(slot.anchor, "").isdigit():
                filler.draw_number(slot, sheets.digits(slot.kind), labels[slot.anchor])
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    if store is not None:
        store.put(name, Entry({}, out.getvalue()))
    return out.getvalue()


def digits_html(course: Course, kind: str) -> str:
    """Ten ``slot`` pages: the digits 0 to 9, each as the number of a contents entry of ``kind``."""
    return _sheet_html(course, "".join(
        f'<nav class="contents slot"><ol><li class="{escape(kind)}"><a data-page="{digit}">\u200b</a></li></ol></nav>'
        for digit in range(10)))


def line_html(course: Course, text: str) -> str:
    """One ``slot`` page: the page count's line."""
    return _sheet_html(course, f'<nav class="contents slot"><p class="page-count">{escape(text)}</p></nav>')


def _sheet_html(course: Course, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="{escape(course.language)}" dir="{escape(course.direction)}">'
            f'<head><meta charset="utf-8"></head><body>{body}</body></html>')


@dataclass(frozen=True, slots=True)
class Digits:
    """The ten digits of one kind of entry, each on its own page of ``pdf``, measured in CSS px."""

    pdf: bytes
    lefts: tuple[float, ...]
    """Per digit: the left edge of its advance on its page."""
    widths: tuple[float, ...]
    """Per digit: its advance."""
    bottoms: tuple[float, ...]
    """Per digit: the bottom of its box (the link's bottom) on its page."""
    pad: float
    """The white box's room beside the number (its padding)."""
    height: float
    """The white box's height."""
    page_height: float


@dataclass(frozen=True, slots=True)
class Line:
    pdf: bytes
    corner: tuple[float, float]
    page_height: float


class _Sheets:
    """The laid-out digits and lines, from the store or laid out now (and stored)."""

    def __init__(self, course: Course, renderer: Renderer, store: Store | None) -> None:
        self.course, self.renderer, self.store = course, renderer, store
        self.rtl = course.direction == "rtl"
        self.known: dict[str, Digits | Line] = {}
        self.opened: dict[bytes, pikepdf.Pdf] = {}
        """Each sheet opened once (the same bytes object: its hash is computed once)."""

    def digits(self, kind: str) -> Digits:
        html = digits_html(self.course, kind)
        if html not in self.known:
            self.known[html] = self._get(html, _digits_from_entry) or self._lay_out_digits(html)
        return self.known[html]

    def line(self, text: str) -> Line:
        html = line_html(self.course, text)
        if html not in self.known:
            self.known[html] = self._get(html, _line_from_entry) or self._lay_out_line(html)
        return self.known[html]

    def page(self, pdf: bytes, number: int) -> pikepdf.Page:
        if pdf not in self.opened:
            self.opened[pdf] = pikepdf.open(io.BytesIO(pdf))
        return self.opened[pdf].pages[number]

    def _get(self, html: str, read: Callable[[Entry], Digits | Line | None]) -> Digits | Line | None:
        entry = self.store.get(self._name(html)) if self.store is not None else None
        return read(entry) if entry is not None and entry.data.startswith(b"%PDF-") else None

    def _name(self, html: str) -> str:
        return key("pdf slots", self.renderer.identity, html)

    def _lay_out_digits(self, html: str) -> Digits:
        document = self.renderer.untagged(html)
        boxes = [next(box for box, _ in _element_boxes(page) if box.element_tag == "a::after")
                 for page in document.pages]
        if len(boxes) != 10:
            raise ValueError("pdf: the contents' digits do not lay out one to a page")
        lefts = tuple(float(box.content_box_x()) for box in boxes)
        widths = tuple(float(box.width) for box in boxes)
        bottoms = tuple(float(box.border_box_y() + box.border_height()) for box in boxes)
        pad = float(boxes[0].padding_right if self.rtl else boxes[0].padding_left)
        digits = Digits(document.write_pdf(), lefts, widths, bottoms, pad, float(boxes[0].border_height()),
                        float(document.pages[0].height))
        self._put(html, {"lefts": list(lefts), "widths": list(widths), "bottoms": list(bottoms), "pad": pad,
                         "height": digits.height, "page_height": digits.page_height}, digits.pdf)
        return digits

    def _lay_out_line(self, html: str) -> Line:
        document = self.renderer.untagged(html)
        box = next(box for box, _ in _element_boxes(document.pages[0]) if box.element_tag == "p")
        corner = _line_start(box, self.rtl)
        line = Line(document.write_pdf(), corner, float(document.pages[0].height))
        self._put(html, {"corner": list(corner), "page_height": line.page_height}, line.pdf)
        return line

    def _put(self, html: str, meta: dict, pdf: bytes) -> None:
        if self.store is not None:
            self.store.put(self._name(html), Entry(meta, pdf))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for pdf in self.opened.values():
            pdf.close()


def _numbers(values: object, count: int) -> tuple[float, ...] | None:
    if not (isinstance(values, list) and len(values) == count
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)):
        return None
    return tuple(float(v) for v in values)


def _digits_from_entry(entry: Entry) -> Digits | None:
    meta = entry.meta
    lefts, widths, bottoms = (_numbers(meta.get(name), 10) for name in ("lefts", "widths", "bottoms"))
    scalars = _numbers([meta.get("pad"), meta.get("height"), meta.get("page_height")], 3)
    if lefts is None or widths is None or bottoms is None or scalars is None:
        return None
    return Digits(entry.data, lefts, widths, bottoms, *scalars)


def _line_from_entry(entry: Entry) -> Line | None:
    corner = _numbers(entry.meta.get("corner"), 2)
    height = _numbers([entry.meta.get("page_height")], 1)
    if corner is None or height is None:
        return None
    return Line(entry.data, (corner[0], corner[1]), height[0])


class _Filler:
    """Draws sheet pages over the front matter's pages, each as a Form XObject in a marked-content
    sequence of its own, tagged in the front matter's structure tree."""

    def __init__(self, pdf: pikepdf.Pdf, sheets: _Sheets) -> None:
        self.pdf, self.sheets, self.rtl = pdf, sheets, sheets.rtl
        self.forms: dict[tuple[bytes, int], pikepdf.Name] = {}
        self.wrapped: set[int] = set()
        tree = pdf.Root.StructTreeRoot
        self.parents = {int(k): v for k, v in zip(tree.ParentTree.Nums[::2], tree.ParentTree.Nums[1::2])}
        self.list: pikepdf.Dictionary | None = None

    def draw_number(self, slot: Slot, digits: Digits, label: str) -> None:
        """``label``'s digits side by side on a white box, at the end of the entry's last line
        (digits read left to right in a right-to-left course too, as the browser sets them)."""
        page = self.pdf.pages[slot.page]
        widths = [digits.widths[int(d)] for d in label]
        number = sum(widths)
        box_left = slot.x - number - digits.pad if not self.rtl else slot.x
        x = slot.x - number if not self.rtl else slot.x
        content = [self._box(page, box_left, slot.y, number + digits.pad, digits.height)]
        marked = []
        for digit, width in zip(label, widths):
            n = int(digit)
            marked.append(self._placed(page, digits.pdf, n, x - digits.lefts[n], slot.y - digits.bottoms[n],
                                       digits.page_height))
            x += width
        mcid = self._tag_entry(slot, page)
        content.append(f"/Span <</MCID {mcid}>> BDC ".encode("ascii") + b"".join(marked) + b"EMC\n")
        self._add(page, slot.page, b"".join(content))

    def draw_line(self, slot: Slot, line: Line) -> None:
        page = self.pdf.pages[slot.page]
        placed = self._placed(page, line.pdf, 0, slot.x - line.corner[0], slot.y - line.corner[1], line.page_height)
        mcid = self._tag_count(page)
        self._add(page, slot.page, f"/P <</MCID {mcid}>> BDC ".encode("ascii") + placed + b"EMC\n")

    def _box(self, page: pikepdf.Page, x: float, bottom: float, width: float, height: float) -> bytes:
        """The white box that hides the leader dots behind a number (drawn, not read: an artifact)."""
        page_height = _height(page)
        return (f"/Artifact BMC q 1 g {x * PX:.4f} {page_height - bottom * PX:.4f} {width * PX:.4f} "
                f"{height * PX:.4f} re f Q EMC\n").encode("ascii")

    def _placed(self, page: pikepdf.Page, pdf: bytes, number: int, dx: float, dy: float, sheet_height: float) -> bytes:
        """A sheet's page drawn moved by (dx, dy) CSS px."""
        name = self._form(page, pdf, number)
        tx, ty = dx * PX, (_height(page) - sheet_height * PX) - dy * PX
        return f"q 1 0 0 1 {tx:.4f} {ty:.4f} cm {name} Do Q ".encode("ascii")

    def _form(self, page: pikepdf.Page, pdf: bytes, number: int) -> pikepdf.Name:
        if (pdf, number) not in self.forms:
            form = self.pdf.copy_foreign(self.sheets.page(pdf, number).as_form_xobject())
            # the pages of a part share one resource dictionary: one name per sheet page
            self.forms[(pdf, number)] = page.add_resource(form, pikepdf.Name.XObject,
                                                          pikepdf.Name(f"/Slot{len(self.forms)}"))
        return self.forms[(pdf, number)]

    def _add(self, page: pikepdf.Page, number: int, content: bytes) -> None:
        if number not in self.wrapped:
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"\nQ\n")
            self.wrapped.add(number)
        page.contents_add(content)

    def _mcid(self, page: pikepdf.Page, element: pikepdf.Dictionary) -> int:
        marks = self.parents[int(page.obj.StructParents)]
        marks.append(element)
        return len(marks) - 1

    def _tag_entry(self, slot: Slot, page: pikepdf.Page) -> int:
        """A new ``Span`` at the end of the entry's ``Link`` element."""
        link = self._link(slot, page)
        element = self.pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span, P=link, Pg=page.obj))
        mcid = self._mcid(page, element)
        element.K = mcid
        _kids_array(link).append(element)
        return mcid

    def _tag_count(self, page: pikepdf.Page) -> int:
        """The page count's paragraph, after the contents list (WeasyPrint's empty one, or a new one)."""
        if self.list is None or "/P" not in self.list:
            raise ValueError("pdf: the page count has no contents list to follow")
        kids = _kids_array(self.list.P)
        at = next((i for i, kid in enumerate(kids) if kid.is_indirect and kid.objgen == self.list.objgen), len(kids) - 1) + 1
        if at < len(kids) and isinstance(kids[at], pikepdf.Dictionary) and kids[at].get("/S") == pikepdf.Name.P \
                and len(_kids_array(kids[at])) == 0:
            element = kids[at]
        else:
            element = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=self.list.P))
            kids.insert(at, element)
        element.Pg = page.obj
        mcid = self._mcid(page, element)
        element.K = pikepdf.Array([mcid])
        return mcid

    def _link(self, slot: Slot, page: pikepdf.Page) -> pikepdf.Dictionary:
        """The outermost ``Link`` element of the entry's link annotation."""
        uri = XREF_URL + quote(slot.anchor, safe="")
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is not None and str(action.get("/URI", "")) == uri and "/StructParent" in annotation:
                element = self.parents[int(annotation.StructParent)]
                while "/P" in element and element.P.get("/S") == pikepdf.Name.Link:
                    element = element.P
                if self.list is None:
                    self.list = _up_to(element, pikepdf.Name.L)
                return element
        raise ValueError(f"pdf: the contents entry for '{slot.anchor}' has no link")


def _height(page: pikepdf.Page) -> float:
    box = page.mediabox
    return float(box[3]) - float(box[1])


def _up_to(element: pikepdf.Dictionary | None, kind: pikepdf.Name) -> pikepdf.Dictionary | None:
    while element is not None and element.get("/S") != kind:
        element = element.get("/P")
    return element


def _kids_array(element: pikepdf.Dictionary) -> pikepdf.Array:
    kids = element.get("/K")
    if not isinstance(kids, pikepdf.Array):
        element.K = pikepdf.Array([] if kids is None else [kids])
    return element.K


def _element_boxes(page: object) -> Iterator[tuple[object, object]]:
    """The block boxes of elements on a laid-out page (not the anonymous boxes and line boxes
    that carry their element's name too), each with its parent element's box."""
    from weasyprint.formatting_structure.boxes import BlockBox, ParentBox
    from weasyprint.layout.absolute import AbsolutePlaceholder

    stack = [(page._page_box, None)]  # WeasyPrint keeps its page box private
    while stack:
        box, parent = stack.pop()
        if isinstance(box, AbsolutePlaceholder):  # a positioned box (a number's, in a sheet)
            box = box._box
        if type(box) is BlockBox and box.element is not None:
            yield box, parent
            parent = box
        if isinstance(box, ParentBox):
            stack.extend((child, parent) for child in reversed(box.children))
