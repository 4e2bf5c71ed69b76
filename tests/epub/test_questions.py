"""How each question type is shown for reading and answered in the answer key (builders.epub.questions)."""

from __future__ import annotations

import pytest

from builders.epub.questions import BLANK, format_number, letter, view
from builders.model import (
    Essay,
    FillIn,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    SourcePos,
    TrueFalse,
)
from builders.shared.strings import CATALOGUES

EN = CATALOGUES["en"]
POS = SourcePos("x.md", 1)  # type: ignore[arg-type]
COMMON = dict(lesson_id="l", number=1, prompt="p", prompt_html="p", explanation_html="", points=1, pos=POS)


def test_letters_go_past_z() -> None:
    assert [letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


@pytest.mark.parametrize(("value", "text"), [(3.0, "3"), (42, "42"), (3.14, "3.14"), (0.005, "0.005"), (-2.5, "-2.5")])
def test_numbers_are_written_plainly(value: float, text: str) -> None:
    assert format_number(value) == text


def test_multiple_choice_letters_options_and_answers_all_correct_ones() -> None:
    options = tuple(Option(t, t, c, f"fb {t}" if t != "B" else "", POS) for t, c in (("A1", True), ("B", False), ("C1", True)))
    v = view(MultipleChoice(id="m", **COMMON, options=options), EN)
    assert v.instruction == EN.tick_all
    assert [(c.letter, c.html) for c in v.choices] == [("A", "A1"), ("B", "B"), ("C", "C1")]
    assert v.correct == ["A. A1", "C. C1"]
    assert [c.letter for c in v.feedback] == ["A", "C"]


def test_true_false_uses_the_course_words() -> None:
    v = view(TrueFalse(id="t", **COMMON, answer=False), CATALOGUES["fr"])
    assert [c.html for c in v.choices] == ["Vrai", "Faux"]
    assert v.correct == ["B. Faux"]


def test_fill_in_shows_a_blank_and_escapes_answers() -> None:
    q = FillIn(id="f", **{**COMMON, "prompt_html": 'a <span class="blank"></span> b'}, answers=("x < y", "z"))
    v = view(q, EN)
    assert v.prompt_html == f'a <span class="blank">{BLANK}</span> b'
    assert v.correct == ["x &lt; y"] and v.also_accepted == ["z"]


def test_numeric_shows_the_tolerance() -> None:
    assert view(Numeric(id="n", **COMMON, answer=3.14, tolerance=0.005), EN).correct == ["3.14 (± 0.005)"]
    assert view(Numeric(id="n", **COMMON, answer=42.0), EN).correct == ["42"]


def test_matching_answers_point_at_the_shuffled_letters() -> None:
    pairs = tuple(Pair(f"L{i}", f"R{i}") for i in range(4))
    v = view(Matching(id="mt", **COMMON, pairs=pairs), EN)
    letters = {c.html: c.letter for c in v.right}
    assert [c.html for c in v.right] != [p.right for p in pairs]
    assert [(m.left, m.letter, m.right) for m in v.matches] == [(p.left, letters[p.right], p.right) for p in pairs]


def test_ordering_shuffles_items_and_answers_in_order() -> None:
    v = view(Ordering(id="o", **COMMON, items=("1st", "2nd", "3rd")), EN)
    assert v.correct == ["1st", "2nd", "3rd"] and v.shuffled != v.correct and sorted(v.shuffled) == v.correct


def test_essay_has_its_model_answer_and_points_label() -> None:
    v = view(Essay(id="e", **{**COMMON, "points": 2}, model_answer_html="<p>m</p>", model_answer="m"), EN)
    assert v.model_answer_html == "<p>m</p>" and v.instruction == EN.write_answer and v.points_label == "2 points"
