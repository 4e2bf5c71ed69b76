"""The HTML handed to WeasyPrint, checked without rendering (fast): answer spaces, shuffles, escaping."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

from builders.model import Course, Essay, Matching, Ordering
from builders.pdf.fragments import print_html
from builders.pdf.html import css_string, document_html, stylesheet
from builders.pdf.questions import view
from builders.pdf.render import BASE_URL, MemoryFetcher
from builders.shared.templating import templates_dir
from tests.conftest import load


@pytest.fixture(scope="module")
def features(all_features: Path) -> Course:
    return load(all_features)


def tree(course: Course, edition: str) -> HtmlElement:
    return lxml_html.document_fromstring(document_html(course, edition, "A4"))


def test_workbook_answer_spaces_are_empty(features: Course) -> None:
    doc = tree(features, "workbook")
    assert not doc.find_class("ticked")
    assert all(not (box.text_content().strip()) for box in doc.find_class("box"))
    assert all(not (blank.text_content().strip()) for blank in doc.find_class("blank"))
    assert not doc.find_class("explanation") and not doc.find_class("model-answer")
    assert not doc.xpath("//input | //textarea"), "the print workbook has no form fields"


def test_answer_spaces_are_sized_to_the_answer(features: Course) -> None:
    doc = tree(features, "workbook")
    for q in features.questions:
        item = doc.get_element_by_id(f"question.{q.id}")
        assert item.get("data-question-id") == q.id
        if isinstance(q, Essay):
            assert len(item.find_class("line")) == q.lines
        if isinstance(q, Matching):
            assert len(item.find_class("box")) == len(q.pairs)
        if isinstance(q, Ordering):
            assert len(item.find_class("box")) == len(q.items)
        if q.type == "fill-in":
            assert len(item.find_class("blank")) == 1
        if q.type in ("single", "multiple"):
            assert item.text_content().count("☐") == len(q.options)


def test_answer_key_fills_every_space(features: Course) -> None:
    doc = tree(features, "answer-key")
    strings = features.strings
    for q in features.questions:
        item = doc.get_element_by_id(f"question.{q.id}")
        shown = view(q, strings)
        assert doc.get_element_by_id(f"answer.{q.id}") is not None
        if q.type in ("single", "multiple", "true-false"):
            assert len(item.find_class("ticked")) == sum(row.correct for row in shown.rows)
        if q.type in ("matching", "ordering"):
            assert [b.text_content().strip() for b in item.find_class("box")] == [r.answer for r in shown.rows]
        if q.type == "numeric":
            assert item.find_class("box")[0].text_content().strip() == shown.answer
        if isinstance(q, Essay):
            assert item.find_class("model-answer") and not item.find_class("line")


def test_fillable_workbook_uses_form_fields(features: Course) -> None:
    doc = tree(features, "fillable")
    names = doc.xpath("//input/@name | //textarea/@name")
    assert len(names) == len(set(names)), "field names are unique"
    assert doc.xpath("//textarea") and doc.xpath('//input[@type="checkbox"]')
    assert not doc.find_class("tick")


def test_footnotes_become_page_footnotes() -> None:
    fragment = (
        '<p id="l--b.1">Text<sup><a href="#l--fn.1" id="l--fnref.1" class="footnote-ref" role="doc-noteref">1</a></sup>'
        ' more.</p><section class="footnotes" role="doc-endnotes" id="l--b.2"><ol>'
        '<li id="l--fn.1" role="doc-endnote"><p>The <em>note</em>. <a href="#l--fnref.1" role="doc-backlink">↩</a></p></li>'
        "</ol></section>"
    )
    out = print_html(fragment)
    assert "doc-endnotes" not in out and "↩" not in out and "<sup>" not in out
    assert re.search(r'<span id="l--fn.1" class="footnote"><span class="fn-p">The <em>note</em>.</span></span> more.', out)
    assert 'id="l--fnref.1"' in out


def test_links_that_lead_nowhere_on_paper_lose_their_target() -> None:
    out = print_html('<p><a href="02-x.md">next</a> <a href="#x--b.1">here</a> <a href="https://e.org">web</a></p>')
    assert "02-x.md" not in out and 'href="#x--b.1"' in out and 'href="https://e.org"' in out


def test_course_words_cannot_break_out_of_the_stylesheet(features: Course) -> None:
    assert css_string('a "b" \\ </style>') == '"a \\"b\\" \\\\ \\3C /style\\3E "'
    hostile = dataclasses.replace(features, title='</style><script>alert(1)</script> "Q"')
    html = document_html(hostile, "workbook", "letter")
    assert "<script>" not in html
    assert html.count("</style>") == 1
    assert "size: letter;" in html


def test_the_shipped_fonts_are_the_ones_the_stylesheet_loads(features: Course) -> None:
    fonts = templates_dir() / "pdf" / "fonts"
    css = stylesheet(features, "workbook", "A4")
    loaded = set(re.findall(r"url\(fonts/([^)]+)\)", css))
    assert loaded == {p.name for p in fonts.glob("*.ttf")}
    assert sum((fonts / name).stat().st_size for name in loaded) < 2_000_000
    assert "Bitstream Vera" in (fonts / "LICENSE.txt").read_text(encoding="utf-8")


def test_rendering_fetches_nothing_but_course_media_and_shipped_fonts(features: Course) -> None:
    fetcher = MemoryFetcher(features.media)
    assert fetcher.fetch(BASE_URL + "fonts/DejaVuSans.ttf").read()[:4] == b"\x00\x01\x00\x00"
    svg = fetcher.fetch(BASE_URL + "media/diagram.svg").read()
    assert b"'Workbook Sans'" in svg and b"DejaVu Sans, sans-serif" not in svg
    for url in ("https://example.org/x.png", BASE_URL + "fonts/../../pyproject.toml", "file:///etc/passwd",
                BASE_URL + "media/missing.svg"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
