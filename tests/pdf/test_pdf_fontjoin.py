"""Each font file is embedded once in a joined PDF (builders.pdf.fontjoin): the parts' font
dictionaries share one subset of it, which holds every glyph any part draws, as the file has it,
and is kept in the build's store."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pdf_helpers import Built, glyph_outline, page_texts

from builders.incremental import Entry, Store
from builders.pdf import fontjoin, truetype
from builders.pdf.fonts import FontSet
from builders.pdf.html import stylesheet
from builders.pdf.merge import PartPdf, merge
from builders.pdf.render import Renderer
from tests.conftest import load

OLD_SIZES = {"workbook": 800_124, "answer-key": 572_465}
"""The example's editions in A4, one subset of each font per part (before the parts shared them)."""


@pytest.fixture(params=["example_in_parts", "features", "example"])
def joined(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(f"{request.param}_pdf")


def cid_fonts(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Dictionary]]:
    """(name without the subset tag, CIDFont dictionary) of every font the pages draw with."""
    found = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType2":
            found[obj.objgen] = (str(obj.BaseFont).split("+", 1)[-1], obj)
    return list(found.values())


def widths_cids(cid_font: pikepdf.Dictionary) -> set[int]:
    cids, widths, i = set(), list(cid_font.W), 0
    while i < len(widths):
        if isinstance(widths[i + 1], pikepdf.Array):
            cids.update(range(int(widths[i]), int(widths[i]) + len(widths[i + 1])))
            i += 2
        else:
            cids.update(range(int(widths[i]), int(widths[i + 1]) + 1))
            i += 3
    return cids


def test_each_font_file_is_embedded_once(joined: Built) -> None:
    """One program per face and one per font file: the bundled sans is drawn regular, bold and
    oblique from one file, so its three faces share one program; each program has one tag."""
    for edition, path in joined.files.items():
        with pikepdf.open(path) as pdf:
            programs: dict[str, set] = defaultdict(set)
            tags: dict[tuple, set] = defaultdict(set)
            for name, cid_font in cid_fonts(pdf):
                program = cid_font.FontDescriptor.FontFile2
                programs[name].add(program.objgen)
                tags[program.objgen].add(str(cid_font.BaseFont)[1:7])
                assert str(cid_font.FontDescriptor.FontName) == str(cid_font.BaseFont)
            assert programs and all(len(found) == 1 for found in programs.values()), (edition, programs)
            assert len(set().union(*programs.values())) <= len(FontSet(joined.course.pdf.fonts).programs())
            assert all(len(found) == 1 for found in tags.values()), tags


def test_the_example_is_much_smaller(example_in_parts_pdf: Built) -> None:
    for edition, old in OLD_SIZES.items():
        size = example_in_parts_pdf.files[edition].stat().st_size
        assert size < 0.8 * old, (edition, size, old)


def test_the_shared_font_holds_every_glyph_a_part_draws(joined: Built) -> None:
    """Every glyph id in a ``/W`` is drawn by the shared program as the original file draws it."""
    originals = {}
    for data in FontSet(joined.course.pdf.fonts).programs():
        font = TTFont(io.BytesIO(data))
        originals[font["name"].getDebugName(6)] = font
    for path in joined.files.values():
        with pikepdf.open(path) as pdf:
            checked: dict[tuple, TTFont] = {}
            for _name, cid_font in cid_fonts(pdf):
                program = cid_font.FontDescriptor.FontFile2
                if program.objgen not in checked:
                    checked[program.objgen] = TTFont(io.BytesIO(program.read_bytes()))
                font = checked[program.objgen]
                original = originals[font["name"].getDebugName(6)]
                for gid in widths_cids(cid_font):
                    if gid < len(original.getGlyphOrder()):  # beyond: .notdef for a character no font has
                        assert glyph_outline(font, gid) == glyph_outline(original, gid), (cid_font.BaseFont, gid)


