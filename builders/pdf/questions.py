"""Questions -> what a printed worksheet shows: lettered options, shuffled columns, short answers.

In: model questions and the course's interface words. Out: :class:`QuestionView` records the PDF
templates lay out, for the student copy and the answer key alike (the key fills in ``answer``).
Matching and ordering items are shuffled with a generator seeded from the question id, so the
workbook and its answer key always agree and every build is identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..model import (
    ChoiceQuestion,
    Essay,
    FillIn,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    Strings,
    TrueFalse,
)
from ..shared.shuffle import display_order

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an answer space: a label, its text, and what the answer key writes there."""

    label: str
    html: Markup
    answer: str = ""
    correct: bool = False
    feedback: Markup = field(default_factory=Markup)
    """What the learner is told on picking this option (printed in the answer key only)."""


@dataclass(frozen=True, slots=True)
class QuestionView:
    question: Question
    kind: str
    """The template macro that lays it out: choice, true-false, fill-in, numeric, matching, ordering, essay."""
    points: str
    """The points as printed, e.g. "2"."""
    points_label: str
    """"1 point", "2 points" in the course language."""
    instruction: str
    rows: tuple[Row, ...] = ()
    """Options, ordering items, or the left column of a matching question."""
    right: tuple[Row, ...] = ()
    """The right column of a matching question (lettered, shuffled)."""
    answer: str = ""
    """The answer in a few words, for the blank, the box and the marking grid."""
    also: tuple[str, ...] = ()
    """Other accepted answers (fill-in)."""


def number(value: float) -> str:
    """42.0 -> "42", 3.14 -> "3.14" (no float noise in print)."""
    return f"{value:.10g}"


def points_label(points: float, strings: Strings) -> str:
    return f"{number(points)} {strings.point if points == 1 else strings.points}"


def view(question: Question, strings: Strings) -> QuestionView:
    common = {"question": question, "points": number(question.points),
              "points_label": points_label(question.points, strings)}
    if isinstance(question, ChoiceQuestion):
        return _choice(question, strings, common)
    if isinstance(question, TrueFalse):
        rows = tuple(Row("", escape(word), correct=(value == question.answer))
                     for word, value in ((strings.true, True), (strings.false, False)))
        answer = strings.true if question.answer else strings.false
        return QuestionView(kind="true-false", instruction=strings.tick_one, rows=rows, answer=answer, **common)
    if isinstance(question, FillIn):
        first, *others = question.answers or ("",)
        return QuestionView(kind="fill-in", instruction=strings.fill_blank, answer=first,
                            also=tuple(others), **common)
    if isinstance(question, Numeric):
        answer = number(question.answer)
        if question.tolerance:
            answer += f" ± {number(question.tolerance)}"
        return QuestionView(kind="numeric", instruction=strings.write_answer, answer=answer, **common)
    if isinstance(question, Matching):
        return _matching(question, strings, common)
    if isinstance(question, Ordering):
        return _ordering(question, strings, common)
    if isinstance(question, Essay):
        return QuestionView(kind="essay", instruction=strings.write_answer, **common)
    raise TypeError(f"no print layout for question type '{question.type}'")


def _choice(question: ChoiceQuestion, strings: Strings, common: dict) -> QuestionView:
    rows = tuple(Row(LETTERS[i], Markup(o.html), correct=o.correct, feedback=Markup(o.feedback_html))
                 for i, o in enumerate(question.options))
    many = isinstance(question, MultipleChoice)
    return QuestionView(kind="choice", instruction=strings.tick_all if many else strings.tick_one,
                        rows=rows, answer=", ".join(r.label for r in rows if r.correct), **common)


def _matching(question: Matching, strings: Strings, common: dict) -> QuestionView:
    order = display_order(len(question.pairs), question.id)
    letter_of = {pair_index: LETTERS[shown] for shown, pair_index in enumerate(order)}
    left = tuple(Row(str(i + 1), escape(p.left), answer=letter_of[i]) for i, p in enumerate(question.pairs))
    right = tuple(Row(LETTERS[shown], escape(question.pairs[i].right)) for shown, i in enumerate(order))
    answer = ", ".join(f"{r.label}–{r.answer}" for r in left)
    return QuestionView(kind="matching", instruction=strings.match_items, rows=left, right=right,
                        answer=answer, **common)


def _ordering(question: Ordering, strings: Strings, common: dict) -> QuestionView:
    order = display_order(len(question.items), question.id)
    rows = tuple(Row("", escape(question.items[i]), answer=str(i + 1)) for i in order)
    return QuestionView(kind="ordering", instruction=strings.order_items, rows=rows,
                        answer=", ".join(r.answer for r in rows), **common)
