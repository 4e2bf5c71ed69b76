"""The Moodle XML bank, read back with Moodle's import rules (see bank_rules.py for the Moodle
files and version they come from) and compared question by question with the course.

Moodle files the rules come from (Moodle 4.4+, moodle/moodle main): question/format/xml/format.php,
question/format.php, question/engine/bank.php (allowed grades), question/type/*/questiontype.php
``save_question_options``, question/type/ordering/questiontype.php ``import_from_xml``; exact
commits in bank_rules.py.
"""

from __future__ import annotations

import base64
import dataclasses

import moodle_import
import pytest
from bank_rules import ImportFailure, shown
from expected import MOODLE_TYPE, category, lesson_of, prompt, seen

from builders.banks.moodle import moodle_xml
from builders.model import (
    ChoiceQuestion,
    Course,
    Essay,
    FillIn,
    Matching,
    Media,
    MultipleChoice,
    Numeric,
    Ordering,
    TrueFalse,
)


def test_every_question_imports_with_its_answers(course: Course) -> None:
    imported = {q.idnumber: q for q in moodle_import.read(moodle_xml(course))}
    assert list(imported) == [q.id for q in course.questions]
    for question in course.questions:
        got = imported[question.id]
        assert got.qtype == MOODLE_TYPE[question.type], question.id
        assert got.name == question.id
        assert seen(got.category) == category(course, lesson_of(course, question))
        assert shown(got.questiontext) == prompt(question)
        assert shown(got.generalfeedback) == shown(question.explanation_html)
        assert got.defaultmark == question.points
        _same_answers(question, got)


def _same_answers(question, got) -> None:
    if isinstance(question, ChoiceQuestion):
        assert got.single is (not isinstance(question, MultipleChoice))
        assert got.shuffle is False
        assert [shown(a.text) for a in got.answers] == [shown(o.html) for o in question.options]
        assert [shown(a.feedback) for a in got.answers] == [shown(o.feedback_html) for o in question.options]
        right = [a.fraction > 0 for a in got.answers]
        assert right == [o.correct for o in question.options]
        if isinstance(question, MultipleChoice) and not all(right):
            assert sum(a.fraction for a in got.answers) <= 0.00001, "ticking every box must score 0"
    elif isinstance(question, TrueFalse):
        assert {a.text: a.fraction for a in got.answers}[str(question.answer).lower()] == 1
    elif isinstance(question, FillIn):
        assert got.usecase is False
        assert [a.text.replace("\\*", "*") for a in got.answers] == list(question.answers)
        assert all(a.fraction == 1 for a in got.answers)
    elif isinstance(question, Numeric):
        assert [(float(a.text), a.tolerance, a.fraction) for a in got.answers] == [
            (question.answer, question.tolerance, 1)]
    elif isinstance(question, Matching):
        assert got.shuffle is True
        assert [(shown(left), right) for left, right in got.subquestions] == [
            (p.left, p.right) for p in question.pairs]
    elif isinstance(question, Ordering):
        assert (got.selecttype, got.selectcount, got.gradingtype) == ("ALL", len(question.items), "ALL_OR_NOTHING")
        assert [shown(a.text) for a in got.answers] == list(question.items)
    elif isinstance(question, Essay):
        assert shown(got.graderinfo) == shown(question.model_answer_html)
        assert got.responsefieldlines == question.lines


def test_tricky_text_survives(tricky: Course) -> None:
    data = moodle_xml(tricky)
    imported = {q.idnumber: q for q in moodle_import.read(data)}
    specials = imported["gift-specials"]
    assert shown(specials.questiontext) == "Which of these is 'odd'? ~ = # { } : \\ // \"quoted\" a < b & c > d"
    assert imported["wild-fill"].answers[0].text == "\\*", "a bare * is Moodle's wildcard"
    assert shown(imported["greek-single"].answers[0].text) == "Αθήνα"
    assert b"&nbsp;" not in data


