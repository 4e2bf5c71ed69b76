"""TrueType subsets made from the font's bytes (builders.pdf.truetype), checked against
fontTools' subsetter: the same glyphs at the same ids, the same advances, the same characters."""

from __future__ import annotations

import io
import random

import pytest
from fontTools import subset as fonttools_subset
from fontTools.ttLib import TTFont
from pdf_helpers import glyph_outline

from builders.pdf import truetype
from builders.pdf.fonts import FontSet

KEPT = {"head", "hhea", "maxp", "OS/2", "hmtx", "cmap", "loca", "glyf", "name", "post", "gasp"}


@pytest.mark.parametrize("face", range(4))
def test_a_subset_draws_as_fonttools_subset_does(face: int) -> None:
    """Random glyphs (composites among them) of each bundled face: same glyphs, same advances,
    same characters, and fontTools reads the subset back whole."""
    data = FontSet().programs()[face]
    font = truetype.parse(data)
    rng = random.Random(face)
    for gids, notdef in ((set(range(3, 120)), False), (set(rng.sample(range(font.num_glyphs), 200)), True)):
        mine = TTFont(io.BytesIO(truetype.subset(font, gids, notdef)))
        theirs = TTFont(io.BytesIO(data))
        for tag in set(theirs.reader.tables) - KEPT:
            del theirs[tag]  # no layout tables: they would bring in more glyphs
        options = fonttools_subset.Options(retain_gids=True, hinting=False, notdef_outline=notdef, glyph_names=False)
        subsetter = fonttools_subset.Subsetter(options)
        subsetter.populate(gids=gids)
        subsetter.subset(theirs)
        saved = io.BytesIO()
        theirs.save(saved)
        theirs = TTFont(io.BytesIO(saved.getvalue()))
        count = mine["maxp"].numGlyphs
        assert count == theirs["maxp"].numGlyphs == max(gids) + 1
        assert [glyph_outline(mine, gid) for gid in range(count)] == [glyph_outline(theirs, gid) for gid in range(count)]
        assert {c: mine.getGlyphID(g) for c, g in mine.getBestCmap().items()} == \
            {c: theirs.getGlyphID(g) for c, g in theirs.getBestCmap().items()}
        assert mine["name"].getDebugName(6) == theirs["name"].getDebugName(6)
        mine.save(io.BytesIO())


def test_what_is_not_a_truetype_font_is_not_read() -> None:
    data = FontSet().programs()[0]
    assert truetype.parse(b"OTTO" + data[4:]) is None, "OpenType (CFF)"
    assert truetype.parse(data[:2000]) is None, "cut short"
    assert truetype.parse(b"") is None
    font = truetype.parse(data)
    assert font is not None and font.ps_name == b"DejaVuSerif" and not font.changed
