"""The laid-out parts of one edition -> one tagged PDF, with pikepdf.

In: the PDF of each part (a complete PDF/UA document from WeasyPrint) and how many pages it
laid out. Out: one file. The first part gives the catalogue (XMP metadata, language, viewer
preferences); each part brings its pages, outline entries, named destinations, form fields and
structure elements, which join the first part's ``Document`` element with their structure keys
moved past the ones already in use. Everything is copied with one object map per part, so the
tag tree, the form and the pages keep pointing at the same annotations. A part with an odd
number of pages is followed by a blank page, so the next part starts on a right-hand page as
it did when it was laid out alone, and the whole has an even number of pages.

A link to an anchor in another part was written as :data:`XREF_URL` + anchor (WeasyPrint only
links to anchors of the document it lays out); here it becomes a link to the named
destination, inside the same tagged ``Link`` element.

Each part embeds its own subset of every font it uses; with ``fonts``, the subsets of one font
file become one program (:mod:`builders.pdf.fontjoin`).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from urllib.parse import unquote

import pikepdf

from .fontjoin import Originals, share

XREF_URL = "https://coursepack.invalid/xref/"


@dataclass(frozen=True, slots=True)
class PartPdf:
    data: bytes
    pages: int
    first: int = 0
    """The page number of its first page; 0: the front matter, numbered i, ii, ... by itself."""
    blank: tuple[int, ...] = ()
    """Its pages (by index) that get no page number."""
    continues: bool = False
    """It goes on from the part before it, on the next page (a worksheet after its lesson): its
    outline entries join the last entry before it."""


def merge(parts: Sequence[PartPdf], target: Path, stamps: Sequence[bytes] = (), chunk: int = 1,
          fonts: Originals | None = None, facts: str | None = None) -> None:
    """Write the parts as one PDF (a blank page where a part ends on a right-hand page, unless
    the next goes on from it), with
    the body's page numbers drawn from ``stamps`` (PDFs of ``chunk`` pages each: page numbers
    1 to ``chunk``, then on) and page labels i, ii, ... for the front matter, 1, 2, ... after it.
    With ``fonts`` (the font files the parts were set in), the parts' subsets of each of them
    become one embedded program (see :mod:`builders.pdf.fontjoin`); ``facts`` names the entry
    of their store that keeps what was found of each font dictionary, for the next join.

    A copied stream's data is read from its source when the joined file is written, so the
    sources stay open until then; parts that weigh more than :data:`KEEP_OPEN_BYTES` in all
    are instead opened, copied and closed in turn, each copied stream's data read into the
    joined file at once (slower: memory then holds the joined file and one part, not every
    part twice). The file written is the same either way.
    """
    owned: set[tuple[int, int]] | None = set() if sum(len(p.data) for p in parts) > KEEP_OPEN_BYTES else None
    with contextlib.ExitStack() as opened:
        out = opened.enter_context(pikepdf.open(io.BytesIO(parts[0].data)))
        tree = out.Root.StructTreeRoot
        next_key = _next_key(tree.ParentTree.Nums)
        numbers = opened.enter_context(_Numbers(out, stamps, chunk, owned))
        _pad(out)
        front = len(out.pages)
        for i, part in enumerate(parts[1:], start=1):
            first = len(out.pages)
            with contextlib.ExitStack() as this_part:
                source = (this_part if owned is not None else opened).enter_context(pikepdf.open(io.BytesIO(part.data)))
                next_key = _append(out, source, next_key, owned, part.continues)
            if part.first:
                for n in range(part.pages):
                    if n not in part.blank:
                        numbers.stamp(out.pages[first + n], part.first + n)
            if i + 1 == len(parts) or not parts[i + 1].continues:
                _pad(out)
        tree.ParentTreeNextKey = next_key
        out.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
            0, pikepdf.Dictionary(S=pikepdf.Name.r), front, pikepdf.Dictionary(S=pikepdf.Name.D)]))
        _resolve_cross_references(out)
        if fonts is not None:
            share(out, fonts, facts)
        out.save(target, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)


KEEP_OPEN_BYTES = 64 * 1024 * 1024
"""Up to this size in all, the parts stay open until the joined file is written (see :func:`merge`)."""


class _Numbers:
    """Draws page numbers from the stamp chunks, each page as one Form XObject marked as a
    pagination artifact (it is not part of the tag tree)."""

    def __init__(self, out: pikepdf.Pdf, stamps: Sequence[bytes], chunk: int,
                 owned: set[tuple[int, int]] | None) -> None:
        self.out, self.stamps, self.chunk, self.owned = out, stamps, chunk, owned
        self.open: dict[int, pikepdf.Pdf] = {}
        self.forms: dict[int, pikepdf.Object] = {}

    def stamp(self, page: pikepdf.Page, number: int) -> None:
        if number not in self.forms:
            index = (number - 1) // self.chunk
            if index not in self.open:
                self.open[index] = pikepdf.open(io.BytesIO(self.stamps[index]))
            source = self.open[index].pages[(number - 1) % self.chunk]
            self.forms[number] = self.out.copy_foreign(source.as_form_xobject())
            if self.owned is not None:
                _own_streams([self.forms[number]], set())
        # the pages of a part share one resource dictionary: one name per page number
        name = page.add_resource(self.forms[number], pikepdf.Name.XObject, pikepdf.Name(f"/PageNumber{number}"))
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ q /Artifact <</Type /Pagination /Subtype /Footer>> BDC "
                          + str(name).encode("ascii") + b" Do EMC Q\n")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for pdf in self.open.values():
            pdf.close()


def _append(out: pikepdf.Pdf, source: pikepdf.Pdf, next_key: int, owned: set[tuple[int, int]] | None,
            continues: bool = False) -> int:
    """Copy the pages of ``source`` and what belongs to them into ``out``; return the next free
    structure key. With ``owned`` (the streams read in so far), read in the data of the streams
    copied, so that ``source`` can be closed. A part that ``continues`` the one before puts its
    outline entries under that part's last top-level entry."""
    first = len(out.pages)
    with warnings.catch_warnings():  # what extend() leaves behind is carried over below
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        out.pages.extend(source.pages)
    for page in out.pages[first:]:
        _shift_keys(page.obj, next_key)
    copied = _copy(out, source, source.Root.StructTreeRoot)
    nums = out.Root.StructTreeRoot.ParentTree.Nums
    for key, value in zip(copied.ParentTree.Nums[::2], copied.ParentTree.Nums[1::2]):
        nums.append(int(key) + next_key)
        nums.append(value)
    _adopt_elements(out.Root.StructTreeRoot.K[0], copied.K[0])
    _add_outline(out, source, continues)
    _add_destinations(out, source)
    _add_fields(out, source)
    if owned is not None:
        _own_streams([page.obj for page in out.pages[first:]] + [out.Root.get("/AcroForm")], owned)
    return next_key + _next_key(copied.ParentTree.Nums)


