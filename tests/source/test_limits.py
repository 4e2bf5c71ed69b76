"""The source stage's limits and namespaces (issue 19): ids that cannot collide, Markdown depth
that never loses a question, the SVG allow-list and the image decoder on good and bad files.
Each bad class also has cases in tests/errors/ (exact messages) and tests/hardening/ (properties).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from builders.source import load_course, raster, svgcheck
from builders.source.markdown import Renderer
from builders.source.nesting import TooDeep
from tests.test_errors import make_course

L1 = "lessons/01-getting-started.md"


def test_a_heading_named_like_a_generated_id_keeps_its_own(tmp_path: Path) -> None:
    make_course({"replace": {L1: ["## One source, three outputs", "## B1\n\n[up](#b1) [note](#fn1)\n\n## Fn1"]}},
                tmp_path / "c")
    course, _ = load_course(tmp_path / "c")
    lesson = course.lessons[0]
    root = etree.fromstring(f"<div>{lesson.html}</div>")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    heading = root.find(".//h2[@id='getting-started--b1']")
    assert heading is not None and heading.text == "B1"
    assert root[0].get("id") == "getting-started--b.1"  # the first paragraph
    assert 'href="#getting-started--b1"' in lesson.html and 'href="#getting-started--fn1"' in lesson.html
    assert root.find(".//*[@id='getting-started--fn1']").tag == "h2"


def test_a_lesson_heading_and_a_glossary_term_never_share_an_id(tmp_path: Path) -> None:
    make_course({"replace": {
        L1: ["id: getting-started", "id: term"],
        "lessons/02-question-types.md": ["Every question has", "[See the balance heading](01-getting-started.md#balance). Every question has"],
        "glossary.yml": ["worksheet:", "balance: An even state.\nworksheet:"],
    }}, tmp_path / "c")
    (tmp_path / "c" / L1).write_text((tmp_path / "c" / L1).read_text().replace(
        "## Tables and lists", "## Balance\n\n[back](#balance) about balance.\n\n## Tables and lists"))
    course, _ = load_course(tmp_path / "c")
    term = next(e for e in course.glossary if e.term == "balance")
    assert term.id == "term.balance"
    assert course.anchor_owner("term--balance") == "term"
    assert 'href="#term--balance"' in course.lessons[0].html
    assert 'href="#term--balance"' in course.lessons[1].html
    assert '<h2 id="term--balance">Balance</h2>' in course.lessons[0].html


def test_a_deep_outline_within_the_limit_loses_no_question(tmp_path: Path) -> None:
    outline = "".join("  " * i + f"- level {i}\n" for i in range(14)) + "\n" + "> " * 29 + "deepest quote\n"
    make_course({"replace": {L1: ["## Tables and lists", outline + "\n## Tables and lists"]}}, tmp_path / "c")
    course, _ = load_course(tmp_path / "c")
    starter, _ = load_course(Path(__file__).resolve().parents[2] / "templates" / "new")
    assert len(course.questions) == len(starter.questions)
    assert "level 13" in course.lessons[0].html and "deepest quote" in course.lessons[0].html


@pytest.mark.parametrize("text", ["- x\n" + "".join("  " * i + "- x\n" for i in range(1, 20)) + "\nafter",
                                  "> " * 35 + "x\n\nafter", "1. " * 20 + "x"])
def test_markdown_past_the_limit_is_refused_not_cut(text: str) -> None:
    with pytest.raises(TooDeep):
        Renderer().block(text)


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
      'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">{}</svg>'


@pytest.mark.parametrize("body", [
    '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>'
    '<rect width="5" height="5" fill="url(#g)" style="stroke: rgb(1, 2, 3); stroke-width: calc(1px + 1px)"/>',
    '<style>/* a comment */ .a:not(.b) > rect { fill: url("#g"); font: bold 10px serif }</style>',
    '<g inkscape:label="Layer 1" inkscape:groupmode="layer"><use xlink:href="#a"/><text xml:space="preserve">x</text></g>',
    '<filter id="f"><feGaussianBlur stdDeviation="2"/></filter><circle r="2" filter="url(#f)" aria-hidden="true"/>',
])
def test_static_drawings_pass_the_svg_allow_list(body: str) -> None:
    assert svgcheck.problem(etree.fromstring(SVG.format(body))) is None


@pytest.mark.parametrize("body", [
    '<rect><set attributeName="href" to="javascript:alert(1)"/></rect>',
    '<animate attributeName="xlink:href" values="https://e.org/x"/>',
    '<animateMotion path="M0 0"/>', '<animateTransform attributeName="transform"/>',
    '<rect style="fill: \\75 rl(https://e.org/x)"/>', '<rect style="fill: u\\rl(https://e.org/x)"/>',
    '<rect style="fill:/**/url(https://e.org/x)"/>', '<style>@import "https://e.org/x.css";</style>',
    '<style>@font-face { font-family: x; src: url(x.woff) }</style>', '<rect fill="URL(https://e.org/x)"/>',
    '<rect style="fill: image-set(\'x.png\' 1x)"/>', '<rect style="behavior: url(#x)"/>',
    '<rect style="--x: url(https://e.org/x)"/>', '<use href="other.svg#a"/>', '<a href="https://e.org"><rect/></a>',
    '<image href="data:image/png;base64,AA=="/>', '<foreignObject/>', '<script/>', '<rect onload="x"/>',
    '<html:iframe xmlns:html="http://www.w3.org/1999/xhtml"/>', '<rect xlink:arcrole="x" formaction="x"/>',
])
def test_anything_that_runs_moves_or_fetches_fails_the_allow_list(body: str) -> None:
    assert svgcheck.problem(etree.fromstring(SVG.format(body))) is not None


def _image(fmt: str, **save: object) -> bytes:
    out = io.BytesIO()
    mode = "P" if fmt == "PNG" and save.pop("palette", False) else "RGB"
    Image.new(mode, (64, 48)).save(out, fmt, **save)
    return out.getvalue()


@pytest.mark.parametrize("data, media_type", [
    (_image("PNG"), "image/png"), (_image("PNG", palette=True), "image/png"), (_image("PNG", optimize=True), "image/png"),
    (_image("JPEG"), "image/jpeg"), (_image("JPEG", progressive=True), "image/jpeg"),
])
def test_ordinary_images_decode(data: bytes, media_type: str) -> None:
    assert raster.problem(data, media_type) is None


def test_a_damaged_jpeg_is_refused() -> None:
    data = bytearray(_image("JPEG"))
    data[len(data) // 2:] = b"\x00" * (len(data) - len(data) // 2)
    assert raster.problem(bytes(data), "image/jpeg") is not None


def test_a_damaged_image_is_refused_even_after_weasyprint_is_imported() -> None:
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process when imported."""
    import io

    import weasyprint  # noqa: F401
    from PIL import Image

    from builders.source import raster

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "PNG")
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    assert raster.problem(truncated, "image/png") is not None
