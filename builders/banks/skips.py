"""Questions a bank format cannot hold: each is left out with a warning naming it and the format."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..model import Course, FillIn, MultipleChoice, Ordering, Question
from .grading import correct_shares

FORMAT_NAMES = {"moodle": "Moodle XML", "gift": "GIFT", "qti": "QTI 2.1"}


@dataclass(frozen=True)
class Skip:
    question: Question
    diagnostic: Diagnostic


def unsupported(course: Course, fmt: str) -> list[Skip]:
    found = []
    for question in course.questions:
        reason = _reason(question, fmt)
        if reason:
            found.append(Skip(question, Diagnostic(
                question.pos, "warning",
                f"question '{question.id}' is left out of the {FORMAT_NAMES[fmt]} bank: {reason}")))
    return found


def _reason(q: Question, fmt: str) -> str:
    if fmt in ("moodle", "gift") and isinstance(q, MultipleChoice):
        count = len(q.correct_indexes)
        if correct_shares(count) is None:
            return (f"it has {count} correct options and Moodle's allowed grades (5 % at the least) "
                    "cannot share 100 % among more than 20")
    if fmt == "gift" and isinstance(q, FillIn) and any("->" in a for a in q.answers):
        return "an accepted answer contains '->', which GIFT reads as a matching question"
    if fmt == "gift" and isinstance(q, Ordering):
        bad = next((item for item in q.items if _breaks_gift_ordering(item)), None)
        if bad is not None:
            return (f"the item '{bad}' contains '{{', '}}' or '\\', or starts with '//', which GIFT "
                    "cannot hold in an ordering item (use the Moodle XML file)")
        if any(c in q.prompt for c in "{}"):
            return "its prompt contains '{' or '}', which GIFT cannot hold in an ordering question"
    return ""


def _breaks_gift_ordering(item: str) -> bool:
    """Moodle's ordering importer reads GIFT items raw, one per line (no escapes)."""
    return any(c in item for c in "{}\\\n") or item.strip().startswith("//")