def test_partial_credit_is_on_the_allowed_list(tricky: Course) -> None:
    imported = {q.idnumber: q for q in moodle_import.read(moodle_xml(tricky))}
    assert [a.fraction for a in imported["three-of-five"].answers] == [0.3333333, 0.3333333, -0.5, 0.3333333, -0.5]
    eleven = [a.fraction for a in imported["eleven-correct"].answers]
    assert eleven == [0.125] * 6 + [0.05] * 5 + [-1.0]
    assert [a.fraction for a in imported["many-wrong"].answers] == [1.0] + [-0.1] * 11


def test_more_than_twenty_correct_options_is_left_out_with_a_warning(tricky: Course) -> None:
    from builders.banks import MoodleXmlBuilder
    from builders.base import BuildOptions
    from builders.model import Option

    lesson = tricky.lessons[0]
    many = MultipleChoice(**{f.name: getattr(lesson.questions[1], f.name)
                             for f in dataclasses.fields(MultipleChoice) if f.name != "options"},
                          options=tuple(Option(f"o{i}", f"o{i}", True, "", lesson.pos) for i in range(21)))
    course = dataclasses.replace(tricky, lessons=(dataclasses.replace(lesson, questions=(many,)),))
    warnings = MoodleXmlBuilder().check(course, BuildOptions())
    assert [w.severity for w in warnings] == ["warning"]
    assert "three-of-five" in warnings[0].message and "Moodle XML" in warnings[0].message
    assert moodle_import.read(moodle_xml(course)) == []


def test_images_travel_inside_their_field(tricky: Course) -> None:
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    question = tricky.lessons[0].questions[0]
    with_image = dataclasses.replace(
        question, prompt_html=question.prompt_html + ' <img src="media/sub dir/dot.png" alt="a dot"/>')
    lesson = dataclasses.replace(tricky.lessons[0], questions=(with_image,))
    course = dataclasses.replace(tricky, lessons=(lesson,),
                                 media={"media/sub dir/dot.png": Media("media/sub dir/dot.png", "image/png", png, lesson.pos)})
    data = moodle_xml(course)
    got = moodle_import.read(data)[0]
    assert got.files["questiontext"] == {"/sub dir/dot.png": png}
    assert '@@PLUGINFILE@@/sub%20dir/dot.png' in got.questiontext
    assert got.files["generalfeedback"] == {}


def test_the_reader_refuses_what_moodle_refuses() -> None:
    """The checks above can fail: each rule catches a file that breaks it."""
    bad_grade = b'<quiz><question type="multichoice"><name><text>x</text></name><questiontext><text>q</text></questiontext>' \
                b'<single>false</single><answer fraction="33.33"><text>a</text></answer>' \
                b'<answer fraction="66.67"><text>b</text></answer></question></quiz>'
    with pytest.raises(ImportFailure, match="invalid grade"):
        moodle_import.read(bad_grade)
    raw_tags = b'<quiz><question type="essay"><name><text>x</text></name><questiontext><text><p>q</p></text></questiontext></question></quiz>'
    with pytest.raises(ImportFailure, match="CDATA"):
        moodle_import.read(raw_tags)
    no_full = b'<quiz><question type="shortanswer"><name><text>x</text></name><questiontext><text>q</text></questiontext>' \
              b'<answer fraction="50"><text>a</text></answer></question></quiz>'
    with pytest.raises(ImportFailure, match="100 %"):
        moodle_import.read(no_full)
    comma = b'<quiz><question type="numerical"><name><text>x</text></name><questiontext><text>q</text></questiontext>' \
            b'<answer fraction="100"><text>3,5</text><tolerance>0</tolerance></answer></question></quiz>'
    with pytest.raises(ImportFailure, match="not a number"):
        moodle_import.read(comma)


def test_same_course_same_bytes(course: Course) -> None:
    assert moodle_xml(course) == moodle_xml(course)
