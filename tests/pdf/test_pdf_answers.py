"""The student copy holds no answers; the answer key holds all of them; the fillable copy has fields."""

from __future__ import annotations

import pypdf
from pdf_helpers import Built, flat, pdfinfo, squash

from builders.model import ChoiceQuestion, Course, Essay, FillIn, Numeric, TrueFalse
from builders.pdf.questions import view
from builders.shared.xhtml import plain_text

TICKED, EMPTY = "☑", "☐"


def answer_only_texts(course: Course) -> dict[str, list[str]]:
    """Texts that exist only to give answers away, by kind (long enough not to match by chance;
    formulas print as images, so texts that hold one are left out)."""
    texts: dict[str, list[str]] = {"explanation": [], "feedback": [], "model answer": []}
    for q in course.questions:
        texts["explanation"].append(_text(q.explanation_html))
        if isinstance(q, ChoiceQuestion):
            texts["feedback"] += [_text(o.feedback_html) for o in q.options]
        if isinstance(q, Essay):
            texts["model answer"].append(_text(q.model_answer_html))
    return {kind: [t for t in found if len(t) >= 25] for kind, found in texts.items()}


def _text(fragment: str) -> str:
    return "" if "<math" in fragment else plain_text(fragment)


def test_student_copy_has_no_explanation_feedback_or_model_answer(any_pdf: Built) -> None:
    workbook, key = any_pdf.text("workbook"), any_pdf.text("answer-key")
    texts = answer_only_texts(any_pdf.course)
    assert texts["explanation"], "the check must have something to look for"
    for kind, found in texts.items():
        for text in found:
            assert squash(text) not in workbook, f"{kind} in the student copy: {text}"
    assert texts["feedback"], "the check must have some feedback to look for"
    for text in texts["explanation"] + texts["model answer"] + texts["feedback"]:
        assert squash(text) in key, f"missing from the answer key: {text}"


def test_no_box_is_ticked_or_filled_in_the_student_copy(any_pdf: Built) -> None:
    strings = any_pdf.course.strings
    workbook = any_pdf.text("workbook")
    assert EMPTY in workbook and TICKED not in workbook
    for label in (strings.model_answer, strings.also_accepted, strings.teacher_copy, strings.answers_at_a_glance):
        assert squash(label) not in workbook


def test_answer_key_ticks_exactly_the_right_boxes(any_pdf: Built) -> None:
    key = any_pdf.text("answer-key")
    questions = any_pdf.course.questions
    right = sum(len(q.correct_indexes) for q in questions if isinstance(q, ChoiceQuestion))
    right += sum(isinstance(q, TrueFalse) for q in questions)
    assert key.count(TICKED) == right


def test_answer_key_writes_the_short_answers(any_pdf: Built) -> None:
    key = any_pdf.text("answer-key")
    strings = any_pdf.course.strings
    assert squash(strings.answers_at_a_glance) in key
    for q in any_pdf.course.questions:
        if isinstance(q, FillIn | Numeric):
            assert squash(view(q, strings).answer) in key, q.id


def test_matching_and_ordering_answers_agree_with_the_shuffled_workbook(features_pdf: Built) -> None:
    """The key's letters and numbers are right for the order the workbook prints."""
    strings = features_pdf.course.strings
    workbook = features_pdf.text("workbook")
    for q in features_pdf.course.questions:
        if q.type not in ("matching", "ordering"):
            continue
        shown = view(q, strings)
        if q.type == "matching":
            printed = [f"{row.label}. {flat(row.html.unescape())}" for row in shown.right]
            for row, pair in zip(shown.rows, q.pairs):
                assert f"{row.answer}. {pair.right}" in printed
        else:
            printed = [flat(row.html.unescape()) for row in shown.rows]
            assert [q.items[int(row.answer) - 1] for row in shown.rows] == printed
        positions = [workbook.index(squash(text)) for text in printed]
        assert positions == sorted(positions), "the workbook prints the shuffled order"


def test_fillable_workbook_has_form_fields_and_the_print_one_none(features_pdf: Built) -> None:
    fields = pypdf.PdfReader(features_pdf.files["fillable"]).get_fields() or {}
    for q in features_pdf.course.questions:
        assert any(name == q.id or name.startswith(f"{q.id}.") for name in fields), q.id
    for edition in ("workbook", "answer-key"):
        assert pdfinfo(features_pdf.files[edition])["Form"] == "none"
    assert TICKED not in features_pdf.text("fillable")
