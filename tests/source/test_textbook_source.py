"""Textbook features in the source: callout boxes, TeX formulas, essay rubrics, further reading.

How each output shows them is tested under tests/epub, tests/pdf and tests/scorm; bad input is
in the tests/errors corpus (callout-*, math-*, rubric-*, reading-*, quiz-in-callout).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from builders.diagnostics import SourceError
from builders.model import Essay, Lesson, Reading, SingleChoice
from builders.shared.bibliography import citation_html, gather
from builders.shared.xhtml import plain_text, to_xhtml
from builders.source import load_course
from builders.source.callouts import KINDS
from builders.source.markdown import LessonHooks, Renderer
from builders.source.math import MathError, to_mathml
from tests.conftest import load

MATHML = "http://www.w3.org/1998/Math/MathML"
LABELS = {kind: kind.replace("-", " ").capitalize() for kind in KINDS}


def render(text: str, errors: list[tuple[int, str]] | None = None) -> etree._Element:
    """A lesson body rendered with hooks that accept every target; problems go to ``errors``."""
    found = errors if errors is not None else []
    hooks = LessonHooks(
        "l", 10, image=lambda src, line: src, link=lambda href, line: href,
        missing_alt=lambda src, line: None, raw_image=lambda src, line: None,
        error=lambda line, message: found.append((line, message)), callout_labels=LABELS,
    )
    html = Renderer().lesson(text, hooks, "Notes").html
    if errors is None:
        assert found == []
    return to_xhtml(html)


# --- callout boxes ------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "tag", "role"), [
    ("note", "aside", "note"), ("tip", "aside", "doc-tip"), ("warning", "aside", "note"),
    ("example", "section", "doc-example"), ("key-takeaways", "section", None),
    ("activity", "section", None), ("primary-source", "section", None),
])
def test_each_kind_of_box_has_its_element_role_and_heading(kind: str, tag: str, role: str | None) -> None:
    div = render(f"::: {kind}\nInside.\n:::\n")
    box = div[0]
    assert (box.tag, box.get("role"), box.get("class")) == (tag, role, f"callout callout-{kind}")
    title = box[0]
    assert title.get("class") == "callout-title" and title.text == LABELS[kind]
    assert box.get("aria-labelledby") == title.get("id") == f"{box.get('id')}-title"


def test_the_text_after_the_kind_is_the_title_or_the_attribution() -> None:
    div = render("::: example The Delian League treasury\nText.\n:::\n\n"
                 "::: primary-source Thucydides, History, 1.96\nThe Athenians took over.\n:::\n")
    example, source = div
    assert example[0].text == "Example: The Delian League treasury"
    assert source[0].text == "Primary source"
    assert source[1].tag == "blockquote" and source[1].findtext("p") == "The Athenians took over."
    assert source[2].get("class") == "callout-attribution"
    assert source[2].findtext("cite") == "Thucydides, History, 1.96"


def test_markdown_inside_a_box_lists_tables_figures_and_boxes_with_more_colons() -> None:
    div = render(
        ":::: note Outer\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "![A swatch](media/s.png \"Caption\")\n\n::: tip\nInner.\n:::\n::::\n"
    )
    outer = div[0]
    assert [child.tag for child in outer] == ["p", "ul", "table", "figure", "aside"]
    assert outer.find("table/thead/tr/th").get("scope") == "col"
    assert outer.find("figure/figcaption").text == "Caption"
    assert outer[4].get("class") == "callout callout-tip"
    assert len({el.get("id") for el in div.iter() if el.get("id")}) == len([el for el in div.iter() if el.get("id")])


def test_box_mistakes_are_reported_at_their_lines() -> None:
    errors: list[tuple[int, str]] = []
    render("Text.\n\n::: notte\nA.\n:::\n\n::: tip\nNever closed.\n", errors)
    assert errors == [
        (12, "unknown callout kind 'notte', did you mean 'note'?"),
        (16, "callout box 'tip' is not closed: end it with a line ':::'"),
    ]


def test_box_headings_follow_the_course_language_and_strings(course_copy, starter_course: Path) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    yml = folder / "course.yml"
    text = yml.read_text().replace("language: en ", "language: fr ").replace(
        "  check_answer: Check my answer", "  check_answer: Vérifier\n  callout_tip: Astuce du jour")
    yml.write_text(text)
    html = load(folder).lessons[1].html
    titles = re.findall(r'<p class="callout-title"[^>]*>([^<]*)</p>', html)
    assert titles == ["Remarque: Every box has a heading", "Astuce du jour", "Attention: Quizzes stay outside boxes",
                      "Exemple: A formula in a sentence", "À retenir", "Source primaire", "Activité: Work it out"]


# --- formulas -------------------------------------------------------------------------------

def test_inline_and_display_formulas_become_mathml_with_the_tex_as_alttext() -> None:
    div = render("The area is $A = \\pi r^2$.\n\n$$\n\\frac{a}{b}\n$$\n")
    inline = div[0].find(f"{{{MATHML}}}math") if div[0].find(f"{{{MATHML}}}math") is not None else div[0].find("math")
    assert inline.get("alttext") == "A = \\pi r^2" and inline.get("display") == "inline"
    assert inline.get("xmlns") == MATHML
    display = div[1]
    assert display.get("class") == "math-display"
    assert display[0].tag == "math" and display[0].get("display") == "block" and display[0].get("alttext") == "\\frac{a}{b}"
    assert display[0].find(".//mfrac") is not None


def test_prices_and_escaped_dollars_stay_text() -> None:
    div = render("It costs $5 and $10; \\$x\\$ is not a formula, nor is $ x $ (spaces inside).\n\nUp 5$ to 10$.\n")
    assert div.find(".//math") is None
    assert div[0].text_content() == "It costs $5 and $10; $x$ is not a formula, nor is $ x $ (spaces inside)."


def test_formulas_in_prompts_options_feedback_and_explanations(starter_course: Path) -> None:
    question = {q.id: q for q in load(starter_course).questions}["sum-to-four"]
    assert isinstance(question, SingleChoice)
    for html in (question.prompt_html, question.options[0].html, question.options[0].feedback_html,
                 question.explanation_html):
        assert '<math xmlns="http://www.w3.org/1998/Math/MathML"' in html and "alttext=" in html
    assert question.prompt == "What is 1 + 2 + 3 + 4?"  # plain text reads a formula as its TeX
    assert question.options[0].text == "10"


def test_a_glossary_term_is_not_linked_inside_a_formula() -> None:
    from builders.source.glossary import GlossaryLinker

    html, linked = GlossaryLinker({"x": "term--x"}).link(
        Renderer().block("Solve $x + 1 = 2$ for x."))
    assert linked == ["term--x"] and html.count("glossary-link") == 1
    assert "<mi>x</mi>" in html


@pytest.mark.parametrize(("tex", "reason"), [
    ("\\frac{a}{", "its braces { } do not pair up"),
    ("\\foo x", "unknown command \\foo"),
    ("a^", "a ^ or _ has nothing after it"),
    ("\\begin{matrix} a", "a \\begin{...} has no \\end{...}"),
    ("\\left( x", "a \\left has no \\right"),
    ("\\frac{a}", "a fraction needs two arguments in braces, e.g. \\frac{a}{b}"),
    ("x^{}", "a ^ has nothing before or after it"),
    ("\\frac{}{}", "it shows nothing"),
    ("a & b", "write \\& for an ampersand (a bare & separates the columns of a table)"),
    ("x \\begin{cases} \\end{cases}", "a \\begin{...} ... \\end{...} holds nothing"),
])
def test_tex_the_converter_cannot_read_is_an_error_that_says_why(tex: str, reason: str) -> None:
    with pytest.raises(MathError) as caught:
        to_mathml(tex, display=False)
    assert str(caught.value) == f"cannot read the formula '{tex}': {reason}"


def test_a_bad_formula_is_reported_at_its_line_and_never_left_blank() -> None:
    errors: list[tuple[int, str]] = []
    div = render("One.\n\nTwo $\\frac{1}{$ here.\n\n$$\n\\foo\n$$\n", errors)
    assert errors == [(12, "cannot read the formula '\\frac{1}{': its braces { } do not pair up"),
                      (15, "cannot read the formula '\\foo': unknown command \\foo")]
    assert div.find(".//math") is None


def test_a_question_with_a_bad_formula_names_the_question(course_copy, starter_course: Path) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    lesson = folder / "lessons/02-question-types.md"
    lesson.write_text(lesson.read_text().replace("prompt: What is $1 + 2 + 3 + 4$?", "prompt: What is $1 + {2$?"))
    with pytest.raises(SourceError) as caught:
        load_course(folder)
    [problem] = caught.value.diagnostics
    assert problem.message == "question 'sum-to-four': cannot read the formula '1 + {2': its braces { } do not pair up"


# --- rubrics ------------------------------------------------------------------------------------

def test_an_essay_rubric_keeps_criteria_points_and_levels(starter_course: Path) -> None:
    essay = {q.id: q for q in load(starter_course).questions}["explain-it"]
    assert isinstance(essay, Essay)
    assert [(c.criterion_html, c.points) for c in essay.rubric] == [
        ("Says that a correction is made once", 1.0), ("Explains why the outputs then agree", 1.0)]
    assert essay.rubric[0].levels == ()
    assert essay.rubric[1].levels == ((1.0, "Names the textbook, the workbook and the online course"),
                                      (0.0, "Gives no reason"))
    assert sum(c.points for c in essay.rubric) == essay.points


@pytest.mark.parametrize(("old", "new", "message"), [
    ('levels: {1: "Names', 'levels: {one: "Names',
     "rubric level 'one' must be a number of points (0 to 1), e.g. 3: \"Names both treaties\""),
    ('levels: {1: "Names', 'levels: {-1: "Names', "rubric level -1 is outside the criterion's 0 to 1 points"),
    ("    - criterion: Says that a correction is made once\n      points: 1\n",
     "    - criterion: Says that a correction is made once\n",
     "a rubric criterion of question 'explain-it' is missing the required field 'points'"),
])
def test_rubric_mistakes(course_copy, starter_course: Path, old: str, new: str, message: str) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    lesson = folder / "lessons/02-question-types.md"
    assert old in lesson.read_text()
    lesson.write_text(lesson.read_text().replace(old, new))
    with pytest.raises(SourceError) as caught:
        load_course(folder)
    assert message in [d.message for d in caught.value.diagnostics]


# --- further reading ---------------------------------------------------------------------------

def test_further_reading_entries_are_read_in_order(starter_course: Path) -> None:
    lesson = load(starter_course).lessons[1]
    assert [(r.author, r.title, r.year) for r in lesson.further_reading] == [
        ("Mayer, Richard E.", "Multimedia Learning", "2009"),
        ("Black, Paul and Wiliam, Dylan", "Assessment and Classroom Learning", "1998")]
    article = lesson.further_reading[1]
    assert article.journal.startswith("Assessment in Education") and article.url.startswith("https://doi.org/")


def test_citations_are_author_date_with_the_work_in_cite_and_the_url_in_full() -> None:
    book = Reading("Kennedy, Paul", "The Rise and Fall of the Great Powers", "1987", publisher="New York: Random House")
    assert citation_html(book) == (
        "Kennedy, Paul (1987). <cite>The Rise and Fall of the Great Powers</cite>. New York: Random House.")
    article = Reading("Walt, Stephen M.", "Why Alliances Endure or Collapse?", "1997", journal="Survival",
                      url="https://example.org/a?b=1&c=2", note="Short & clear")
    assert citation_html(article) == (
        'Walt, Stephen M. (1997). Why Alliances Endure or Collapse? <cite>Survival</cite>. '
        '<a class="url" href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a> '
        '<span class="reading-note">Short &amp; clear.</span>')


def test_the_bibliography_lists_each_entry_once_by_author_and_year() -> None:
    a, b, c = (Reading("Zed, A.", "Late", "2001"), Reading("adams, B.", "Early", "1990"),
               Reading("Adams, B.", "Earlier", "1980"))
    lessons = [Lesson("x", 1, "X", (), "", (), (), (), "", None, further_reading=(a, b)),  # type: ignore[arg-type]
               Lesson("y", 2, "Y", (), "", (), (), (), "", None, further_reading=(c, a))]  # type: ignore[arg-type]
    assert gather(lessons) == (c, b, a)


def test_a_formula_reads_as_its_tex_in_plain_text() -> None:
    assert plain_text(Renderer().inline("Area $\\pi r^2$ here")) == "Area \\pi r^2 here"


def test_boxes_of_one_kind_in_a_lesson_get_distinct_names(tmp_path: Path) -> None:
    """Landmarks need distinct accessible names (Ace/axe landmark-unique)."""
    from lxml import html as lxml_html

    lesson = ("---\nid: two\ntitle: Two\n---\n## Boxes\n\n::: note\nOne.\n:::\n\n::: note\nTwo.\n:::\n\n"
              "::: primary-source Thucydides 1.96\nA.\n:::\n\n::: primary-source Tacitus, Annals 1.1\nB.\n:::\n")
    (tmp_path / "lessons").mkdir()
    (tmp_path / "course.yml").write_text("id: c\ntitle: C\n")
    (tmp_path / "lessons" / "01-two.md").write_text(lesson)
    course, _ = load_course(tmp_path)
    root = lxml_html.fragment_fromstring(course.lessons[0].html, create_parent="div")
    names = []
    for box in root.xpath('//*[contains(@class, "callout ")]'):
        ids = (box.get("aria-labelledby") or "").split()
        names.append(box.get("aria-label") or " ".join(" ".join(" ".join(root.get_element_by_id(i).itertext()).split()) for i in ids))
    assert len(names) == 4 and len(set(names)) == 4, names
    assert any("Thucydides 1.96" in name for name in names)
