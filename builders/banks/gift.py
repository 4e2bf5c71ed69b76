"""The course's questions -> ``ID-gift.txt``: GIFT, the plain-text format teachers can read and edit.

Moodle's GIFT import (``question/format/gift/format.php``) splits questions at blank lines, trims
every line, reads ``\\: \\# \\= \\{ \\} \\~ \\n \\\\`` as escapes and skips lines starting
with ``//``. So each text is written on one line, its special characters escaped, HTML marked
``[html]``; a ``$CATEGORY:`` line (then a blank line) opens each lesson. What GIFT cannot carry
(images, marks other than 1, an essay's model answer) is reported as a warning naming the question.
The name ends in ``.txt`` because Moodle's import form refuses other extensions for GIFT.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..base import BuildContext, Builder, BuildOptions, BuildResult
from ..diagnostics import Diagnostic
from ..model import (
    ChoiceQuestion,
    Course,
    Essay,
    FillIn,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    TrueFalse,
)
from . import categories
from .grading import choice_grades, decimal
from .html import html, images_in
from .skips import unsupported

FORMAT = "gift"
_SPECIAL = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}",
                          ":": "\\:", "\n": "\\n", "\r": ""})
ESSAY_LINES = 15
"""The response box height Moodle gives an essay imported from GIFT."""


class GiftBuilder(Builder):
    name: ClassVar[str] = "gift"
    description: ClassVar[str] = "GIFT question bank (plain text, Moodle's Question bank -> Import -> GIFT)"

    def check(self, course: Course, options: BuildOptions) -> list[Diagnostic]:
        skips = unsupported(course, FORMAT)
        skipped = {skip.question.id for skip in skips}
        losses = [d for q in course.questions if q.id not in skipped for d in _losses(q)]
        return [skip.diagnostic for skip in skips] + losses

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        path = staging / f"{course.id}-gift.txt"
        path.write_text(gift(course), encoding="utf-8", newline="\n")
        return BuildResult([path])


def gift(course: Course) -> str:
    skipped = {skip.question.id for skip in unsupported(course, FORMAT)}
    blocks = [f"// {escape(course.title)}: question bank made by coursepack from course '{course.id}'"]
    for lesson in course.lessons:
        blocks.append(f"$CATEGORY: {categories.path(course, lesson)}")
        blocks += [question(q) for q in lesson.questions if q.id not in skipped]
    return "\n\n".join(blocks) + "\n"


def question(q: Question) -> str:
    head = f"::{escape(q.id)}::[html]{text(f'<p>{q.prompt_html}</p>')}"
    if isinstance(q, Ordering):  # Moodle's ordering importer reads its own syntax, items raw
        items = "\n".join(_escape_html(item) for item in q.items)
        return f"{head}{{>{len(q.items)} ALL VERTICAL ALL_OR_NOTHING SHOW\n{items}\n}}"
    lines = _answers(q)
    if q.explanation_html:
        lines.append("####" + field(q.explanation_html))
    return head + "{" + ("\n" + "\n".join(lines) + "\n" if lines else "") + "}"


def _answers(q: Question) -> list[str]:
    if isinstance(q, ChoiceQuestion):
        grades = choice_grades([o.correct for o in q.options], single=not isinstance(q, MultipleChoice))
        assert grades is not None
        single = not isinstance(q, MultipleChoice)
        return [("=" if single and grade == "100" else f"~%{grade}%") + field(o.html)
                + (f"#{field(o.feedback_html)}" if o.feedback_html else "")
                for o, grade in zip(q.options, grades, strict=True)]
    if isinstance(q, TrueFalse):
        return ["TRUE" if q.answer else "FALSE"]
    if isinstance(q, FillIn):
        # Moodle reads "[name]" at the start of an answer as a text format: say "plain" first
        return [f"=%100%{'[plain]' if answer.startswith('[') else ''}{escape(answer)}" for answer in q.answers]
    if isinstance(q, Numeric):
        return [f"#{decimal(q.answer)}:{decimal(q.tolerance)}"]
    if isinstance(q, Matching):
        return [f"={field(_escape_html(p.left))} -> {escape(p.right)}" for p in q.pairs]
    assert isinstance(q, Essay)
    return []


def _losses(q: Question) -> list[Diagnostic]:
    """What this question loses in GIFT (it is still written)."""
    lost = []
    pictures = [src for fragment in _fragments(q) for src in images_in(fragment)]
    if pictures:
        lost.append(f"GIFT cannot carry files: the image {pictures[0]} is left out (its alt text stays); "
                    "use the Moodle XML file")
    if q.points != 1:
        lost.append(f"GIFT has no mark: the question is worth {q.points:g} points in the course but 1 in the "
                    "imported bank; use the Moodle XML file or set the mark in Moodle")
    if isinstance(q, Essay) and (q.model_answer_html or q.lines != ESSAY_LINES):
        lost.append("GIFT has no field for an essay's model answer or answer lines: graders see no model "
                    "answer, and the box is 15 lines high; use the Moodle XML file")
    if isinstance(q, Ordering) and q.explanation_html:
        lost.append("an ordering question in GIFT has no general feedback: the explanation is left out")
    return [Diagnostic(q.pos, "warning", f"question '{q.id}' in the GIFT bank: {why}") for why in lost]


def _fragments(q: Question) -> list[str]:
    found = [q.prompt_html, q.explanation_html]
    if isinstance(q, ChoiceQuestion):
        found += [part for o in q.options for part in (o.html, o.feedback_html)]
    if isinstance(q, Essay):
        found.append(q.model_answer_html)
    return found


def escape(value: str) -> str:
    """Plain text with GIFT's special characters escaped, on one line."""
    return value.translate(_SPECIAL)


def text(fragment: str) -> str:
    """An XHTML fragment as escaped one-line HTML (images replaced by their alt text)."""
    return escape(html(fragment, lambda key: None).text)


def field(fragment: str) -> str:
    """A text after the question's own: HTML by default; ``[html]`` again if it starts with ``[``
    (Moodle would read a format name there)."""
    written = text(fragment)
    return f"[html]{written}" if written.startswith("[") else written


def _escape_html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
