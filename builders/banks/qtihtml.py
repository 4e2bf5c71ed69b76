"""Course XHTML fragments -> content in the QTI 2.1 namespace (its XHTML subset).

QTI 2.1 item bodies allow a fixed set of XHTML elements and attributes; anything else in a
sanitised fragment (``figure``, ``mark``, ARIA roles ...) becomes a ``div`` or ``span``, keeping
its text. Images point into the package's ``media/`` folder.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from .html import tree

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INLINE = {"a", "abbr", "acronym", "b", "big", "br", "cite", "code", "dfn", "em", "i", "img", "kbd", "q",
          "samp", "small", "span", "strong", "sub", "sup", "tt", "var"}
BLOCK = {"address", "blockquote", "div", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol",
         "ul", "li", "p", "pre", "table", "caption", "col", "colgroup", "thead", "tbody", "tfoot", "tr",
         "th", "td"}
BLOCK_LIKE = {"figure", "figcaption", "section", "aside", "header", "footer", "nav", "article", "details",
              "summary", "main"}
ATTRIBUTES = {"img": {"src", "alt", "width", "height"}, "a": {"href"}, "q": {"cite"}, "blockquote": {"cite"},
              "th": {"scope", "rowspan", "colspan", "abbr"}, "td": {"rowspan", "colspan", "abbr"},
              "col": {"span"}, "colgroup": {"span"}, "ol": set(), "ul": set()}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def fill(target: etree._Element, fragment: str, src_for: Callable[[str], str],
         blank: Callable[[etree._Element], None] | None = None) -> list[str]:
    """Append the fragment's content to ``target``; returns the media keys it shows."""
    shown: list[str] = []
    if not fragment:
        return shown
    div = tree(fragment, blank)
    if div.text and len(target):
        target[-1].tail = (target[-1].tail or "") + div.text
    elif div.text:
        target.text = (target.text or "") + div.text
    for child in div:
        target.append(_convert(child, src_for, shown))
    return list(dict.fromkeys(shown))


def _convert(element: etree._Element, src_for: Callable[[str], str], shown: list[str]) -> etree._Element:
    if not isinstance(element.tag, str):  # a comment or processing instruction: keep only its tail
        out = etree.Element(q("span"))
        out.tail = element.tail
        return out
    if element.tag.startswith(f"{{{NS}}}"):  # already QTI (e.g. a text-entry interaction)
        return element
    tag = element.tag if element.tag in INLINE | BLOCK else ("div" if element.tag in BLOCK_LIKE else "span")
    out = etree.Element(q(tag))
    for name in ATTRIBUTES.get(tag, set()):
        if element.get(name) is not None:
            out.set(name, element.get(name))
    if element.get("class"):
        out.set("class", element.get("class"))
    if element.get("lang"):
        out.set(XML_LANG, element.get("lang"))
    if tag == "img":
        key = element.get("src") or ""
        shown.append(key)
        out.set("src", src_for(key))
        out.set("alt", element.get("alt") or "")
    out.text = element.text
    for child in element:
        out.append(_convert(child, src_for, shown))
    out.tail = element.tail
    return out
