"""Helpers over the course model's XHTML fragments (see :mod:`builders.model`), for every stage.

The source stage writes the fragments; the outputs read and relink them. Both use these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from lxml import etree
from lxml import html as lxml_html

_HREF_RE = re.compile(r'href="#([^"]+)"')


def to_xhtml(html_text: str) -> etree._Element:
    """Parse an (already sanitised) HTML fragment into a ``<div>`` holding it."""
    return lxml_html.fragment_fromstring(html_text or "", create_parent="div")


def serialize(div: etree._Element) -> str:
    """The children of a ``<div>`` as an XHTML string (the div itself left out)."""
    text = etree.tostring(div, encoding="unicode", method="xml")
    start = text.find(">") + 1
    if text.endswith("/>"):
        return ""
    return text[start: text.rfind("</div>")].strip()


def plain_text(fragment: str) -> str:
    """The text of an XHTML fragment, whitespace collapsed."""
    if "<" not in fragment:
        return " ".join(unescape(fragment).split())
    div = to_xhtml(fragment)
    for math in list(div.iter("math")):  # a formula reads as its TeX, not its glyphs run together
        spoken = etree.Element("span")
        spoken.text, spoken.tail = math.get("alttext", ""), math.tail
        math.getparent().replace(math, spoken)
    return " ".join(div.text_content().split())


def relink(fragment: str, href_for: Callable[[str], str]) -> str:
    """Rewrite every ``href="#id"`` with ``href_for(id)`` (for outputs made of several files)."""
    return _HREF_RE.sub(lambda m: f'href="{escape(href_for(m.group(1)))}"', fragment)
