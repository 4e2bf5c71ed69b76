"""TrueType fonts read and subset from their bytes, for :mod:`builders.pdf.fontjoin`.

:func:`parse` reads the few facts that tell which font file a subset was made of; :func:`subset`
makes a subset of a font that keeps glyph ids, as WeasyPrint's are made (HarfBuzz with
``HB_SUBSET_FLAGS_RETAIN_GIDS``, no hinting): each glyph kept, with the glyphs its composites
are made of, keeps its outline (instructions dropped) and metrics, the other slots up to the
last one kept are empty, and glyphs past it are gone. It keeps the tables a PDF reader draws
with (``glyf``, ``loca``, ``head``, ``hhea``, ``hmtx``, ``maxp``), a ``cmap`` of the characters
of the glyphs kept, and the font's names (``name``, ``OS/2``, ``post`` without glyph names,
``gasp``); layout, hinting and bitmap tables go.

Why not fontTools' subsetter: it decompiles and compiles every glyph slot up to the last glyph
kept, 25-35 ms per DejaVu face, and a cold build subsets every face of every edition; this
takes a few milliseconds. The tests check its output against fontTools'.
"""

from __future__ import annotations

import struct
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

TRUETYPE = (b"\x00\x01\x00\x00", b"true")
_CHANGED_OUTLINES = (b"fvar", b"CBDT", b"sbix", b"SVG ", b"COLR")
"""Tables of a font that WeasyPrint instantiates or empties before embedding it."""
_COPIED = (b"OS/2", b"gasp")
_MORE_COMPONENTS, _INSTRUCTIONS = 0x20, 0x100


@dataclass(frozen=True, slots=True)
class Sfnt:
    """What :mod:`builders.pdf.fontjoin` reads of a TrueType font, whole or subset."""

    data: bytes
    ps_name: bytes
    identity: bytes
    """``head``'s revision, units per em and dates: the same in every subset of the font."""
    num_glyphs: int
    loca: array
    """Glyph offsets in the ``glyf`` table, in units of ``scale`` bytes."""
    scale: int
    glyf: int
    """Where the ``glyf`` table begins."""
    advances: array
    changed: bool
    """WeasyPrint embeds the font with other outlines (variable or colour glyphs)."""

    def glyphs(self, gids: Iterable[int]) -> list[tuple[int, bytes]]:
        """The advance width and header (contour count and bounding box; b"" for an empty
        glyph) of each glyph."""
        advances, last = self.advances, len(self.advances) - 1
        loca, scale, glyf, data = self.loca, self.scale, self.glyf, self.data
        return [(advances[min(last, gid)],
                 data[glyf + scale * loca[gid]:glyf + min(scale * loca[gid + 1], scale * loca[gid] + 10)])
                for gid in gids]

    def has_outline(self, gid: int) -> bool:
        return self.loca[gid + 1] > self.loca[gid]


def tables(data: bytes) -> dict[bytes, tuple[int, int]]:
    """Each table's tag -> (offset, length); ValueError if ``data`` is no TrueType font."""
    if data[:4] not in TRUETYPE:
        raise ValueError("not a TrueType font")
    (count,) = struct.unpack_from(">H", data, 4)
    found = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if offset + length > len(data):
            raise ValueError(f"table {tag!r} runs past the end of the font")
        found[tag] = (offset, length)
    return found


def parse(data: bytes) -> Sfnt | None:
    """The facts of a TrueType font, or None for anything else (OpenType CFF, damaged)."""
    try:
        where = tables(data)
        head, hhea, maxp = (where[t][0] for t in (b"head", b"hhea", b"maxp"))
        (num_glyphs,) = struct.unpack_from(">H", data, maxp + 4)
        (metrics,) = struct.unpack_from(">H", data, hhea + 34)
        (long_loca,) = struct.unpack_from(">h", data, head + 50)
        loca = _numbers(data, where[b"loca"], "I" if long_loca else "H", num_glyphs + 1)
        advances = _numbers(data, where[b"hmtx"], "H", 2 * metrics)[::2]
        glyf_at, glyf_length = where[b"glyf"]
        scale = 1 if long_loca else 2
        if not metrics or scale * loca[-1] > glyf_length:
            return None
        return Sfnt(data, _ps_name(data, *where[b"name"]), data[head + 4:head + 8] + data[head + 18:head + 36],
                    num_glyphs, loca, scale, glyf_at, advances, any(t in where for t in _CHANGED_OUTLINES))
    except (KeyError, struct.error, ValueError):
        return None


