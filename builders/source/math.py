"""TeX between dollars (``$x$``, ``$$x$$``) -> MathML with the TeX as ``alttext``.

markdown-it's dollarmath plugin finds the formulas; :func:`prepare` converts each one before
rendering (a formula the converter cannot read is reported with its line), the render rules
leave a slot for it, and :func:`fill` puts the MathML in once the HTML is sanitised (the
sanitiser knows nothing of MathML, and the converter's output is trusted markup).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

SLOT_CLASS = "cp-math-slot"
"""Placeholder class the render rules write and :func:`fill` replaces."""
MATH_TYPES = ("math_inline", "math_block")
_UNKNOWN_COMMAND = re.compile(r"<m[io][^>]*>(\\[A-Za-z]+)</m[io]>")
_LINE_BREAK = re.compile(r"\s*\n\s*")


class MathError(ValueError):
    """TeX the converter cannot turn into MathML; the message says why."""


def use(md: MarkdownIt) -> None:
    """Dollar math, with the rules that keep prices ('$5 and $10') and '\\$' as text."""
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False,
           allow_blank_lines=False)
    md.add_render_rule("math_inline", _slot)
    md.add_render_rule("math_block", _slot)


def to_mathml(tex: str, display: bool) -> str:
    """One formula as a ``<math>`` element (MathML namespace, ``alttext`` = the TeX)."""
    tex = _LINE_BREAK.sub(" ", tex.strip())
    if not tex:
        raise MathError("empty formula: write TeX between the dollar signs, e.g. $x^2$")
    if _unbalanced(tex):
        raise MathError(f"cannot read the formula '{tex}': its braces {{ }} do not pair up")
    # imported here, not at the top: a course without formulas never loads the converter
    from latex2mathml.converter import convert

    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds, most without a message
        raise MathError(f"cannot read the formula '{tex}': {_reason(exc)}") from exc
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathError(f"cannot read the formula '{tex}': unknown command {unknown.group(1)}")
    try:
        element = etree.fromstring(mathml)
    except etree.XMLSyntaxError as exc:  # a bare & (a column break outside a table) comes out raw
        hint = "write \\& for an ampersand (a bare & separates the columns of a table)" if "&" in tex else str(exc)
        raise MathError(f"cannot read the formula '{tex}': {hint}") from exc
    _check_arguments(element, tex)
    element.set("alttext", tex)
    return etree.tostring(element, encoding="unicode")


_ARGUMENTS = {
    "mfrac": (2, "a fraction needs two arguments in braces, e.g. \\frac{a}{b}"),
    "mroot": (2, "a root needs its index and its argument, e.g. \\sqrt[3]{x}"),
    "msub": (2, "a _ has nothing before or after it"),
    "msup": (2, "a ^ has nothing before or after it"),
    "msubsup": (3, "a _ or ^ has nothing before or after it"),
    "munder": (2, "an accent or limit has nothing to go under"),
    "mover": (2, "an accent or limit has nothing to go over"),
    "munderover": (3, "an accent or limit has nothing to go under or over"),
}
"""MathML elements with a fixed number of arguments, none empty: the converter lets ``\\frac{a}``
and ``\\frac{}{}`` through, which the PDF's formula renderer cannot draw."""
_REASONS = {
    "NoAvailableTokensError": "it ends too early (an argument in braces is missing)",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "MissingEndError": "a \\begin{...} has no \\end{...}",
    "DenominatorNotFoundError": "a fraction has no denominator",
    "ExtraLeftOrMissingRightError": "a \\left has no \\right",
    "InvalidAlignmentError": "a column alignment is not valid",
}


def _check_arguments(element: etree._Element, tex: str) -> None:
    """Missing or empty arguments, which the converter lets through and no renderer can draw."""
    if not "".join(element.itertext()).strip():
        raise MathError(f"cannot read the formula '{tex}': it shows nothing")
    for part in list(element.iter()):
        name = etree.QName(part).localname
        if name == "mtext" and not (part.text or "").strip():
            part.getparent().remove(part)  # \text{} adds nothing
            continue
        if name == "mtable" and not "".join(part.itertext()).strip():
            raise MathError(f"cannot read the formula '{tex}': a \\begin{{...}} ... \\end{{...}} holds nothing")
        wanted = _ARGUMENTS.get(name)
        if wanted and (len(part) != wanted[0] or any(not "".join(arg.itertext()).strip() for arg in part)):
            raise MathError(f"cannot read the formula '{tex}': {wanted[1]}")


def _unbalanced(tex: str) -> bool:
    depth = 0
    for brace in re.findall(r"\\\\|\\[{}]|[{}]", tex):
        if brace in ("{", "}"):
            depth += 1 if brace == "{" else -1
            if depth < 0:
                return True
    return depth != 0


def _reason(exc: Exception) -> str:
    if type(exc).__name__ in _REASONS:
        return _REASONS[type(exc).__name__]
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower().removesuffix(" error")
    detail = str(exc).strip()
    return f"{name} ({detail})" if detail else name


def prepare(tokens: list[Token], report: Callable[[str, Token, str], None]) -> list[str]:
    """Convert every formula of the token stream; returns their MathML by slot number.

    ``report(message, block, tex)`` is called for each formula that cannot be converted
    (``block``: the block token that holds it, for its line)."""
    formulas: list[str] = []
    for block in tokens:
        for token in [block, *(block.children or [])]:
            if token.type not in MATH_TYPES:
                continue
            try:
                formulas.append(to_mathml(token.content, token.type == "math_block"))
            except MathError as exc:
                report(str(exc), block, token.content.strip().split("\n")[0])
                formulas.append("")
            token.meta["slot"] = len(formulas) - 1
    return formulas


def _slot(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it signature
    token = tokens[idx]
    n = token.meta.get("slot", -1)
    if token.type == "math_block":
        return f'<div class="{SLOT_CLASS}" title="{n}"></div>\n'
    return f'<span class="{SLOT_CLASS}" title="{n}"></span>'


def fill(div: etree._Element, formulas: list[str]) -> None:
    """Replace the slots of a sanitised fragment by their MathML (display math in a
    ``<div class="math-display">``); a slot without a formula is removed."""
    for slot in list(div.iterfind(f'.//*[@class="{SLOT_CLASS}"]')):
        index = int(slot.get("title", "-1")) if (slot.get("title") or "").isdigit() else -1
        mathml = formulas[index] if 0 <= index < len(formulas) else ""
        math = lxml_html.fragment_fromstring(mathml) if mathml else None
        if slot.tag == "div":
            del slot.attrib["title"]
            slot.set("class", "math-display")
            if math is not None:
                slot.append(math)
            continue
        if math is None:
            _drop(slot)
            continue
        math.tail = slot.tail
        slot.getparent().replace(slot, math)


def _drop(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)