def test_a_program_of_other_glyphs_is_not_shared() -> None:
    """A subset whose names match a file's but whose glyphs do not, or that two files could have
    made, keeps its program."""
    data = FontSet().programs()[3]
    originals = fontjoin.Originals([data])
    made = truetype.parse(truetype.subset(originals.fonts[0], range(36, 60), False))
    assert originals.match(made, frozenset(range(36, 60))) == 0
    changed = bytearray(made.data)
    hmtx = truetype.tables(made.data)[b"hmtx"][0]
    changed[hmtx + 4 * 40] ^= 1  # the advance of glyph 40
    assert originals.match(truetype.parse(bytes(changed)), frozenset(range(36, 60))) is None
    assert originals.match(truetype.parse(bytes(changed)), frozenset(range(36, 40))) == 0, "glyph 40 unused"
    assert fontjoin.Originals([data, data]).match(made, frozenset(range(36, 60))) == 0, "the same file twice"
    other = truetype.parse(FontSet().programs()[0])
    assert originals.match(other, frozenset(range(36, 60))) is None


@pytest.fixture(scope="module")
def two_parts(example_course: Path) -> list[PartPdf]:
    """Two small parts set in the example's stylesheet, each with its own subsets of the fonts."""
    course = load(example_course)
    with Renderer(course.media, stylesheet(course, "workbook", "A4"), fonts=FontSet()) as renderer:
        return [PartPdf(renderer.pdf(renderer.layout(
            f'<!DOCTYPE html><html lang="en"><body><h1>{title}</h1><p>{text} <b>bold</b> <i>italic</i></p></body></html>')), 1)
            for title, text in (("Alliances", "Delian League, 478 BC"), ("Treaties", "Westphalia — 1648 (Münster)"))]