def _numbers(data: bytes, table: tuple[int, int], kind: str, count: int) -> array:
    """``count`` big-endian numbers at the start of a table."""
    offset, length = table
    numbers = array(kind)
    if count * numbers.itemsize > length:
        raise ValueError("table too short")
    numbers.frombytes(data[offset:offset + count * numbers.itemsize])
    if sys.byteorder == "little":
        numbers.byteswap()
    return numbers


def _ps_name(data: bytes, offset: int, length: int) -> bytes:
    """Name 6 (the PostScript name), as ASCII; b"" if the font has none."""
    _format, count, strings = struct.unpack_from(">HHH", data, offset)
    for i in range(count):
        platform, _encoding, _language, name_id, size, at = struct.unpack_from(">6H", data, offset + 6 + 12 * i)
        if name_id == 6 and strings + at + size <= length:
            raw = data[offset + strings + at:offset + strings + at + size]
            return raw.decode("utf-16-be", "replace").encode("ascii", "replace") if platform in (0, 3) else raw
    return b""


def subset(font: Sfnt, gids: Iterable[int], notdef: bool) -> bytes:
    """A subset of ``font`` keeping the glyphs ``gids`` (and their components) at their ids;
    ``notdef``: keep the outline of glyph 0 (drawn for characters no font has). ValueError or
    struct.error if the font is damaged."""
    data, where = font.data, tables(font.data)
    wanted = {gid for gid in gids if 0 <= gid < font.num_glyphs}
    kept = _closure(font, wanted | ({0} if notdef else set()))
    count = max(kept | {0}) + 1
    glyf, loca, offset = [], array("I", [0]), 0
    for gid in range(count):
        glyph = _unhinted(_glyph(font, gid)) if gid in kept else b""
        glyph += b"\x00" * (-len(glyph) % 4)
        glyf.append(glyph)
        offset += len(glyph)
        loca.append(offset)
    (metrics,) = struct.unpack_from(">H", data, where[b"hhea"][0] + 34)
    old = _numbers(data, where[b"hmtx"], "H", 2 * metrics)
    extra = _numbers(data, (where[b"hmtx"][0] + 4 * metrics, where[b"hmtx"][1] - 4 * metrics), "H",
                     max(0, min(font.num_glyphs - metrics, (where[b"hmtx"][1] - 4 * metrics) // 2)))
    hmtx = array("H", bytes(4 * count))
    for gid in kept | {0}:
        hmtx[2 * gid] = old[2 * gid] if gid < metrics else old[-2]
        hmtx[2 * gid + 1] = old[2 * gid + 1] if gid < metrics else extra[gid - metrics]
    out = {tag: _table(data, where[tag]) for tag in _COPIED if tag in where}
    out[b"head"] = _patch(_table(data, where[b"head"]), (8, ">I", 0), (50, ">h", 1))
    out[b"hhea"] = _patch(_table(data, where[b"hhea"]), (34, ">H", count))
    out[b"maxp"] = _patch(_table(data, where[b"maxp"]), (4, ">H", count))
    out[b"loca"], out[b"hmtx"], out[b"glyf"] = _big_endian(loca), _big_endian(hmtx), b"".join(glyf)
    if b"post" in where and where[b"post"][1] >= 32:
        out[b"post"] = b"\x00\x03\x00\x00" + _table(data, where[b"post"])[4:32]
    if b"name" in where:
        out[b"name"] = _names(_table(data, where[b"name"]))
    if b"cmap" in where:
        out[b"cmap"] = _cmap(_table(data, where[b"cmap"]), sorted(wanted - {0}))
    return _sfnt(out)


def _closure(font: Sfnt, gids: set[int]) -> set[int]:
    """``gids`` and every glyph their composites are made of."""
    kept, todo = set(gids), list(gids)
    while todo:
        for component in _components(_glyph(font, todo.pop())):
            if component < font.num_glyphs and component not in kept:
                kept.add(component)
                todo.append(component)
    return kept


def _glyph(font: Sfnt, gid: int) -> bytes:
    start, end = font.glyf + font.scale * font.loca[gid], font.glyf + font.scale * font.loca[gid + 1]
    return font.data[start:end]


def _component_records(glyph: bytes) -> Iterator[tuple[int, int]]:
    """(offset, flags) of each component of a composite glyph (none for a simple glyph)."""
    if len(glyph) < 10 or struct.unpack_from(">h", glyph)[0] >= 0:
        return
    at, flags = 10, _MORE_COMPONENTS
    while flags & _MORE_COMPONENTS:
        (flags,) = struct.unpack_from(">H", glyph, at)
        yield at, flags
        at += _component_size(flags)


def _component_size(flags: int) -> int:
    """Flags, glyph id, offsets (words or bytes) and transform (none, a scale, x and y scales
    or a 2x2 matrix)."""
    return 4 + (4 if flags & 0x01 else 2) + (8 if flags & 0x80 else 4 if flags & 0x40 else 2 if flags & 0x08 else 0)


def _components(glyph: bytes) -> list[int]:
    return [struct.unpack_from(">H", glyph, at + 2)[0] for at, _flags in _component_records(glyph)]


def _unhinted(glyph: bytes) -> bytes:
    """A glyph without its instructions and the padding after it."""
    if len(glyph) < 10:
        return b""
    (contours,) = struct.unpack_from(">h", glyph)
    if contours >= 0:
        at = 10 + 2 * contours
        (points,) = struct.unpack_from(">H", glyph, at - 2) if contours else (-1,)
        (length,) = struct.unpack_from(">H", glyph, at)
        flags_at = at + 2 + length
        end = _simple_end(glyph, flags_at, points + 1)
        return glyph[:at] + b"\x00\x00" + glyph[flags_at:end]
    records = list(_component_records(glyph))
    last, flags = records[-1]
    end = last + _component_size(flags)
    if end > len(glyph):
        raise ValueError("composite glyph runs past its end")
    return glyph[:last] + struct.pack(">H", flags & ~_INSTRUCTIONS) + glyph[last + 2:end]


def _simple_end(glyph: bytes, at: int, points: int) -> int:
    """Where the flags and coordinates of ``points`` points, from ``at``, end."""
    coordinates = 0
    while points > 0:
        flag = glyph[at]
        repeat = 1 + (glyph[at + 1] if flag & 0x08 else 0)
        at += 2 if flag & 0x08 else 1
        points -= repeat
        coordinates += repeat * ((1 if flag & 0x02 else 0 if flag & 0x10 else 2)
                                 + (1 if flag & 0x04 else 0 if flag & 0x20 else 2))
    if points < 0 or at + coordinates > len(glyph):
        raise ValueError("simple glyph runs past its end")
    return at + coordinates


def _table(data: bytes, where: tuple[int, int]) -> bytes:
    return data[where[0]:where[0] + where[1]]


def _patch(table: bytes, *fields: tuple[int, str, int]) -> bytes:
    patched = bytearray(table)
    for offset, kind, value in fields:
        struct.pack_into(kind, patched, offset, value)
    return bytes(patched)


def _big_endian(numbers: array) -> bytes:
    if sys.byteorder == "little":
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers.tobytes()


def _names(table: bytes) -> bytes:
    """The names that say which font it is (IDs 0 to 6: copyright, family, style, unique
    name, full name, version, PostScript name) in Unicode (the Macintosh ones only if there
    are no others), without the longer ones (licence, URLs)."""
    _format, count, strings = struct.unpack_from(">HHH", table)
    found = [struct.unpack_from(">6H", table, 6 + 12 * i) for i in range(count)]
    unicode = any(platform != 1 for platform, *_rest in found)
    records, storage = [], bytearray()
    for platform, encoding, language, name_id, length, at in found:
        if name_id <= 6 and (platform != 1 or not unicode):
            records.append(struct.pack(">6H", platform, encoding, language, name_id, length, len(storage)))
            storage += table[strings + at:strings + at + length]
    return struct.pack(">HHH", 0, len(records), 6 + 12 * len(records)) + b"".join(records) + bytes(storage)


def _cmap(table: bytes, gids: list[int]) -> bytes:
    """A ``cmap`` of the characters that the font's own maps to ``gids`` (sorted): format 4
    for those of the Basic Multilingual Plane, and format 12 as well if there are others."""
    chars: dict[int, int] = {}
    (count,) = struct.unpack_from(">H", table, 2)
    records = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * i)
        (form,) = struct.unpack_from(">H", table, offset)
        records.setdefault((platform, encoding, form), offset)
    symbol = False
    for platform, encoding, form in ((3, 10, 12), (0, 4, 12), (0, 6, 12), (3, 1, 4), (0, 3, 4), (0, 1, 4), (0, 0, 4), (3, 0, 4)):
        if (platform, encoding, form) in records:
            offset = records[platform, encoding, form]
            chars = _read_12(table, offset, gids) if form == 12 else _read_4(table, offset, gids)
            symbol = (platform, encoding) == (3, 0)
            break
    bmp = {c: g for c, g in chars.items() if c < 0xFFFF}
    subtables = [((3, 0 if symbol else 1), _write_4(bmp))]
    if len(bmp) < len(chars):
        subtables.append(((3, 10), _write_12(chars)))
    head = struct.pack(">HH", 0, len(subtables))
    offset = 4 + 8 * len(subtables)
    for (platform, encoding), data in subtables:
        head += struct.pack(">HHI", platform, encoding, offset)
        offset += len(data)
    return head + b"".join(data for _ids, data in subtables)


def _read_4(table: bytes, offset: int, gids: list[int]) -> dict[int, int]:
    (segments_x2,) = struct.unpack_from(">H", table, offset + 6)
    segments = segments_x2 // 2
    ends = struct.unpack_from(f">{segments}H", table, offset + 14)
    starts = struct.unpack_from(f">{segments}H", table, offset + 16 + segments_x2)
    deltas = struct.unpack_from(f">{segments}H", table, offset + 16 + 2 * segments_x2)
    ranges_at = offset + 16 + 3 * segments_x2
    ranges = struct.unpack_from(f">{segments}H", table, ranges_at)
    wanted, chars = set(gids), {}
    for i, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, ranges)):
        end = min(end, 0xFFFE)
        if range_offset == 0:  # glyph = char + delta (mod 65536): the wanted glyphs in this range
            low, high = (start + delta) & 0xFFFF, (end + delta) & 0xFFFF
            spans = [(low, high)] if low <= high else [(low, 0xFFFF), (0, high)]
            for first, last in spans:
                for gid in gids[bisect_left(gids, first):bisect_right(gids, last)]:
                    chars[(gid - delta) & 0xFFFF] = gid
            continue
        for char in range(start, end + 1):
            (gid,) = struct.unpack_from(">H", table, ranges_at + 2 * i + range_offset + 2 * (char - start))
            gid = (gid + delta) & 0xFFFF if gid else 0
            if gid in wanted:
                chars[char] = gid
    return chars


