"""The GIFT bank, read back with the rules of Moodle's GIFT importer (gift_import.py; the Moodle
files it follows are named in bank_rules.py) and compared question by question with the course.

Moodle files the rules come from (Moodle 4.4+, moodle/moodle main): question/format/gift/format.php,
question/format.php ``readquestions``, question/engine/bank.php (allowed grades),
question/type/ordering/questiontype.php ``import_from_gift``; exact commits in bank_rules.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import gift_import
import pytest
from bank_rules import ImportFailure, shown
from expected import MOODLE_TYPE, category, lesson_of, prompt, seen

from builders.banks import GiftBuilder
from builders.banks.gift import gift
from builders.banks.gift import question as gift_question
from builders.banks.skips import unsupported
from builders.base import BuildOptions
from builders.model import (
    ChoiceQuestion,
    Course,
    FillIn,
    Matching,
    Media,
    MultipleChoice,
    Numeric,
    Ordering,
    SourcePos,
    TrueFalse,
)


def test_every_question_imports_with_its_answers(course: Course) -> None:
    imported = {q.name: q for q in gift_import.read(gift(course))}
    left_out = {skip.question.id for skip in unsupported(course, "gift")}
    assert list(imported) == [q.id for q in course.questions if q.id not in left_out]
    for question in course.questions:
        if question.id in left_out:
            continue
        got = imported[question.id]
        assert got.qtype == MOODLE_TYPE[question.type], question.id
        assert seen(got.category) == category(course, lesson_of(course, question))
        assert shown(got.questiontext) == prompt(question)
        if not isinstance(question, Ordering):
            assert shown(got.generalfeedback) == shown(question.explanation_html)
        _same_answers(question, got)


def _same_answers(question, got) -> None:
    if isinstance(question, ChoiceQuestion):
        assert got.single is (not isinstance(question, MultipleChoice))
        assert [shown(a.text) for a in got.answers] == [shown(o.html) for o in question.options]
        assert [shown(a.feedback) for a in got.answers] == [shown(o.feedback_html) for o in question.options]
        assert [a.fraction > 0 for a in got.answers] == [o.correct for o in question.options]
    elif isinstance(question, TrueFalse):
        assert {a.text: a.fraction for a in got.answers}[str(question.answer).lower()] == 1
    elif isinstance(question, FillIn):
        assert [a.text for a in got.answers] == list(question.answers)
    elif isinstance(question, Numeric):
        assert [(float(a.text), a.tolerance) for a in got.answers] == [(question.answer, question.tolerance)]
    elif isinstance(question, Matching):
        assert [(shown(left), right) for left, right in got.subquestions] == [(p.left, p.right) for p in question.pairs]
    elif isinstance(question, Ordering):
        assert (got.selecttype, got.gradingtype) == ("ALL", "ALL_OR_NOTHING")
        assert got.selectcount >= len(question.items) or got.selectcount == len(got.answers)
        assert [shown(a.text) for a in got.answers] == list(question.items)


@pytest.mark.parametrize("text", ["~ = # { } : \\ // \\n", "a\\:b", "\\\\", "[html]x", "50%", "%50%x",
                                  "Δήλος 東京", "&&058; & <b>"])
def test_every_special_character_survives(text: str) -> None:
    prompt_html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    fill_in = FillIn(id="n", lesson_id="l", number=1, prompt=text, prompt_html=prompt_html, explanation_html="",
                     points=1, pos=SourcePos(Path("x.md"), 1), answers=(text,))
    got = gift_import.read(gift_question(fill_in))[0]
    if "&&058;" in text:  # Moodle's own placeholder: GIFT cannot hold it (documented)
        assert got.answers[0].text != text
        return
    assert shown(got.questiontext) == text
    assert got.answers[0].text == text


def test_a_fill_in_answer_with_an_arrow_would_become_matching() -> None:
    """Why such a question is left out of GIFT: Moodle reads it as a (broken) matching question."""
    with pytest.raises(ImportFailure, match="matching"):
        gift_import.read("::x::q{=%100%a -> b}")


def test_tricky_course_warnings_name_each_question_and_gift(tricky: Course) -> None:
    found = GiftBuilder().check(tricky, BuildOptions())
    messages = {d.message.split("'")[1]: d.message for d in found}
    assert "left out of the GIFT bank" in messages["wild-fill"]
    assert "left out of the GIFT bank" in messages["order-specials"]
    assert "GIFT has no mark" in messages["three-of-five"]
    assert "model answer" in messages["essay-specials"]
    assert all(d.severity == "warning" and d.pos.line for d in found)


def test_an_image_is_named_in_a_warning(tricky: Course) -> None:
    question = tricky.lessons[1].questions[0]
    with_image = dataclasses.replace(question, prompt_html=question.prompt_html + ' <img src="media/x.png" alt="a map"/>')
    lesson = dataclasses.replace(tricky.lessons[1], questions=(with_image,))
    course = dataclasses.replace(tricky, lessons=(lesson,),
                                 media={"media/x.png": Media("media/x.png", "image/png", b"", lesson.pos)})
    warnings = GiftBuilder().check(course, BuildOptions())
    assert any("greek-single" in w.message and "media/x.png" in w.message for w in warnings)
    assert "a map" in gift_import.read(gift(course))[0].questiontext
    assert "<img" not in gift(course)


def test_categories_are_followed_by_a_blank_line(course: Course) -> None:
    lines = gift(course).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("$CATEGORY:"):
            assert lines[i + 1] == ""


def test_the_reader_refuses_what_moodle_refuses() -> None:
    with pytest.raises(ImportFailure, match="invalid grade"):
        gift_import.read("::x::q{~%33.33%a ~%66.67%b}")
    assert gift_import.read("::x::q{true}")[0].qtype == "shortanswer", "lower-case true is not a true-false question"
    with pytest.raises(ImportFailure, match="not a number"):
        gift_import.read("::x::q{#3,5}")
