"""One embedded program per font file in a joined PDF: the parts' subsets of it -> one subset.

Each part of an edition is a PDF of its own (:mod:`builders.pdf.parts`), and WeasyPrint embeds
in each a subset of every font the part uses, so a joined file would hold a dozen subsets of
every face. :func:`share`, called by :mod:`builders.pdf.merge` before the joined file is
written, gives all the font dictionaries whose program was made of the same font file one
program instead: a subset of that file holding every glyph any of them uses. Faces that
WeasyPrint draws from one file (the bundled sans in bold and oblique, made up from its regular
file) share it too.

That is valid for every part as it stands: WeasyPrint's fonts are CIDFontType2 with an
Identity CIDToGIDMap, and it subsets with HarfBuzz keeping glyph ids, so a glyph id in a
content stream, in ``/W`` and in the ToUnicode map is the original font's glyph id in any
subset of it that keeps glyph ids. Each part keeps its font dictionaries (widths, ToUnicode,
encoding); only their descriptor's ``/FontFile2`` changes, and the subset tag of their names
(one tag per shared program). The glyphs a dictionary draws are those ``/W`` gives widths for.

Which file a subset was made of: the one of :class:`Originals` (the shipped fonts and the
course's, see :class:`~builders.pdf.fonts.FontSet`) with its PostScript name and ``head``
(revision, units per em, dates) whose advance width and glyph header (contour count and
bounding box) are the subset's for every glyph the dictionary draws. A subset that matches no
file, or more than one, keeps its program; so do OpenType (CFF) programs, variable fonts and
colour fonts (WeasyPrint changes their outlines, so a subset of the file would not be theirs).

The shared subset is made by :func:`builders.pdf.truetype.subset` (glyph ids kept, no hinting,
as WeasyPrint's), once per file and set of glyphs: it is kept in the build's store under a key
of the file, the glyph ids and this code, so a join whose glyph sets were all joined before
makes none. What each font dictionary's program was found to be (the file it was made of,
whether whole and with .notdef, and the glyphs its ``/W`` names) is kept too, all of a join in
one entry that the caller names (one per edition), under a key of the program's stored bytes
and filters, the ``/W`` array, the files and this code: a join of parts joined before neither
decompresses nor parses nor matches their programs again.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import lt
from pathlib import Path

import pikepdf

from ..incremental import Entry, Store, key
from .truetype import TRUETYPE, Sfnt, parse, subset

_TAG_RE = re.compile(r"^[A-Z]{6}\+")


class Originals:
    """The font files a course's PDFs are set in, and the shared subsets made of them (kept in
    ``store``, when there is one)."""

    def __init__(self, programs: Iterable[bytes], store: Store | None = None) -> None:
        self.fonts: list[Sfnt] = []
        self.digests: list[str] = []
        for data in programs:
            digest = hashlib.sha256(data).hexdigest()
            font = parse(data) if digest not in self.digests else None
            if font is not None and not font.changed:
                self.fonts.append(font)
                self.digests.append(digest)
        self.store = store
        self._glyphs: list[dict[int, tuple[int, bytes]]] = [{} for _ in self.fonts]

    def match(self, program: Sfnt, gids: frozenset[int]) -> int | None:
        """The index of the one file ``program`` was made of, given the glyphs it draws."""
        found = None
        for i, font in enumerate(self.fonts):
            if program.ps_name != font.ps_name or program.identity != font.identity:
                continue
            if program.data != font.data and not self._same_glyphs(i, program, gids):
                continue
            if found is not None:
                return None
            found = i
        return found

    def _same_glyphs(self, index: int, program: Sfnt, gids: frozenset[int]) -> bool:
        # gids past the font's glyphs are WeasyPrint's codes for characters no font has (drawn as .notdef)
        used = sorted(gid for gid in gids if gid < self.fonts[index].num_glyphs)
        if used and used[-1] >= program.num_glyphs:
            return False
        known = self._glyphs[index]
        new = [gid for gid in used if gid not in known]
        known.update(zip(new, self.fonts[index].glyphs(new)))
        return program.glyphs(used) == [known[gid] for gid in used]

    def shared(self, index: int, gids: frozenset[int] | None, notdef: bool) -> tuple[str, bytes, int] | None:
        """(subset tag, zlib-compressed program, its length) of file ``index`` with glyphs
        ``gids`` (None: the whole file); ``notdef``: with the .notdef outline. None if the
        file cannot be subset (damaged)."""
        font = self.fonts[index]
        ids = array("I", sorted(gids)).tobytes() if gids is not None else b"whole"
        name = key("pdf shared font", _code_digest(), self.digests[index], str(notdef), ids)
        tag = "".join(chr(65 + n % 26) for n in bytes.fromhex(name)[:6])
        entry = self.store.get(name) if self.store is not None else None
        if entry is None or not _valid(entry):
            try:
                program = font.data if gids is None else subset(font, gids, notdef)
            except (ValueError, IndexError, struct.error):
                return None
            entry = Entry({"length": len(program)}, zlib.compress(program))
            if self.store is not None:
                self.store.put(name, entry)
        return tag, entry.data, entry.meta["length"]


def _valid(entry: Entry) -> bool:
    """A stored program as :meth:`Originals.shared` writes it (its checksum was checked)."""
    try:
        start = zlib.decompressobj().decompress(entry.data, 4)
    except zlib.error:
        return False
    return isinstance(entry.meta.get("length"), int) and start in TRUETYPE


@functools.cache
def _code_digest() -> str:
    """This module and :mod:`builders.pdf.truetype`: a program made by other code is made again."""
    folder = Path(__file__).parent
    return key(*((folder / name).read_bytes() for name in ("fontjoin.py", "truetype.py")))


@dataclass(frozen=True, slots=True)
class _Use:
    """One font dictionary of the joined file whose program may be shared."""

    font: pikepdf.Dictionary
    cid_font: pikepdf.Dictionary
    descriptor: pikepdf.Dictionary
    program: pikepdf.Stream
    widths: pikepdf.Array
    """Its ``/W``: the glyphs it draws are those it gives widths for."""


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a font dictionary's program and widths say (:func:`_find`), as the store keeps them."""

    index: int
    """The original its program was made of."""
    whole: bool
    """Its program is the whole file (WeasyPrint does not subset a font that form fields use)."""
    notdef: bool
    """Its program draws glyph 0 (for a character no font has)."""
    gids: tuple[int, ...]
    """The glyphs it draws, ascending."""