def _read_12(table: bytes, offset: int, gids: list[int]) -> dict[int, int]:
    (groups,) = struct.unpack_from(">I", table, offset + 12)
    chars = {}
    for i in range(groups):
        start, end, first = struct.unpack_from(">III", table, offset + 16 + 12 * i)
        for gid in gids[bisect_left(gids, first):bisect_right(gids, first + end - start)]:
            chars[start + gid - first] = gid
    return chars


def _runs(chars: dict[int, int]) -> list[list[int]]:
    """[first char, last char, first glyph] of each run of characters mapped to consecutive glyphs."""
    runs: list[list[int]] = []
    for char in sorted(chars):
        if runs and char == runs[-1][1] + 1 and chars[char] == runs[-1][2] + char - runs[-1][0]:
            runs[-1][1] = char
        else:
            runs.append([char, char, chars[char]])
    return runs


def _write_4(chars: dict[int, int]) -> bytes:
    runs = [(first, last, (gid - first) & 0xFFFF) for first, last, gid in _runs(chars)] + [(0xFFFF, 0xFFFF, 1)]
    count = len(runs)
    power = 1 << (count.bit_length() - 1)
    head = struct.pack(">7H", 4, 16 + 8 * count, 0, 2 * count, 2 * power, power.bit_length() - 1, 2 * (count - power))
    return (head + struct.pack(f">{count}H", *(last for _f, last, _d in runs)) + b"\x00\x00"
            + struct.pack(f">{count}H", *(first for first, _l, _d in runs))
            + struct.pack(f">{count}H", *(delta for _f, _l, delta in runs)) + bytes(2 * count))


def _write_12(chars: dict[int, int]) -> bytes:
    runs = _runs(chars)
    return struct.pack(">HHIII", 12, 0, 16 + 12 * len(runs), 0, len(runs)) + b"".join(
        struct.pack(">III", *run) for run in runs)


def _checksum(data: bytes) -> int:
    words = array("I")
    words.frombytes(data + b"\x00" * (-len(data) % 4))
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


def _sfnt(found: dict[bytes, bytes]) -> bytes:
    """The font file of these tables, with its checksums."""
    tags = sorted(found)
    power = 1 << (len(tags).bit_length() - 1)
    head = struct.pack(">IHHHH", 0x00010000, len(tags), 16 * power, power.bit_length() - 1, 16 * (len(tags) - power))
    offset = 12 + 16 * len(tags)
    directory, body, head_at = [], [], 0
    for tag in tags:
        table = found[tag]
        directory.append(struct.pack(">4sIII", tag, _checksum(table), offset, len(table)))
        body.append(table + b"\x00" * (-len(table) % 4))
        head_at = offset if tag == b"head" else head_at
        offset += len(body[-1])
    font = bytearray(head + b"".join(directory) + b"".join(body))
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)
