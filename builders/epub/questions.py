"""Questions of the model -> what the EPUB shows of each, ready for the templates.

A question is shown for reading without scripting (options lettered, matching as two lists,
ordering as a shuffled list to number, blanks as blanks) and its answer is shown in the
answer key (correct answer, feedback, explanation, model answer). Markup stays in
templates/epub/; this module only decides letters, order and wording. Shuffles are seeded
by the question id, so the same source always gives the same book.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import (
    ChoiceQuestion,
    Essay,
    FillIn,
    Matching,
    Numeric,
    Ordering,
    Question,
    Strings,
    TrueFalse,
)
from ..shared.shuffle import display_order

BLANK = "________"
"""What a blank looks like when the book is read without its stylesheet."""


@dataclass(frozen=True)
class Choice:
    letter: str
    html: str
    correct: bool = False
    feedback_html: str = ""


@dataclass(frozen=True)
class MatchRow:
    number: int
    left: str
    letter: str
    right: str


@dataclass
class QuestionView:
    """One question as the chapter shows it and as the answer key answers it."""

    question: Question
    points_label: str
    prompt_html: str
    instruction: str
    choices: list[Choice] = field(default_factory=list)
    """Lettered options (single, multiple, true-false)."""
    left: list[str] = field(default_factory=list)
    """Matching: the left column, numbered, in source order."""
    right: list[Choice] = field(default_factory=list)
    """Matching: the right column, lettered, shuffled."""
    shuffled: list[str] = field(default_factory=list)
    """Ordering: the items to put in order, shuffled."""
    response: bool = False
    """Show a line to write a short answer on (numeric)."""
    correct: list[str] = field(default_factory=list)
    """The correct answer as inline XHTML, one entry per part."""
    also_accepted: list[str] = field(default_factory=list)
    matches: list[MatchRow] = field(default_factory=list)
    model_answer_html: str = ""

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def feedback(self) -> list[Choice]:
        return [c for c in self.choices if c.feedback_html]


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def view(question: Question, strings: Strings) -> QuestionView:
    points = format_number(question.points)
    label = f"{points} {strings.point if question.points == 1 else strings.points}"
    v = QuestionView(question, label, question.prompt_html, "")
    for kind, fill in _FILLERS:
        if isinstance(question, kind):
            fill(v, question, strings)
            break
    return v


def _choices(v: QuestionView, q: ChoiceQuestion, strings: Strings) -> None:
    multiple = q.type == "multiple"
    v.instruction = strings.tick_all if multiple else strings.tick_one
    v.choices = [Choice(letter(i), o.html, o.correct, o.feedback_html) for i, o in enumerate(q.options)]
    v.correct = [f"{c.letter}. {c.html}" for c in v.choices if c.correct]


def _true_false(v: QuestionView, q: TrueFalse, strings: Strings) -> None:
    v.instruction = strings.tick_one
    v.choices = [Choice("A", _escape(strings.true), q.answer), Choice("B", _escape(strings.false), not q.answer)]
    v.correct = [f"{c.letter}. {c.html}" for c in v.choices if c.correct]


def _fill_in(v: QuestionView, q: FillIn, strings: Strings) -> None:
    v.instruction = strings.fill_blank
    v.prompt_html = q.prompt_html.replace('<span class="blank"></span>', f'<span class="blank">{BLANK}</span>')
    v.prompt_html = v.prompt_html.replace('<span class="blank"/>', f'<span class="blank">{BLANK}</span>')
    v.correct = [_escape(q.answers[0])] if q.answers else []
    v.also_accepted = [_escape(a) for a in q.answers[1:]]


def _numeric(v: QuestionView, q: Numeric, strings: Strings) -> None:
    v.response = True
    answer = format_number(q.answer)
    v.correct = [f"{answer} (± {format_number(q.tolerance)})" if q.tolerance else answer]


def _matching(v: QuestionView, q: Matching, strings: Strings) -> None:
    v.instruction = strings.match_items
    v.left = [_escape(p.left) for p in q.pairs]
    order = display_order(len(q.pairs), q.id)
    v.right = [Choice(letter(i), _escape(q.pairs[k].right)) for i, k in enumerate(order)]
    v.matches = [
        MatchRow(n, _escape(p.left), letter(order.index(n - 1)), _escape(p.right))
        for n, p in enumerate(q.pairs, start=1)
    ]


def _ordering(v: QuestionView, q: Ordering, strings: Strings) -> None:
    v.instruction = strings.order_items
    v.shuffled = [_escape(q.items[i]) for i in display_order(len(q.items), q.id)]
    v.correct = [_escape(item) for item in q.items]


def _essay(v: QuestionView, q: Essay, strings: Strings) -> None:
    v.instruction = strings.write_answer
    v.model_answer_html = q.model_answer_html


def _escape(text: str) -> str:
    """Plain text -> inline XHTML (the views hold XHTML so templates treat every part alike)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_FILLERS = (
    (ChoiceQuestion, _choices),
    (TrueFalse, _true_false),
    (FillIn, _fill_in),
    (Numeric, _numeric),
    (Matching, _matching),
    (Ordering, _ordering),
    (Essay, _essay),
)
