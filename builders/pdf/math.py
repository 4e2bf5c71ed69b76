"""MathML in print HTML -> SVG images, since WeasyPrint does not lay out MathML.

In: the HTML of a part, whose formulas are ``<math alttext="TeX">`` elements (the model keeps
MathML, :mod:`builders.source.math`). Out: the same HTML where each formula is an ``<img>`` of an
SVG drawn by ziamath, with the TeX as its alt text (the tag tree's Figure carries it as /Alt),
sized in ``em`` so it follows the surrounding text and set on its baseline. The glyphs are
STIX Two Math, the math font ziamath ships: the workbook's text faces have no MATH table.
Each formula is drawn once per process, however many times the parts are laid out.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from html import escape, unescape

from ..diagnostics import BuildError

IMAGE_FOLDER = "math/"
"""Where the images live for the renderer's fetcher (:data:`DRAWN` serves them)."""
DRAWN: dict[str, bytes] = {}
"""File name (the hash of the MathML) -> the SVG, for every formula drawn in this process."""
SIZE_PX = 14.0
"""The size formulas are drawn at; only the ratio to it matters (images are sized in em)."""
_MATH_RE = re.compile(r"<math\b[^>]*>.*?</math>", re.DOTALL)
_ALT_RE = re.compile(r'\balttext="([^"]*)"')
_DISPLAY_RE = re.compile(r'\bdisplay="block"')
_SIZE_RE = re.compile(r'\bwidth="([-\d.e]+)" height="([-\d.e]+)"')


def formulas_as_images(html: str) -> str:
    """Every ``<math>`` of ``html`` replaced by its image."""
    if "<math" not in html:
        return html
    return _MATH_RE.sub(lambda m: _image(m.group(0)), html)


def _image(mathml: str) -> str:
    alt = _ALT_RE.search(mathml)
    tex = unescape(alt.group(1)) if alt else ""
    uri, width, height, baseline = _draw(mathml)
    kind = "math-block" if _DISPLAY_RE.search(mathml) else "math-inline"
    style = f"width: {width:.3f}em; height: {height:.3f}em; vertical-align: {baseline:.3f}em"
    return f'<img class="math {kind}" src="{uri}" alt="{escape(tex)}" style="{style}">'


@lru_cache(maxsize=4096)
def _draw(mathml: str) -> tuple[str, float, float, float]:
    """The formula's image URL, its width and height in em, and the baseline's offset."""
    import ziamath  # here: only a course with formulas pays for loading the math font

    try:
        math = ziamath.Math(mathml, size=SIZE_PX)
        svg = math.svg()
        width, height = (float(_SIZE_RE.search(svg, 0, svg.index(">")).group(n)) for n in (1, 2))
        baseline = (math.getyofst() - math.margin) / SIZE_PX
    except Exception as exc:  # ziamath raises many kinds on what it cannot draw
        tex = _ALT_RE.search(mathml)
        raise BuildError(f"pdf: cannot draw the formula '{unescape(tex.group(1)) if tex else mathml}': {exc}") from exc
    name = hashlib.sha256(mathml.encode("utf-8")).hexdigest()[:24] + ".svg"
    DRAWN[name] = svg.encode("utf-8")
    return IMAGE_FOLDER + name, width / SIZE_PX, height / SIZE_PX, baseline