@dataclass(frozen=True, slots=True)
class _Member:
    """A font dictionary whose program was made of a known file."""

    use: _Use
    facts: _Facts


def share(pdf: pikepdf.Pdf, originals: Originals, name: str | None = None) -> None:
    """Give the font dictionaries of ``pdf`` made of the same original one program (see the
    module doc); fonts whose original is not found keep theirs. ``name``: the entry of
    ``originals.store`` that keeps what was found of each font dictionary (None: none is kept)."""
    findings = _Findings(originals, name)
    groups: dict[int, list[_Member]] = {}
    for use in _uses(pdf):
        facts = findings.of(use)
        if facts is not None:
            groups.setdefault(facts.index, []).append(_Member(use, facts))
    findings.save()
    for index in sorted(groups):
        members = groups[index]
        if len({member.use.program.objgen for member in members}) < 2:
            continue
        notdef = any(member.facts.notdef for member in members)
        gids = None if any(member.facts.whole for member in members) else frozenset(
            gid for member in members for gid in member.facts.gids if gid < originals.fonts[index].num_glyphs)
        made = originals.shared(index, gids, notdef)
        if made is None:
            continue
        tag, compressed, length = made
        stream = pikepdf.Stream(pdf, b"")
        stream.write(compressed, filter=pikepdf.Name.FlateDecode)
        stream.Length1 = length
        for use in (member.use for member in members):
            use.descriptor.FontFile2 = stream
            if "/CIDSet" in use.descriptor:  # would list the glyphs of the part's own subset
                del use.descriptor["/CIDSet"]
            for obj, field in ((use.font, "/BaseFont"), (use.cid_font, "/BaseFont"), (use.descriptor, "/FontName")):
                if isinstance(obj.get(field), pikepdf.Name):
                    obj[field] = pikepdf.Name(f"/{tag}+{_TAG_RE.sub('', str(obj[field])[1:])}")


def _uses(pdf: pikepdf.Pdf) -> Iterator[_Use]:
    """Every TrueType CID font of the pages, their forms and annotations, and the form's default
    resources; each once."""
    seen: set[tuple[int, int]] = set()
    for font in _fonts(pdf):
        if font.objgen in seen or font.get("/Subtype") != "/Type0":
            continue
        seen.add(font.objgen)
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
            continue
        cid_font = descendants[0]
        descriptor = cid_font.get("/FontDescriptor")
        if cid_font.get("/Subtype") != "/CIDFontType2" or cid_font.get("/CIDToGIDMap") != "/Identity" \
                or not isinstance(descriptor, pikepdf.Dictionary):
            continue
        program, widths = descriptor.get("/FontFile2"), cid_font.get("/W")
        if isinstance(program, pikepdf.Stream) and program.is_indirect and isinstance(widths, pikepdf.Array):
            yield _Use(font, cid_font, descriptor, program, widths)


def _find(use: _Use, widths: bytes, originals: Originals) -> _Facts | None:
    """The facts of ``use`` (``widths``: its ``/W`` unparsed); None if it draws no glyph or its
    program was made of no one original (it keeps its program)."""
    gids = _cids(widths)
    if not gids:
        return None
    program = parse(use.program.read_bytes())  # one at a time: a long course has thousands
    index = originals.match(program, gids) if program is not None else None
    if program is None or index is None:
        return None
    return _Facts(index, program.data == originals.fonts[index].data, program.has_outline(0), tuple(sorted(gids)))


