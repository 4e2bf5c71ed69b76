"""Model XHTML fragments -> HTML ready for print (WeasyPrint parses it as HTML5).

In: a lesson body or an inline fragment from :mod:`builders.model`. Out: an HTML string where
each footnote reference has become the note itself, floated to the foot of its page
(``<span class="footnote">``, laid out with CSS ``float: footnote``), the end-of-lesson notes
list is gone, callout boxes written as ``<aside>`` become ``<section>`` (WeasyPrint tags an
aside as no structure at all, a section as /Sect), and links that lead nowhere on paper lose
their ``href``. Empty elements are
written as ``<span></span>``, never ``<span/>``, which an HTML5 parser would leave open.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from ..shared.xhtml import to_xhtml

_WEB_SCHEMES = ("#", "http:", "https:", "mailto:")
_BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "pre", "dl", "dt", "dd", "figure",
           "table", "section", "aside"}


def print_html(fragment: str) -> str:
    """A lesson body or an inline fragment, rewritten for the printed page."""
    if not fragment.strip():
        return ""
    div = to_xhtml(fragment)
    _float_footnotes(div)
    _section_callouts(div)
    _drop_dead_links(div)
    return _inner_html(div)


def _float_footnotes(div: etree._Element) -> None:
    notes = {li.get("id"): li for li in div.iterfind('.//li[@role="doc-endnote"]')}
    for ref in list(div.iterfind('.//a[@role="doc-noteref"]')):
        note = notes.pop((ref.get("href") or "")[1:], None)
        if note is None:
            continue
        call = ref.getparent() if ref.getparent().tag == "sup" else ref
        floated = _footnote(note)
        floated.tail = call.tail
        anchor = etree.Element("span", id=ref.get("id", ""), attrib={"class": "footnote-anchor"})
        call.getparent().replace(call, anchor)
        anchor.addnext(floated)
    for section in list(div.iterfind('.//*[@role="doc-endnotes"]')):
        _remove(section)


def _footnote(note: etree._Element) -> etree._Element:
    """The ``<li>`` of a note as one inline element (its paragraphs become block-level spans)."""
    for backlink in list(note.iterfind('.//a[@role="doc-backlink"]')):
        _remove(backlink, trim=True)
    floated = etree.Element("span", id=note.get("id", ""), attrib={"class": "footnote"})
    floated.text = note.text
    floated.extend(note)
    for element in floated.iterdescendants():
        if element.tag in _BLOCKS:
            element.set("class", f"fn-{element.tag} {element.get('class', '')}".strip())
            element.tag = "span"
    return floated


def _section_callouts(div: etree._Element) -> None:
    for box in div.iter("aside"):
        if "callout" in (box.get("class") or "").split():
            box.tag = "section"


def _drop_dead_links(div: etree._Element) -> None:
    for link in div.iter("a"):
        href = link.get("href")
        if href is not None and not href.startswith(_WEB_SCHEMES):
            del link.attrib["href"]


def _remove(element: etree._Element, *, trim: bool = False) -> None:
    """Remove an element but keep the text after it (``trim``: drop the spaces before it)."""
    parent, previous = element.getparent(), element.getprevious()
    tail = element.tail or ""
    if previous is not None:
        before = previous.tail or ""
        previous.tail = (before.rstrip() if trim else before) + tail
    else:
        before = parent.text or ""
        parent.text = (before.rstrip() if trim else before) + tail
    parent.remove(element)


def _inner_html(div: etree._Element) -> str:
    text = lxml_html.tostring(div, encoding="unicode", method="html")
    return text[text.find(">") + 1: text.rfind("</div>")].strip()