_BACK_LINKS = {"/Parent", "/P", "/Pg", "/Dest", "/D", "/A", "/StructParent", "/StructParents"}
"""Keys that lead back into the document rather than down into a page's own objects."""


def _own_streams(roots: list[pikepdf.Object | None], seen: set[tuple[int, int]]) -> None:
    """Read the data of every stream under ``roots`` (a page's contents, fonts, images,
    appearances) into the joined file, so that the part it came from can be closed."""
    stack = [root for root in roots if root is not None]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            obj.write(obj.read_raw_bytes(), filter=obj.get("/Filter"), decode_parms=obj.get("/DecodeParms"))
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            stack.extend(value for key, value in obj.items() if key not in _BACK_LINKS)
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _copy(out: pikepdf.Pdf, source: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """``obj`` of ``source`` in ``out``. Objects copied before (pages, annotations, fields) are
    shared, never copied twice: the tag tree and the page point at the same annotation."""
    if not obj.is_indirect:
        obj = source.make_indirect(obj)
    return out.copy_foreign(obj)


def _adopt_elements(document: pikepdf.Dictionary, other: pikepdf.Dictionary) -> None:
    for element in _kids(other):
        if isinstance(element, pikepdf.Dictionary):
            element.P = document
        document.K.append(element)


def _kids(element: pikepdf.Dictionary) -> list[pikepdf.Object]:
    kids = element.get("/K", pikepdf.Array())
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _add_outline(out: pikepdf.Pdf, source: pikepdf.Pdf, continues: bool = False) -> None:
    """The outline entries of ``source`` after those of ``out``: at the top level, or under the
    last top-level entry for a part that ``continues`` (as WeasyPrint nests them in one document:
    an open entry's /Count is the number of entries shown under it, a closed one's is negative)."""
    if "/Outlines" not in source.Root or "/First" not in source.Root.Outlines:
        return
    if "/Outlines" not in out.Root or "/First" not in out.Root.Outlines:
        out.Root.Outlines = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=0))
    root = out.Root.Outlines
    parent = root.Last if continues and "/Last" in root else root
    item = _copy(out, source, source.Root.Outlines).First
    while item is not None:
        following = item.get("/Next")
        item.Parent = parent
        if "/First" in parent:
            parent.Last.Next = item
            item.Prev = parent.Last
        else:
            parent.First = item
        parent.Last = item
        shown = 1 + max(0, int(item.get("/Count", 0)))
        if parent is root:
            root.Count = int(root.get("/Count", 0)) + shown
        elif int(parent.get("/Count", 0)) < 0:  # closed: its entries are not shown
            parent.Count = int(parent.Count) - shown
        else:
            parent.Count = int(parent.get("/Count", 0)) + shown
            root.Count = int(root.get("/Count", 0)) + shown
        item = following


