"""A rendered XHTML document -> the same document with EPUB semantics, as bytes.

The model marks meaning with ARIA roles and classes; EPUB reading systems look for
``epub:type``. This module parses one document rendered from templates/epub/, and:
turns the model's endnotes list into EPUB footnotes (``<aside epub:type="footnote"
role="doc-footnote">``, which reading systems show as pop-ups), types note references and
glossary links, keeps heading levels from skipping, and inserts the printed workbook's page
breaks. Every ``epub:type`` it adds carries its DPUB-ARIA role too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_HEADING = re.compile(r"^h([1-6])$")
_NOT_FLOW_PARENTS = {"ol", "ul", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup"}
"""Elements whose children cannot be a <span>."""
_ITEMS = {"li", "dt", "dd", "td", "th", "caption"}
"""Elements that can hold a <span> but whose parents cannot: a page break goes inside them."""


def x(tag: str) -> str:
    return f"{{{XHTML_NS}}}{tag}"


@dataclass(frozen=True)
class PageBreak:
    label: str
    id: str


def parse(xhtml: str) -> etree._Element:
    return etree.fromstring(xhtml.encode("utf-8"), _PARSER)


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)


def add_semantics(root: etree._Element) -> None:
    """Footnotes, note references, glossary links and heading levels, in place."""
    for section in root.iter(x("section")):
        if section.get("role") == "doc-endnotes":
            _footnotes(section)
    for box in root.iter(x("aside")):
        if box.get("role") == "doc-tip":
            box.set(EPUB_TYPE, "tip")
    for a in root.iter(x("a")):
        if a.get("role") == "doc-noteref":
            a.set(EPUB_TYPE, "noteref")
        elif "glossary-link" in (a.get("class") or "").split():
            a.set(EPUB_TYPE, "glossref")
            a.set("role", "doc-glossref")
    fix_heading_levels(root)


def _footnotes(section: etree._Element) -> None:
    """``<section role=doc-endnotes><ol><li role=doc-endnote>`` -> footnote asides in the section."""
    del section.attrib["role"]
    for ol in section.findall(x("ol")):
        position = section.index(ol)
        for number, li in enumerate(ol.findall(x("li")), start=1):
            aside = etree.Element(x("aside"), {"id": li.get("id", ""), "class": li.get("class") or "footnote"})
            aside.set(EPUB_TYPE, "footnote")
            aside.set("role", "doc-footnote")
            aside.text = li.text
            for child in li:
                aside.append(child)
            _number_note(aside, number)
            aside.tail = "\n"
            section.insert(position, aside)
            position += 1
        section.remove(ol)


def _number_note(aside: etree._Element, number: int) -> None:
    """Show the note's number, for reading systems that print footnotes in the text flow."""
    label = etree.Element(x("span"), {"class": "footnote-label"})
    label.text = f"{number}. "
    first = aside[0] if len(aside) and not (aside.text or "").strip() else None
    host = first if first is not None and first.tag == x("p") else aside
    label.tail = host.text
    host.text = None
    host.insert(0, label)


def fix_heading_levels(root: etree._Element) -> None:
    """Never skip a level going down (h1 then h3 becomes h1 then h2)."""
    previous = 0
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{XHTML_NS}}}h"):
            continue
        match = _HEADING.match(etree.QName(element).localname)
        if not match:
            continue
        level = min(int(match.group(1)), previous + 1)
        element.tag = x(f"h{level}")
        previous = level


def insert_page_breaks(root: etree._Element, pages: Mapping[str, str]) -> list[PageBreak]:
    """Put a page-break marker before each element whose id the page map names; returns them in
    document order (ids the document does not hold are left for the other documents)."""
    targets = [el for el in root.iter() if isinstance(el.tag, str) and el.get("id") in pages]
    ids_in_use = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    added = []
    for element in targets:
        label = pages[element.get("id")]
        marker_id = _unique(f"page-{_id_safe(label)}", ids_in_use)
        ids_in_use.add(marker_id)
        marker = etree.Element(x("span"), {"id": marker_id, "role": "doc-pagebreak", "aria-label": label})
        marker.set(EPUB_TYPE, "pagebreak")
        _place(marker, element)
        added.append(PageBreak(label, marker_id))
    return added


def _place(marker: etree._Element, element: etree._Element) -> None:
    """Put the marker just before ``element``; inside it when it is a list item or a cell (whose
    parent cannot hold a <span>); before the whole table when it is a row."""
    if etree.QName(element).localname in _ITEMS:
        marker.tail, element.text = element.text, None
        element.insert(0, marker)
        return
    target, parent = element, element.getparent()
    while parent is not None and etree.QName(parent).localname in _NOT_FLOW_PARENTS:
        target, parent = parent, parent.getparent()
    target.addprevious(marker)


def _id_safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-") or "x"


def _unique(candidate: str, taken: set[str]) -> str:
    base, n = candidate, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def manifest_properties(root: etree._Element) -> list[str]:
    """OPF manifest properties a content document needs (inline SVG or MathML)."""
    properties = []
    if next(root.iter(f"{{{MATHML_NS}}}math"), None) is not None:
        properties.append("mathml")
    if next(root.iter(f"{{{SVG_NS}}}svg"), None) is not None:
        properties.append("svg")
    return properties
