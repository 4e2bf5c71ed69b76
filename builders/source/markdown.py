"""Markdown (CommonMark + tables, footnotes, definition lists) -> sanitised XHTML fragments.

The one renderer all outputs share. Lesson rendering also pulls out the ```quiz fences, gives
headings course-unique ids, turns a paragraph holding only an image into a figure, checks and
rewrites image and link targets through callbacks of the loader, sanitises raw HTML with nh3 and
links each glossary term's first use. See :mod:`builders.model` for the fragment conventions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..model import Section
from ..shared import ids as id_of
from ..shared.xhtml import serialize, to_xhtml
from . import callouts, nesting
from . import math as tex_math

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var", "aside",
}
_ATTRS = {
    "*": {"id", "class", "lang", "dir", "title", "role", "aria-label", "aria-hidden"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "ol": {"start", "reversed"},
    "col": {"span"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
_BLANK_RE = re.compile(r"_{3,}")
_MARKUP_CHARS = re.compile(r"[*_`\[\]!<>&\\~|$]|https?:|www\.|  $", re.MULTILINE)
_BLOCK_START = re.compile(r"(?:[-+*>#=]|\d+[.)]|    |\t)")


def _is_plain(text: str) -> bool:
    """True when Markdown would render the text as itself (nothing to parse)."""
    return not _MARKUP_CHARS.search(text)

LinkHook = Callable[[str], "str | None"]
"""Checks a link target as written; returns it rewritten, or None (reported) to drop it."""
ErrorHook = Callable[[str], None]
"""Reports a problem (a formula that cannot be read) of a text whose position the caller knows."""


def _raise(line: int, message: str) -> None:
    raise ValueError(f"line {line}: {message}")


def sanitize(html_text: str, *, images: bool = True) -> str:
    """Keep only the allow-listed tags and attributes; scripts, styles and iframes never pass."""
    return nh3.clean(
        html_text,
        tags=_TAGS if images else _TAGS - {"img"},
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        filter_style_properties={"text-align"},
    )


def slugify(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-_")


@dataclass
class LessonHooks:
    """What the loader lends the renderer to check one lesson's references.

    Each callback gets the target as written and the 1-based line, reports problems itself,
    and returns the rewritten target or None (the element is then left out).
    """

    lesson_id: str
    first_line: int
    """File line of the first body line (after the front matter)."""
    image: Callable[[str, int], str | None]
    link: Callable[[str, int], str | None]
    missing_alt: Callable[[str, int], None]
    raw_image: Callable[[str, int], None]
    """Called for an <img> written as raw HTML (it is removed: it would bypass the checks)."""
    error: Callable[[int, str], None] = _raise
    """Reports a problem at a file line: a formula that cannot be read, a callout box of an
    unknown kind or without its closing line."""
    callout_labels: dict[str, str] = field(default_factory=dict)
    """Callout kind -> its heading in the course language."""


@dataclass
class RenderedLesson:
    html: str
    sections: list[Section]
    quizzes: list[tuple[str, int]]
    """The text of each ```quiz fence and the file line of its first YAML line."""
    ids: list[str] = field(default_factory=list)
    """Every id the fragment defines."""
    misplaced_quizzes: list[tuple[int, str]] = field(default_factory=list)
    """(file line, info string) of fences that look meant as quizzes but are not read as one:
    inside a list or a quote, or marked with a misspelt word such as ``Quiz``."""
    too_deep: int | None = None
    """0-based body line where Markdown nests too deeply to be read whole (see :mod:`.nesting`)."""


class Renderer:
    """Holds the configured markdown-it parser; one per process is enough."""

    def __init__(self) -> None:
        md = MarkdownIt("commonmark", {"xhtmlOut": True, "html": True, "maxNesting": nesting.MAX_LEVEL})
        md.enable(["table", "strikethrough"]).use(footnote_plugin).use(deflist_plugin)
        callouts.use(md)
        tex_math.use(md)
        # Every target reaches the loader's checks, which explain a refused one (file:, data:,
        # javascript:) instead of markdown-it silently printing the Markdown as text.
        md.validateLink = lambda url: True
        md.add_render_rule("footnote_ref", _footnote_ref)
        md.add_render_rule("footnote_block_open", _footnote_block_open)
        md.add_render_rule("footnote_open", _footnote_open)
        md.add_render_rule("footnote_anchor", _footnote_anchor)
        self.md = md

    def inline(self, text: str, link: LinkHook | None = None, error: ErrorHook | None = None) -> str:
        """One line of Markdown (a prompt, an option) -> sanitised inline XHTML.

        ``link`` checks and rewrites each link target before sanitising, as in lessons;
        ``error`` reports a formula that cannot be read."""
        if _is_plain(text):
            return escape(" ".join(text.split()), quote=False)
        env: dict = {}
        tokens = self.md.parseInline(text, env)
        _rewrite_links(tokens, link)
        return self._finish(tokens, env, error)

    def _finish(self, tokens: list[Token], env: dict, error: ErrorHook | None) -> str:
        """Render, sanitise (no images) and put the formulas in."""
        formulas = tex_math.prepare(tokens, lambda message, block, tex: (error or _ignore)(message))
        div = to_xhtml(sanitize(self.md.renderer.render(tokens, self.md.options, env), images=False))
        tex_math.fill(div, formulas)
        return serialize(div)

    def has_image(self, text: str) -> bool:
        """True when the Markdown holds an image (Markdown or raw HTML), which inline() drops."""
        if "![" not in text and "<img" not in text.lower():
            return False
        html = self.md.render(text)
        return "<img" in html.lower()

    def block(self, text: str, link: LinkHook | None = None, error: ErrorHook | None = None) -> str:
        """Block Markdown without lessons' extras (a glossary definition) -> sanitised XHTML.

        Raises :class:`~.nesting.TooDeep` rather than lose text nested too deeply."""
        if _is_plain(text) and "\n" not in text.strip() and not _BLOCK_START.match(text.strip()):
            return f"<p>{escape(text.strip(), quote=False)}</p>"
        env: dict = {}
        tokens = self.md.parse(text, env)
        nesting.check(tokens)
        _rewrite_links(tokens, link)
        return self._finish(tokens, env, error)

    def lesson(self, text: str, hooks: LessonHooks, notes_label: str) -> RenderedLesson:
        env: dict = {"lesson_id": hooks.lesson_id, "notes_label": notes_label,
                     "callout_labels": hooks.callout_labels}
        tokens = self.md.parse(text, env)
        too_deep = nesting.too_deep(tokens)
        quizzes, misplaced = _take_quizzes(tokens, hooks.first_line)
        lines = text.split("\n")
        callouts.check(tokens, lines, hooks.first_line, hooks.error)
        formulas = tex_math.prepare(tokens, lambda message, block, tex: hooks.error(
            _line_of(tex, block, lines, hooks.first_line), message))
        sections = _number_headings(tokens, hooks.lesson_id)
        checked = _check_targets(tokens, hooks, lines)
        tokens = _make_figures(tokens)
        body = sanitize(self.md.renderer.render(tokens, self.md.options, env))
        div = to_xhtml(body)
        tex_math.fill(div, formulas)
        callouts.finish(div)
        for img in list(div.iter("img")):
            if img.get("src") not in checked:
                src = img.get("src") or ""
                hooks.raw_image(src, _line_in_text(src, lines, hooks.first_line))
                img.drop_tree()
        for n, block in enumerate((el for el in div if isinstance(el.tag, str)), start=1):
            if not block.get("id"):
                block.set("id", id_of.block(hooks.lesson_id, n))
        for th in list(div.iter("th")):
            if not th.text_content().strip() and th.find(".//img") is None:
                th.tag = "td"  # an empty corner cell heads nothing (axe: empty-table-header)
                continue
            th.set("scope", "col" if th.getparent().getparent().tag == "thead" else "row")
        ids = [el.get("id") for el in div.iter() if el.get("id")]
        return RenderedLesson(serialize(div), sections, quizzes, ids=ids, misplaced_quizzes=misplaced,
                              too_deep=too_deep)


def _ignore(message: str) -> None:
    """Where no one asked to hear about unreadable formulas, they are left out silently."""


def _take_quizzes(tokens: list[Token], first_line: int) -> tuple[list[tuple[str, int]], list[tuple[int, str]]]:
    """Pull out the quiz fences: (text, line of its first YAML line) and the misplaced ones."""
    quizzes, misplaced = [], []
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        info = token.info.strip()
        line = first_line + token.map[0]
        if info == "quiz" and token.level == 0:
            quizzes.append((token.content, line + 1))
        elif info.split(" ")[0].lower().rstrip("zes") == "qui" or info == "quiz":
            misplaced.append((line, info))
    tokens[:] = [t for t in tokens if not (t.type == "fence" and t.info.strip() == "quiz")]
    return quizzes, misplaced


def _number_headings(tokens: list[Token], lesson_id: str) -> list[Section]:
    """Give headings ids, and levels below the lesson title that never skip one (h2, h3 ...)."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0
    seen: set[str] = set()
    sections: list[Section] = []
    previous = 1
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = min(6, int(token.tag[1]) + shift, previous + 1)
        previous = level
        token.tag = f"h{level}"
        _closing(tokens, i).tag = token.tag
        title = "".join(c.content for c in (tokens[i + 1].children or []) if c.type in ("text", "code_inline", "math_inline"))
        slug = slugify(title) or f"section-{len(sections) + 1}"
        base, n = slug, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        anchor = id_of.heading(lesson_id, slug)
        token.attrSet("id", anchor)
        sections.append(Section(anchor, title.strip(), level))
    return sections


def _closing(tokens: list[Token], opening: int) -> Token:
    return next(t for t in tokens[opening + 1:] if t.type == "heading_close")


def _line_of(needle: str, token: Token, lines: Sequence[str], first_line: int) -> int:
    start, end = token.map if token.map else (0, 0)
    for offset, line in enumerate(lines[start:end]):
        if needle in line:
            return first_line + start + offset
    return first_line + start


def _line_in_text(needle: str, lines: Sequence[str], first_line: int) -> int:
    for offset, line in enumerate(lines):
        if needle and needle in line:
            return first_line + offset
    return first_line


def _check_targets(tokens: list[Token], hooks: LessonHooks, lines: Sequence[str]) -> set[str]:
    """Check and rewrite image and link targets; returns the image sources that passed."""
    checked: set[str] = set()
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        for token in block.children:
            if token.type == "image":
                src = str(token.attrGet("src") or "")
                line = _line_of(src, block, lines, hooks.first_line)
                if not token.content.strip():
                    hooks.missing_alt(src, line)
                new_src = hooks.image(src, line) or ""
                checked.add(new_src)
                token.attrSet("src", new_src)
            elif token.type == "link_open":
                href = str(token.attrGet("href") or "")
                new = hooks.link(href, _line_of(href, block, lines, hooks.first_line))
                token.attrSet("href", new if new is not None else "#")
    return checked


def _rewrite_links(tokens: list[Token], link: LinkHook | None) -> None:
    if link is None:
        return
    for block in tokens:
        for token in block.children or []:
            if token.type == "link_open":
                new = link(str(token.attrGet("href") or ""))
                token.attrSet("href", new if new is not None else "#")


def _make_figures(tokens: list[Token]) -> list[Token]:
    """A paragraph that holds only an image becomes <figure> with its title as the caption."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        if (
            tokens[i].type == "paragraph_open"
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "inline"
            and _sole_image(tokens[i + 1])
        ):
            image = _sole_image(tokens[i + 1])
            assert image is not None
            figure = Token("html_block", "", 0)
            src, alt = escape(str(image.attrGet("src") or "")), escape(image.content)
            caption = image.attrGet("title")
            figure.content = (
                f'<figure class="figure"><img src="{src}" alt="{alt}" />'
                + (f"<figcaption>{escape(str(caption))}</figcaption>" if caption else "")
                + "</figure>\n"
            )
            out.append(figure)
            i += 3
            continue
        out.append(tokens[i])
        i += 1
    return out


def _sole_image(inline: Token) -> Token | None:
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


def _fn_id(tokens: Sequence[Token], idx: int) -> str:
    n = str(tokens[idx].meta["id"] + 1)
    return n


def _footnote_ref(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it signature
    n, lesson = _fn_id(tokens, idx), env["lesson_id"]
    sub = tokens[idx].meta.get("subId", -1)
    ref = id_of.footnote_ref(lesson, n, sub)
    return (
        f'<sup><a href="#{id_of.footnote(lesson, n)}" id="{ref}" class="footnote-ref" '
        f'role="doc-noteref">{n}</a></sup>'
    )


def _footnote_block_open(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    label = escape(env["notes_label"])
    return f'<section class="footnotes" role="doc-endnotes" aria-label="{label}">\n<ol>\n'


def _footnote_open(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    n, lesson = _fn_id(tokens, idx), env["lesson_id"]
    return f'<li id="{id_of.footnote(lesson, n)}" role="doc-endnote" class="footnote">'


def _footnote_anchor(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    n, lesson = _fn_id(tokens, idx), env["lesson_id"]
    sub = tokens[idx].meta.get("subId", -1)
    ref = id_of.footnote_ref(lesson, n, sub)
    return f' <a href="#{ref}" class="footnote-backref" role="doc-backlink">\u21a9</a>'


def fill_in_prompt(prompt_html: str) -> str:
    """Mark the blank of a fill-in prompt (``___``) as ``<span class="blank"></span>``."""
    blank = '<span class="blank"></span>'
    if _BLANK_RE.search(prompt_html):
        return _BLANK_RE.sub(blank, prompt_html, count=1)
    return f"{prompt_html} {blank}"
