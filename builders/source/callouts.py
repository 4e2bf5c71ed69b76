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


def check(tokens: Sequence[Token], lines: Sequence[str], first_line: int, report: Callable[[int, str], None]) -> None:
    """Report unknown kinds and boxes without their closing ``:::`` (``report(file line, message)``;
    ``first_line``: the file line of ``lines[0]``).

    A box opened inside a box with as many colons means the outer one was not closed (its
    content then ends at the inner box's ``:::``): that is reported at the outer box."""
    open_boxes: list[Token] = []
    for token in tokens:
        if token.type == _CLOSE and open_boxes:
            open_boxes.pop()
        if token.type != _OPEN or not token.map:
            continue
        start, end = token.map
        line = first_line + start
        kind, _ = split_info(token.info)
        if not kind:
            report(line, f"a line ':::' with no box open: start a box with '::: note' (kinds: {', '.join(KINDS)}) "
                         "or remove the line")
        elif kind not in KINDS:
            hint = suggestion(kind, KINDS) or f" (kinds: {', '.join(KINDS)})"
            report(line, f"unknown callout kind '{kind}'{hint}")
        outer = open_boxes[-1] if open_boxes else None
        open_boxes.append(token)
        if outer is not None and outer.markup == token.markup and outer.map:
            report(first_line + outer.map[0], (
                f"callout box '{split_info(outer.info)[0]}' is not closed before the box on line {line} opens: "
                f"end it with a line '{outer.markup}' (to put a box inside a box, open the outer one with "
                f"more colons, '{outer.markup}:')"))
        elif kind and (end >= len(lines) or not _is_closing(lines[end])):
            report(line, f"callout box '{kind or ':::'}' is not closed: end it with a line ':::'")


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
    """Name each box by its title (``aria-labelledby``) once the fragment is sanitised: a primary
    source by its heading and attribution; a box whose name an earlier box of the lesson already
    has gets a number (landmarks need distinct names: two untitled notes are "Note", "Note 2")."""
    seen: dict[str, int] = {}
    for box in div.iter():
        if not isinstance(box.tag, str) or "callout" not in (box.get("class") or "").split():
            continue
        title = box.find('p[@class="callout-title"]')
        if title is None or not title.get("id") or not box.get("id"):
            continue
        parts = [title]
        source = box.find('p[@class="callout-attribution"]')
        if source is not None:
            source.set("id", f"{box.get('id')}-source")
            parts.append(source)
        name = " ".join(" ".join(" ".join(part.itertext()).split()) for part in parts)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            box.set("aria-label", f"{name} {seen[name]}")
        else:
            box.set("aria-labelledby", " ".join(part.get("id") for part in parts))