def test_a_shared_program_comes_from_the_store(two_parts: list[PartPdf], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The second join of the same parts makes no subset, and writes the same bytes as a join
    without a store."""
    store = Store(tmp_path / "store")
    merge(two_parts, tmp_path / "cold.pdf", fonts=fontjoin.Originals(FontSet().programs(), store))
    merge(two_parts, tmp_path / "none.pdf", fonts=fontjoin.Originals(FontSet().programs()))
    made = len(list((tmp_path / "store").iterdir()))
    assert made >= 3, "a program for each file the parts draw with"

    def no_subset(*args: object) -> bytes:
        raise AssertionError("subset made again")

    monkeypatch.setattr(fontjoin, "subset", no_subset)
    merge(two_parts, tmp_path / "warm.pdf", fonts=fontjoin.Originals(FontSet().programs(), store))
    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes() \
        == (tmp_path / "none.pdf").read_bytes()
    assert len(list((tmp_path / "store").iterdir())) == made
    merge(two_parts, tmp_path / "apart.pdf")
    assert page_texts(tmp_path / "warm.pdf") == page_texts(tmp_path / "apart.pdf")
    assert (tmp_path / "warm.pdf").stat().st_size < (tmp_path / "apart.pdf").stat().st_size


def test_the_glyphs_a_font_draws_are_read_from_its_widths() -> None:
    widths = pikepdf.Array([3, pikepdf.Array([318]), 11, pikepdf.Array([390, 390.5]), 20, 22, 500])
    assert fontjoin._cids(widths.unparse()) == {3, 11, 12, 20, 21, 22}
    assert fontjoin._cids(pikepdf.Array([1, 2]).unparse()) == frozenset(), "not whole: no glyph is known"


FACTS = "the edition's font facts"


def join(parts: list[PartPdf], target: Path, store: Store | None) -> bytes:
    merge(parts, target, fonts=fontjoin.Originals(FontSet().programs(), store), facts=FACTS)
    return target.read_bytes()


def test_a_join_of_parts_joined_before_parses_no_program(two_parts: list[PartPdf], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """What each font dictionary's program was found to be is kept in one entry: the next join
    of the same parts neither parses nor matches a program, nor reads a ``/W``, and writes the
    same bytes as a join without a store."""
    store = Store(tmp_path / "store")
    cold = join(two_parts, tmp_path / "cold.pdf", store)
    assert store.get(FACTS) is not None
    none = join(two_parts, tmp_path / "none.pdf", None)
    originals = fontjoin.Originals(FontSet().programs(), store)  # parses the files themselves

    def not_again(*args: object) -> object:
        raise AssertionError("found again")

    for name in ("parse", "_cids", "_find"):
        monkeypatch.setattr(fontjoin, name, not_again)
    monkeypatch.setattr(fontjoin.Originals, "match", not_again)
    merge(two_parts, tmp_path / "warm.pdf", fonts=originals, facts=FACTS)
    assert (tmp_path / "warm.pdf").read_bytes() == cold == none


def test_a_warm_join_writes_no_entry(two_parts: list[PartPdf], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "store")
    join(two_parts, tmp_path / "cold.pdf", store)
    written: list[str] = []
    monkeypatch.setattr(Store, "put", lambda self, name, entry: written.append(name))
    join(two_parts, tmp_path / "warm.pdf", store)
    assert written == []
    join(two_parts, tmp_path / "forced.pdf", Store(tmp_path / "store", reuse=False))
    assert written.count(FACTS) == 1, "--force: found again, and kept"


def damaged(facts: dict, how: str) -> object:
    """``facts`` (an entry's, by key of a font dictionary) damaged ``how``."""
    first = next(key for key, value in facts.items() if value is not None)
    changes = {
        "index out of range": lambda value: [99, *value[1:]],
        "negative index": lambda value: [-1, *value[1:]],
        "index a bool": lambda value: [value[0] == 0, *value[1:]],
        "a field missing": lambda value: value[:3],
        "whole not a bool": lambda value: [value[0], "no", *value[2:]],
        "glyphs as strings": lambda value: [*value[:3], [str(gid) for gid in value[3]]],
        "glyphs not in order": lambda value: [*value[:3], value[3][::-1]],
        "no glyphs": lambda value: [*value[:3], []],
        "a glyph negative": lambda value: [*value[:3], [-1, *value[3]]],
        "not a list": lambda value: {"index": value[0]},
    }
    if how == "not a dict":
        return list(facts)
    return {**facts, first: changes[how](facts[first])}


@pytest.mark.parametrize("how", ["index out of range", "negative index", "index a bool", "a field missing",
                                 "whole not a bool", "glyphs as strings", "glyphs not in order", "no glyphs",
                                 "a glyph negative", "not a list", "not a dict", "not JSON"])
def test_damaged_facts_are_found_again(two_parts: list[PartPdf], tmp_path: Path, how: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry not as a join writes it is ignored as a whole: the join finds everything again,
    writes the bytes it writes without it, and keeps what it found instead."""
    found: list[object] = []
    find = fontjoin._find
    monkeypatch.setattr(fontjoin, "_find", lambda *args: found.append(args) or find(*args))
    store = Store(tmp_path / "store")
    cold = join(two_parts, tmp_path / "cold.pdf", store)
    good, cold_found = store.get(FACTS), len(found)
    assert good is not None and len(good.meta["facts"]) >= 3
    if how == "not JSON":
        raw = store.path(FACTS).read_bytes()
        store.path(FACTS).write_bytes(raw.replace(b'"facts"', b"'facts'"))
    else:
        store.put(FACTS, Entry({"facts": damaged(good.meta["facts"], how)}))
    assert join(two_parts, tmp_path / "again.pdf", store) == cold
    assert len(found) == 2 * cold_found, "every font dictionary found again"
    assert store.get(FACTS) == good


def test_the_key_of_a_font_dictionarys_facts() -> None:
    """It holds the program as stored and its filters, and the widths; a filter that refers to
    another object gives none (its unparsed form would not hold what it refers to)."""
    pdf = pikepdf.new()

    def use(data: bytes, **fields: object) -> fontjoin._Use:
        program = pdf.make_indirect(pikepdf.Stream(pdf, data, **fields))
        empty = pikepdf.Dictionary()
        return fontjoin._Use(empty, empty, empty, program, pikepdf.Array([1, pikepdf.Array([500])]))

    def key(item: fontjoin._Use, widths: bytes = b"[ 1 [ 500 ] ]", context: str = "c") -> str | None:
        return fontjoin._use_key(context, item, widths)

    plain = use(b"x", Filter=pikepdf.Name.FlateDecode)
    assert key(plain) == key(use(b"x", Filter=pikepdf.Name.FlateDecode)) is not None
    others = [key(plain, b"[ 1 [ 501 ] ]"), key(plain, context="d"), key(use(b"y", Filter=pikepdf.Name.FlateDecode)),
              key(use(b"x")), key(use(b"x", Filter=pikepdf.Name.FlateDecode, DecodeParms=pikepdf.Dictionary(Predictor=2)))]
    assert len({key(plain), *others}) == 6
    assert key(use(b"x", Filter=pdf.make_indirect(pikepdf.Name.FlateDecode))) is None
    assert key(use(b"x", Filter=pikepdf.Array([pdf.make_indirect(pikepdf.Name.FlateDecode)]))) is None
