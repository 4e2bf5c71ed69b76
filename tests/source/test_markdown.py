"""Markdown rendering: sanitising, XHTML well-formedness, figures, footnotes, glossary links."""

from __future__ import annotations

import pytest
from lxml import etree

from builders.shared.xhtml import plain_text, relink
from builders.source.glossary import GlossaryLinker
from builders.source.markdown import LessonHooks, Renderer, fill_in_prompt

RENDERER = Renderer()


def render(text: str, lesson_id: str = "l") -> str:
    problems: list[str] = []
    hooks = LessonHooks(
        lesson_id=lesson_id, first_line=1,
        image=lambda src, line: "media/" + src.rsplit("/", 1)[-1],
        link=lambda href, line: href,
        missing_alt=lambda src, line: problems.append(f"alt {src}"),
        raw_image=lambda src, line: problems.append(f"raw {src}"),
    )
    html = RENDERER.lesson(text, hooks, "Notes").html
    assert not problems, problems
    return html


def well_formed(fragment: str) -> etree._Element:
    return etree.fromstring(f"<div>{fragment}</div>")


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)" alt="x">',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://example.org"></iframe>',
    '<p onclick="alert(1)">x</p>',
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object>',
    '<svg><script>alert(1)</script></svg>',
    '<form action="https://example.org"><input name="x"></form>',
])
def test_raw_html_is_sanitised(attack: str) -> None:
    html = RENDERER.inline(attack) + RENDERER.block(attack)
    lowered = html.lower()
    for word in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "<object", "<svg", "<form", "<input"):
        assert word not in lowered, html
    well_formed(html)


def test_output_is_well_formed_xhtml() -> None:
    html = render("a<br>b\n\n<p>unclosed <b>bold\n\n* x\n* y\n\n---\n\n&nbsp;&copy; 5 < 6\n")
    root = well_formed(html)
    assert root.find(".//br") is not None and root.find(".//hr") is not None
    assert "\u00a0" in html and "©" in html and "5 &lt; 6" in html


def test_figure_from_a_lone_image() -> None:
    html = render('![A map](../media/map.svg "The Aegean")')
    figure = well_formed(html).find("figure")
    assert figure.get("class") == "figure"
    assert figure.find("img").get("src") == "media/map.svg" and figure.find("img").get("alt") == "A map"
    assert figure.find("figcaption").text == "The Aegean"


def test_inline_image_stays_inline() -> None:
    root = well_formed(render("Text ![icon](a.png) more."))
    assert root.find("p/img") is not None and root.find("figure") is None


def test_footnotes_are_prefixed_and_linked_both_ways() -> None:
    html = render("Claim.[^1]\n\n[^1]: Source.", lesson_id="rome")
    root = well_formed(html)
    ref = root.find(".//a[@role='doc-noteref']")
    note = root.find(".//li[@role='doc-endnote']")
    back = root.find(".//a[@role='doc-backlink']")
    assert ref.get("href") == "#rome--fn.1" and note.get("id") == "rome--fn.1"
    assert back.get("href") == "#" + ref.get("id")
    assert root.find(".//section[@role='doc-endnotes']").get("aria-label") == "Notes"


def test_tables_get_header_scope() -> None:
    root = well_formed(render("| a | b |\n|---|--:|\n| 1 | 2 |"))
    assert [th.get("scope") for th in root.iter("th")] == ["col", "col"]
    assert root.find(".//td[2]").get("style") == "text-align:right"


def test_definition_lists() -> None:
    root = well_formed(render("Term\n: Definition"))
    assert root.find("dl/dt").text == "Term" and root.find("dl/dd").text == "Definition"


def test_every_block_has_a_stable_id() -> None:
    root = well_formed(render("One.\n\n## Two\n\nThree.", lesson_id="x"))
    assert [el.get("id") for el in root] == ["x--b.1", "x--two", "x--b.3"]


def test_heading_ids_are_unique() -> None:
    root = well_formed(render("## Same\n\n## Same\n\n## Same"))
    assert [h.get("id") for h in root.iter("h2")] == ["l--same", "l--same-2", "l--same-3"]


def test_fill_in_blank() -> None:
    assert fill_in_prompt("The ___ League") == 'The <span class="blank"></span> League'
    assert fill_in_prompt("Name the league:") == 'Name the league: <span class="blank"></span>'


def test_plain_text() -> None:
    assert plain_text("<em>Athens</em> &amp; <b>Sparta</b>") == "Athens & Sparta"
    assert plain_text("no markup") == "no markup"


class TestGlossaryLinker:
    linker = GlossaryLinker({"alliance": "term.alliance", "balance of power": "term.bop", "NATO": "term.nato"})

    def test_first_use_only_and_plurals(self) -> None:
        html, linked = self.linker.link("<p>Alliances matter. An alliance is a pact.</p>")
        assert html == '<p><a href="#term.alliance" class="glossary-link">Alliances</a> matter. An alliance is a pact.</p>'
        assert linked == ["term.alliance"]

    def test_longest_term_wins_and_case_is_ignored(self) -> None:
        html, _ = self.linker.link("<p>The Balance of Power held.</p>")
        assert '<a href="#term.bop" class="glossary-link">Balance of Power</a>' in html

    def test_not_inside_links_headings_or_code(self) -> None:
        html, linked = self.linker.link('<h2>Alliance</h2><p><a href="#x">alliance</a> <code>NATO</code></p>')
        assert linked == [] and "glossary-link" not in html

    def test_words_containing_a_term_are_not_linked(self) -> None:
        _, linked = self.linker.link("<p>Realliance and NATOish are not terms.</p>")
        assert linked == []

    def test_several_terms_in_one_text_and_tails(self) -> None:
        html, linked = self.linker.link("<p><em>x</em> NATO keeps the balance of power, an alliance.</p>")
        assert linked == ["term.nato", "term.bop", "term.alliance"]
        well_formed(html)


def test_relink_rewrites_internal_links_only() -> None:
    html = '<a href="#a--b">x</a> <a href="https://example.org/#top">y</a>'
    out = relink(html, lambda anchor: f"{anchor.split('--')[0]}.xhtml#{anchor}")
    assert out == '<a href="a.xhtml#a--b">x</a> <a href="https://example.org/#top">y</a>'
