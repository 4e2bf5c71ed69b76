"""Callout boxes: ``::: KIND optional title`` ... ``:::`` -> a labelled box in the fragment.

Parsed with mdit-py-plugins' container plugin (one container, ``callout``, that takes every
``:::`` line, so a misspelt kind is reported instead of printed as text). :func:`check` reports
unknown kinds and unclosed boxes with their line; the render rules write the box; :func:`finish`
names each box by its visible title (``aria-labelledby``, which the sanitiser would not let
through). The kinds and their markup:

- ``note``, ``tip``, ``warning``: ``<aside role="note">`` (a tip: ``role="doc-tip"``);
- ``example``: ``<section role="doc-example">``;
- ``key-takeaways``, ``activity``: ``<section>`` (a region, named by its title);
- ``primary-source``: ``<section>`` holding a ``<blockquote>`` and the attribution in ``<cite>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from .fields import suggestion

KINDS = ("note", "tip", "warning", "example", "key-takeaways", "primary-source", "activity")
STRING_KEYS = {kind: "callout_" + kind.replace("-", "_") for kind in KINDS}
"""Kind -> the field of :class:`builders.model.Strings` that holds its heading."""
_OPEN, _CLOSE = "container_callout_open", "container_callout_close"
_ELEMENT = {"note": "aside", "tip": "aside", "warning": "aside"}
_ROLE = {"note": "note", "tip": "doc-tip", "warning": "note", "example": "doc-example"}


def use(md: MarkdownIt) -> None:
    md.use(container_plugin, name="callout", marker=":", validate=lambda params, markup: True)
    md.add_render_rule(_OPEN, _open)
    md.add_render_rule(_CLOSE, _close)


def split_info(info: str) -> tuple[str, str]:
    """``"example The Delian League"`` -> ``("example", "The Delian League")``."""
    kind, _, title = info.strip().partition(" ")
    return kind, title.strip()


def check(tokens: Sequence[Token], lines: Sequence[str], report: Callable[[int, str], None]) -> None:
    """Report unknown kinds and boxes without their closing ``:::`` (``report(0-based line, message)``)."""
    for token in tokens:
        if token.type != _OPEN or not token.map:
            continue
        start, end = token.map
        kind, _ = split_info(token.info)
        if not kind:
            report(start, f"a callout box needs a kind after ':::' ({', '.join(KINDS)})")
        elif kind not in KINDS:
            hint = suggestion(kind, KINDS) or f" (kinds: {', '.join(KINDS)})"
            report(start, f"unknown callout kind '{kind}'{hint}")
        if end >= len(lines) or not _is_closing(lines[end]):
            report(start, f"callout box '{kind or ':::'}' is not closed: end it with a line ':::'")


def _is_closing(line: str) -> bool:
    text = line.strip()
    return len(text) >= 3 and set(text) == {":"}


def _open(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it signature
    kind, title = split_info(tokens[idx].info)
    kind = kind if kind in KINDS else "note"
    labels: Mapping[str, str] = env.get("callout_labels", {})
    heading = escape(labels.get(kind, kind.replace("-", " ").capitalize()))
    env["callouts"] = number = env.get("callouts", 0) + 1
    lesson = env.get("lesson_id")
    box_id = f' id="{lesson}--callout{number}"' if lesson else ""
    title_id = f' id="{lesson}--callout{number}-title"' if lesson else ""
    element = _ELEMENT.get(kind, "section")
    role = f' role="{_ROLE[kind]}"' if kind in _ROLE else ""
    label = "" if lesson else f' aria-label="{heading}"'
    shown = heading if kind == "primary-source" or not title else f"{heading}: {escape(title)}"
    tokens[idx].meta["callout"] = (kind, title, element)
    opening = f'<{element} class="callout callout-{kind}"{box_id}{role}{label}>\n'
    opening += f'<p class="callout-title"{title_id}>{shown}</p>\n'
    return opening + ("<blockquote>\n" if kind == "primary-source" else "")


def _close(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    opening = _opening(tokens, idx)
    kind, title, element = opening.meta.get("callout", ("note", "", "aside"))
    closing = ""
    if kind == "primary-source":
        closing = "</blockquote>\n"
        if title:
            closing += f'<p class="callout-attribution">— <cite>{escape(title)}</cite></p>\n'
    return closing + f"</{element}>\n"


def _opening(tokens: Sequence[Token], idx: int) -> Token:
    depth = 0
    for token in reversed(tokens[:idx]):
        if token.type == _CLOSE:
            depth += 1
        elif token.type == _OPEN:
            if depth == 0:
                return token
            depth -= 1
    return tokens[idx]


def finish(div: etree._Element) -> None:
    """Name each box by its title (``aria-labelledby``) once the fragment is sanitised."""
    for box in div.iter():
        if not isinstance(box.tag, str) or "callout" not in (box.get("class") or "").split():
            continue
        title = box.find('p[@class="callout-title"]')
        if title is not None and title.get("id") and box.get("id"):
            box.set("aria-labelledby", title.get("id"))
