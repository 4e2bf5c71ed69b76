"""The course's XHTML fragments -> the HTML a question bank holds, with its images listed.

A bank question stands alone: links into the book (``href="#..."``) have nowhere to go, so they
become their text; the blank of a fill-in prompt becomes a line of underscores (or, in QTI, the
text-entry box); each ``<img src="media/...">`` is handed to the format, which says where the
file goes (``@@PLUGINFILE@@`` in Moodle XML, a file in the QTI package, nowhere in GIFT).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ..shared.xhtml import to_xhtml

BLANK = "_____"
"""What Moodle itself writes for a missing word (qformat_gift: "_____")."""


@dataclass(frozen=True)
class Html:
    text: str
    """The fragment as HTML (every element closed, ``&``/``<``/``>`` escaped)."""
    images: tuple[str, ...]
    """Keys of ``Course.media`` the fragment shows, in order."""


def images_in(fragment: str) -> tuple[str, ...]:
    if "<img" not in fragment:
        return ()
    return tuple(dict.fromkeys(str(img.get("src")) for img in to_xhtml(fragment).iter("img") if img.get("src")))


def tree(fragment: str, blank: Callable[[etree._Element], None] | None = None) -> etree._Element:
    """The fragment in a ``<div>``: book links unwrapped, the blank replaced by ``blank``."""
    div = to_xhtml(fragment)
    for link in list(div.iter("a")):
        if (link.get("href") or "").startswith("#"):
            _unwrap(link)
    for span in list(div.iter("span")):
        if "blank" in (span.get("class") or "").split():
            if blank is None:
                _replace_with_text(span, BLANK)
            else:
                blank(span)
    return div


def html(fragment: str, src_for: Callable[[str], str | None]) -> Html:
    """``src_for(key)`` gives an image's new address; None drops the image, keeping its alt text."""
    if not fragment:
        return Html("", ())
    div = tree(fragment)
    shown = []
    for img in list(div.iter("img")):
        key = img.get("src") or ""
        new = src_for(key)
        shown.append(key)
        if new is None:
            _replace_with_text(img, img.get("alt") or "")
        else:
            img.set("src", new)
    return Html(inner_html(div), tuple(dict.fromkeys(shown)))


def inner_html(div: etree._Element) -> str:
    """The children of ``div`` as HTML; ``]]>`` never appears, so the text fits one CDATA section."""
    parts = [_escape(div.text or "")]
    parts += [etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in div]
    return "".join(parts).replace("]]>", "]]&gt;").strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unwrap(element: etree._Element) -> None:
    """Put an element's text and children in its place."""
    parent = element.getparent()
    index = parent.index(element)
    _append_text(parent, index, element.text or "")
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    count = len(element)
    last = parent[index + count - 1] if count else None
    tail = element.tail or ""
    parent.remove(element)
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        _append_text(parent, index, tail)


def _replace_with_text(element: etree._Element, text: str) -> None:
    parent = element.getparent()
    index = parent.index(element)
    tail = element.tail or ""
    parent.remove(element)
    _append_text(parent, index, text + tail)


def _append_text(parent: etree._Element, index: int, text: str) -> None:
    """Add text where child ``index`` starts (to the previous sibling's tail, or the parent's text)."""
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
