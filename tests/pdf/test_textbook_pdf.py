"""Callout boxes, formulas, rubrics, option feedback and further reading in print.

Formulas are SVG images whose tag carries the TeX as /Alt; boxes are tagged sections that stay
on one page; the answer key prints each option's feedback and each essay's rubric, the
workbook neither; further reading ends each lesson and is gathered before the glossary.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pdf_helpers import (
    Built,
    first_page_with,
    flat,
    listed_page,
    page_numbered,
    page_texts,
    printed_number,
    squash,
)

from builders.pdf.math import formulas_as_images
from builders.source.math import to_mathml


def tag_tree(pdf: Path) -> list[tuple[str, list, str]]:
    """The structure tree as (type, children, alt) triples, marked content left out."""
    def node(element: pikepdf.Dictionary) -> tuple[str, list, str]:
        kids = element.get("/K")
        items = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        children = [node(k) for k in items if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        return str(element.get("/S")), children, str(element.get("/Alt", ""))

    with pikepdf.open(pdf) as document:
        return [node(document.Root.StructTreeRoot)]


def walk(tree: list) -> list[tuple[str, list, str]]:
    out = []
    for item in tree:
        out.append(item)
        out += walk(item[1])
    return out


def test_formulas_are_figures_whose_alt_text_is_the_tex(features_pdf: Built) -> None:
    alts = [alt for kind, _, alt in walk(tag_tree(features_pdf.files["workbook"])) if kind == "/Figure"]
    for tex in ("a^2 + b^2 = c^2", "x^2", "c = \\sqrt{a^2 + b^2} = \\frac{10}{2}", "2 = 2"):
        assert tex in alts
    key_alts = [alt for kind, _, alt in walk(tag_tree(features_pdf.files["answer-key"])) if kind == "/Figure"]
    assert "\\pi \\approx 3.14159" in key_alts and "x = x" in key_alts  # explanation and feedback


def test_a_formula_image_is_sized_in_em_and_sits_on_the_baseline() -> None:
    html = formulas_as_images("<p>A " + to_mathml("x_1^2", display=False) + " b</p>")
    assert html.startswith('<p>A <img class="math math-inline" src="math/') and html.endswith(" b</p>")
    assert 'alt="x_1^2"' in html and "em; vertical-align: -0." in html
    assert formulas_as_images("<p>$5</p>") == "<p>$5</p>"


def test_callout_boxes_are_tagged_sections_with_their_heading(features_pdf: Built) -> None:
    sections = [[kid[0] for kid in children] for kind, children, _ in walk(tag_tree(features_pdf.files["workbook"]))
                if kind == "/Sect"]
    assert ["/P", "/P", "/L"] in sections  # the note: heading, text, list (an aside would be untagged)
    assert ["/P", "/Table"] in sections  # the warning
    assert ["/P", "/BlockQuote", "/P"] in sections  # the primary source and its attribution
    text = flat(" ".join(features_pdf.pages()))
    for heading in ("Note: Callout boxes", "Tip", "Warning: Mind the gap", "Example: The Delian League treasury",
                    "Key takeaways", "Primary source", "Activity: Work it out"):
        assert heading in text


def test_a_box_is_not_split_across_pages(features_pdf: Built) -> None:
    page = first_page_with(features_pdf, "The Athenians took over")
    assert "Thucydides, History of the Peloponnesian War" in flat(features_pdf.pages()[page - 1])
    page = first_page_with(features_pdf, "Example: The Delian League treasury")
    assert "A swatch inside an example" in flat(features_pdf.pages()[page - 1])


def test_the_answer_key_prints_option_feedback_under_its_option_and_the_workbook_does_not(features_pdf: Built) -> None:
    key, workbook = features_pdf.text("answer-key"), features_pdf.text("workbook")
    for feedback in ("Yes: five is less than six.", "Yes: seven is more than three."):
        assert squash(feedback) in key and squash(feedback) not in workbook
    assert key.index(squash("5 < 6")) < key.index(squash("Yes: five is less")) < key.index(squash("7 > 3"))


def test_the_answer_key_prints_the_rubric_with_the_model_answer(features_pdf: Built) -> None:
    key, workbook = features_pdf.text("answer-key"), features_pdf.text("workbook")
    rubric = ("Rubric", "Criterion", "Names the single source", "Explains why the outputs agree",
              "1: Says a correction reaches every output", "0: Does not say why")
    for text in rubric:
        assert squash(text) in key
        assert squash(text) not in workbook or text == "Criterion"
    assert key.index(squash("A correction made once")) < key.index(squash("Names the single source"))


def test_further_reading_ends_the_lesson_and_the_bibliography_comes_before_the_glossary(features_pdf: Built) -> None:
    pages = features_pdf.pages()
    lesson_page = first_page_with(features_pdf, "Further reading")
    assert "https://doi.org/10.2307/2538540" in flat(pages[lesson_page - 1])  # printed in full
    bibliography_page, glossary_page = (listed_page(pages[1], title) for title in ("Bibliography", "Glossary"))
    assert printed_number(features_pdf, lesson_page) < bibliography_page < glossary_page
    bibliography = flat(page_numbered(features_pdf, str(bibliography_page)))
    assert "Kennedy, Paul (1987). The Rise and Fall of the Great Powers. New York: Random House." in bibliography
    assert bibliography.index("Kennedy") < bibliography.index("Walt, Stephen M.")
    assert squash("Bibliography") not in features_pdf.text("answer-key")


def test_a_box_that_would_straddle_a_page_break_moves_to_the_next_page(tmp_path: Path) -> None:
    """Wherever filler text leaves a box, its first and last lines share a page (and some
    fillers do leave it at the foot of a page, so the rule is what keeps it whole)."""
    from builders.pdf.render import render
    from builders.shared.templating import asset

    css = asset("pdf/workbook.css").decode("utf-8") + "@page { size: A6; margin: 10mm; }"
    box = ('<section class="callout callout-example"><p class="callout-title">BOXSTART</p>'
           + "".join(f"<p>Line {n} of the box.</p>" for n in range(6)) + "<p>BOXEND</p></section>")
    moved = 0
    for filler in range(8, 16):
        body = "".join(f"<p>Filler paragraph {n}.</p>" for n in range(filler))
        document = render(f'<html lang="en"><head><style>{css}</style></head><body>{body}{box}</body></html>', {})
        (tmp_path / "box.pdf").write_bytes(document.write_pdf())
        pages = [flat(text) for text in page_texts(tmp_path / "box.pdf")]
        start = next(i for i, text in enumerate(pages) if "BOXSTART" in text)
        end = next(i for i, text in enumerate(pages) if "BOXEND" in text)
        assert start == end, f"the box splits after {filler} filler paragraphs"
        moved += start > 0 and pages[start].startswith("BOXSTART")
    assert moved, "no filler put the box at a page break: the test checks nothing"