def _add_destinations(out: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return
    if "/Names" not in out.Root:
        out.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in out.Root.Names:
        out.Root.Names.Dests = out.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
    names = pikepdf.NameTree(out.Root.Names.Dests)
    for name, destination in pikepdf.NameTree(_copy(out, source, source.Root.Names.Dests)).items():
        names[name] = destination


def _add_fields(out: pikepdf.Pdf, source: pikepdf.Pdf) -> None:
    if "/AcroForm" not in source.Root:
        return
    if "/AcroForm" not in out.Root:
        out.Root.AcroForm = _copy(out, source, source.Root.AcroForm)
        return
    fields = out.Root.AcroForm.Fields
    for field in _copy(out, source, source.Root.AcroForm.Fields):
        fields.append(field)


def _next_key(nums: pikepdf.Array) -> int:
    return max((int(key) for key in nums[::2]), default=-1) + 1


def _shift_keys(page: pikepdf.Dictionary, offset: int) -> None:
    """Move a copied page's structure keys (its own and its annotations') past ``offset``."""
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + offset
    for annotation in page.get("/Annots", []):
        if "/StructParent" in annotation:
            annotation.StructParent = int(annotation.StructParent) + offset


def _pad(out: pikepdf.Pdf) -> None:
    """A blank page after a right-hand one, so that the next part begins on a right-hand page."""
    if len(out.pages) % 2:
        size = out.pages[-1].mediabox
        out.add_blank_page(page_size=(float(size[2]) - float(size[0]), float(size[3]) - float(size[1])))


def _resolve_cross_references(out: pikepdf.Pdf) -> None:
    names = _destination_names(out)
    for page in out.pages:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != "/URI":
                continue
            uri = str(action.URI)
            if not uri.startswith(XREF_URL):
                continue
            anchor = unquote(uri.removeprefix(XREF_URL))
            if anchor in names:
                del annotation.A
                annotation.Dest = pikepdf.String(anchor)


def _destination_names(out: pikepdf.Pdf) -> set[str]:
    if "/Names" not in out.Root or "/Dests" not in out.Root.Names:
        return set()
    return {str(name) for name in pikepdf.NameTree(out.Root.Names.Dests).keys()}