class _Findings:
    """The facts of each font dictionary of a join, read from and kept in the store entry
    ``name`` (all of a join in one: one file to read, not one per font dictionary)."""

    def __init__(self, originals: Originals, name: str | None) -> None:
        self.originals = originals
        self.store = originals.store if name is not None else None
        self.name = name or ""
        self.context = key("pdf font facts", _code_digest(), pikepdf.__libqpdf_version__, *originals.digests)
        entry = self.store.get(self.name) if self.store is not None else None
        self.known = _read(entry.meta, len(originals.fonts)) if entry is not None else {}
        self.used: dict[str, _Facts | None] = {}
        self.missed = False

    def of(self, use: _Use) -> _Facts | None:
        widths = use.widths.unparse()
        name = _use_key(self.context, use, widths) if self.store is not None else None
        if name is None:
            return _find(use, widths, self.originals)
        if name in self.known:
            facts = self.known[name]
        else:
            facts = _find(use, widths, self.originals)
            self.missed = True
        self.used[name] = facts
        return facts

    def save(self) -> None:
        """Keep the facts this join used (those of parts no longer joined go), if any was missing."""
        if self.store is not None and self.missed:
            self.store.put(self.name, Entry({"facts": {
                name: None if facts is None else [facts.index, facts.whole, facts.notdef, list(facts.gids)]
                for name, facts in self.used.items()}}))


_REF_RE = re.compile(rb"\d+ \d+ R")


def _use_key(context: str, use: _Use, widths: bytes) -> str | None:
    """The key of ``use``'s facts: its program as stored (decoded by its filters) and its
    widths; None if a filter refers to another object (unparsed, the key would not hold it)."""
    filters, parameters = _unparsed(use.program.get("/Filter")), _unparsed(use.program.get("/DecodeParms"))
    if filters is None or parameters is None:
        return None
    return key(context, use.program.read_raw_bytes(), filters, parameters, widths)


def _unparsed(value: object) -> bytes | None:
    if value is None:
        return b""  # absent (a present value never unparses to nothing)
    written = value.unparse() if isinstance(value, pikepdf.Object) else None
    return None if written is None or _REF_RE.search(written) else written


def _read(meta: dict, fonts: int) -> dict[str, _Facts | None]:
    """The facts :meth:`_Findings.save` wrote in ``meta``; none if any is not as it writes them
    (``fonts``: how many originals there are)."""
    stored = meta.get("facts")
    if not isinstance(stored, dict):
        return {}
    known: dict[str, _Facts | None] = {}
    for name, value in stored.items():
        facts = _facts(value, fonts) if value is not None else None
        if value is not None and facts is None:
            return {}
        known[name] = facts
    return known


def _facts(value: object, fonts: int) -> _Facts | None:
    if not isinstance(value, list) or len(value) != 4:
        return None
    index, whole, notdef, gids = value
    if type(index) is not int or not 0 <= index < fonts or type(whole) is not bool or type(notdef) is not bool:
        return None
    if not isinstance(gids, list) or set(map(type, gids)) != {int} or gids[0] < 0 or not all(map(lt, gids, gids[1:])):
        return None
    return _Facts(index, whole, notdef, tuple(gids))


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    seen: set[tuple[int, int]] = set()
    stack: list[pikepdf.Object] = []
    for page in pdf.pages:
        stack.append(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots", ()):
            for appearance in annotation.get("/AP", {}).values():
                stack.extend(appearance.values() if isinstance(appearance, pikepdf.Dictionary)
                             and not isinstance(appearance, pikepdf.Stream) else [appearance])
    if "/AcroForm" in pdf.Root:
        stack.append(pdf.Root.AcroForm.get("/DR"))
    while stack:
        obj = stack.pop()
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) or not _first_time(obj, seen):
            continue
        if isinstance(obj, pikepdf.Stream):  # a form or a pattern: its own resources
            stack.append(obj.get("/Resources"))
            continue
        for kind in ("/Font", "/XObject", "/Pattern"):
            named = obj.get(kind)  # often one dictionary that the resources of many forms share
            if isinstance(named, pikepdf.Dictionary) and _first_time(named, seen):
                if kind == "/Font":
                    yield from named.values()
                else:
                    stack.extend(named.values())


def _first_time(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """False for an indirect object met before (a direct one is always met the first time)."""
    if not obj.is_indirect:
        return True
    if obj.objgen in seen:
        return False
    seen.add(obj.objgen)
    return True


_RUN_RE = re.compile(rb"(\d+)\s*\[([^\]]*)\]")
"""``c [w1 w2 ...]`` in a ``/W`` array: widths of CIDs c, c + 1, ..."""


def _cids(widths: bytes) -> frozenset[int]:
    """The CIDs a ``/W`` array (unparsed) gives widths for (``c [w1 w2 ...]`` and
    ``c_first c_last w``)."""
    written = widths.strip()
    if not written.startswith(b"[") or not written.endswith(b"]") or b"R" in written:
        return frozenset()  # an indirect array of widths: not WeasyPrint's
    cids: set[int] = set()
    for first, run in _RUN_RE.findall(written[1:-1]):
        cids.update(range(int(first), int(first) + len(run.split())))
    rest = _RUN_RE.sub(b" ", written[1:-1]).split()
    if len(rest) % 3:
        return frozenset()
    try:
        for first, last in zip(rest[::3], rest[1::3]):
            cids.update(range(int(first), int(last) + 1))
    except ValueError:
        return frozenset()
    return frozenset(cids)
