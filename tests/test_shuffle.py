"""The one display order of matching columns and ordering items, shared by every output."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from builders.epub import questions as epub_questions
from builders.model import Matching, Ordering
from builders.pdf import questions as pdf_questions
from builders.scorm import pages as scorm_pages
from builders.scorm.quiz import LIMITS
from builders.shared.shuffle import display_order
from tests.conftest import load


def test_seeded_from_the_question_id() -> None:
    assert display_order(6, "match-them") == display_order(6, "match-them")
    assert sorted(display_order(6, "x")) == list(range(6))
    assert len({tuple(display_order(6, f"q{i}")) for i in range(20)}) > 1
    assert display_order(1, "one") == [0]


def test_never_the_source_order() -> None:
    assert all(display_order(n, seed) != list(range(n)) for n in (2, 3, 4, 5) for seed in ("x", "y", "z", "q1"))


def test_every_output_shows_the_same_order(all_features: Path) -> None:
    """Item C in the workbook is item C in the e-book and in the online quiz."""
    course = load(all_features)
    checked = 0
    for question in course.questions:
        if isinstance(question, Matching):
            rights = [p.right for p in question.pairs]
            pdf = [str(row.html) for row in pdf_questions.view(question, course.strings).right]
            epub = [str(choice.html) for choice in epub_questions.view(question, course.strings).right]
            scorm = [str(choice.html) for choice in scorm_pages.question_view(question, course, Markup, LIMITS["1.2"], 255).targets]
            expected = [rights[i] for i in display_order(len(rights), question.id)]
            assert pdf == epub == scorm == expected
            checked += 1
        elif isinstance(question, Ordering):
            pdf = [str(row.html) for row in pdf_questions.view(question, course.strings).rows]
            epub = [str(text) for text in epub_questions.view(question, course.strings).shuffled]
            expected = [question.items[i] for i in display_order(len(question.items), question.id)]
            assert pdf == epub == expected
            checked += 1
    assert checked >= 2
