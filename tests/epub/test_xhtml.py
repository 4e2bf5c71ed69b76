"""Unit tests of the XHTML finishing pass (builders.epub.xhtml): page breaks and heading levels."""

from __future__ import annotations

from epubtools import NS
from lxml import etree

from builders.epub.xhtml import fix_heading_levels, insert_page_breaks, parse

PAGE = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<h1 id="a">A</h1><p id="p">Text <em id="inline">here</em> and more.</p>
<dl id="dl"><dt id="term">T</dt><dd>D</dd></dl>
<table id="t"><tbody><tr id="row"><td id="cell">1</td></tr></tbody></table>
<h3 id="deep">Deep</h3><h5 id="deeper">Deeper</h5><h2 id="back">Back</h2>
</body></html>"""


def markers(root: etree._Element) -> dict[str, etree._Element]:
    return {m.get("aria-label"): m for m in root.iterfind(".//x:span[@role='doc-pagebreak']", NS)}


def test_page_breaks_go_just_before_their_element_and_stay_valid() -> None:
    root = parse(PAGE)
    added = insert_page_breaks(root, {"a": "1", "inline": "2", "term": "3", "row": "4", "cell": "5", "absent": "6"})
    assert [(b.label, b.id) for b in added] == [("1", "page-1"), ("2", "page-2"), ("3", "page-3"), ("4", "page-4"),
                                                ("5", "page-5")]
    found = markers(root)
    assert found["1"].getnext().get("id") == "a"
    assert found["2"].getnext().get("id") == "inline" and found["2"].getparent().get("id") == "p"
    assert "".join(root.find(".//x:p", NS).itertext()) == "Text here and more."
    assert found["3"].getparent().get("id") == "term"  # inside the <dt>: a <dl> cannot hold a <span>
    assert found["4"].getnext().get("id") == "t"  # before the table: a <tbody> cannot hold a <span>
    assert found["5"].getparent().get("id") == "cell"
    assert found["1"].get("{http://www.idpf.org/2007/ops}type") == "pagebreak"


def test_page_break_ids_never_clash() -> None:
    root = parse(PAGE.replace('id="p"', 'id="page-1"'))
    added = insert_page_breaks(root, {"a": "1", "term": "1"})
    assert [b.id for b in added] == ["page-1-2", "page-1-3"]


def test_heading_levels_never_skip() -> None:
    root = parse(PAGE)
    fix_heading_levels(root)
    levels = {h.get("id"): etree.QName(h).localname for h in root.iter() if h.get("id") in ("a", "deep", "deeper", "back")}
    assert levels == {"a": "h1", "deep": "h2", "deeper": "h3", "back": "h2"}
