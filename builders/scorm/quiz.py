"""Course questions -> what the SCORM runtime needs to grade and report them.

In: the model's questions and a SCORM version. Out: plain data for the page templates and the
runtime's JSON (response identifiers, deterministic shuffles, correct responses written the way
each SCORM version and Moodle accept them, a stable short key per question), plus the
worst-case size of the saved progress (``suspend_data``) so a build can refuse a course that
SCORM 1.2's 4096 characters cannot hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import (
    ChoiceQuestion,
    Essay,
    FillIn,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    TrueFalse,
)

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
"""Response identifiers of options, right-hand sides and ordering items, by source position.
SCORM 1.2 wants single characters; Moodle's 2004 checks allow only ``[A-Za-z0-9_.]``."""
LEFT_IDS = "123456789abcdefghijklmnopqrstuvwxyz"
"""Identifiers of the left-hand sides of matching questions (``1.a,2.b`` in SCORM 1.2)."""

SCORM_TYPES = {
    "single": "choice", "multiple": "choice", "true-false": "true-false", "fill-in": "fill-in",
    "numeric": "numeric", "matching": "matching", "ordering": "sequencing",
}
KEY_LENGTH = 5
"""Characters of a question's key in suspend_data (base 36 of a hash of its id)."""
SUSPEND_FORMAT = "cp1"
"""First field of suspend_data: the encoding and its version (see docs/scorm-moodle.md)."""
MAX_STORED_COUNT = 36 ** 2 - 1
"""Attempt counters and interaction indexes are stored in at most two base-36 digits."""


@dataclass(frozen=True)
class Limits:
    """What one SCORM version lets a package store (Moodle enforces the same limits)."""

    version: str
    suspend_data: int
    essay: int
    """Longest essay answer the interaction can hold (1.2 student_response: 255 characters)."""
    list_sep: str
    pair_sep: str
    range_sep: str
    text: int = 100
    """``maxlength`` of fill-in answers."""
    number: int = 32
    """``maxlength`` of numeric answers."""
    min_essay: int = 40
    """Below this, essays are too short to be useful: the build fails instead."""

    @property
    def filename_tag(self) -> str:
        return "scorm12" if self.version == "1.2" else "scorm2004"


LIMITS = {
    "1.2": Limits("1.2", 4096, 255, list_sep=",", pair_sep=".", range_sep=""),
    "2004": Limits("2004", 64000, 4000, list_sep="[,]", pair_sep="[.]", range_sep="[:]"),
}


def question_key(question_id: str) -> str:
    """A stable short key for suspend_data: the same id always gives the same key."""
    number = int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:8], "big") % 36 ** KEY_LENGTH
    return base36(number).rjust(KEY_LENGTH, "0")


def base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
        if number == 0:
            return digits


def number_text(value: float) -> str:
    """A number as SCORM decimals want it: no exponent, no trailing zeros (``3.135``, ``42``)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def response_text(text: str, limit: int) -> str:
    """Free text made safe for a SCORM 2004 response or pattern: no ``[,]`` list delimiter,
    no leading ``{`` (it would start a ``{lang=..}`` delimiter), no line breaks, at most ``limit``."""
    text = " ".join(text.replace("[,]", ",").split()).lstrip("{")
    return text[:limit]


def correct_patterns(question: Question, limits: Limits) -> list[str]:
    """The interaction's ``correct_responses.n.pattern`` values (none for essays)."""
    sep, pair = limits.list_sep, limits.pair_sep
    if isinstance(question, ChoiceQuestion):
        return [sep.join(ALPHABET[i] for i in question.correct_indexes)]
    if isinstance(question, TrueFalse):
        words = ("t", "f") if limits.version == "1.2" else ("true", "false")
        return [words[0] if question.answer else words[1]]
    if isinstance(question, FillIn):
        limit = 255 if limits.version == "1.2" else 250
        return list(dict.fromkeys(response_text(a, limit) for a in question.answers))
    if isinstance(question, Numeric):
        if limits.version == "1.2":
            return [number_text(question.answer)]
        low, high = question.answer - question.tolerance, question.answer + question.tolerance
        return [f"{number_text(low)}{limits.range_sep}{number_text(high)}"]
    if isinstance(question, Matching):
        return [sep.join(f"{LEFT_IDS[i]}{pair}{ALPHABET[i]}" for i in range(len(question.pairs)))]
    if isinstance(question, Ordering):
        return [sep.join(ALPHABET[i] for i in range(len(question.items)))]
    return []


def scorm_type(question: Question, version: str) -> str:
    if isinstance(question, Essay):
        return "fill-in" if version == "1.2" else "long-fill-in"
    return SCORM_TYPES[question.type]


def runtime_question(question: Question, limits: Limits, essay_max: int) -> dict:
    """One question as the runtime's JSON describes it."""
    data: dict = {
        "id": question.id,
        "key": question_key(question.id),
        "type": question.type,
        "graded": question.graded,
        "points": question.points,
        "weighting": number_text(min(question.points, 100)) if question.graded else "0",
        "scormType": scorm_type(question, limits.version),
        "description": response_text(question.prompt, 250),
        "patterns": correct_patterns(question, limits),
        "correct": _correct(question),
    }
    if isinstance(question, (FillIn, Numeric, Essay)):
        data["maxLength"] = max_length(question, limits, essay_max)
    return data


def _correct(question: Question) -> object:
    if isinstance(question, ChoiceQuestion):
        return [ALPHABET[i] for i in question.correct_indexes]
    if isinstance(question, TrueFalse):
        return question.answer
    if isinstance(question, FillIn):
        return list(question.answers)
    if isinstance(question, Numeric):
        return {"answer": question.answer, "tolerance": question.tolerance}
    if isinstance(question, Matching):
        return [ALPHABET[i] for i in range(len(question.pairs))]
    if isinstance(question, Ordering):
        return [ALPHABET[i] for i in range(len(question.items))]
    return None


def max_length(question: Question, limits: Limits, essay_max: int) -> int:
    if isinstance(question, FillIn):
        return limits.text
    if isinstance(question, Numeric):
        return limits.number
    return essay_max


# --- suspend_data: the worst case, computed with the runtime's own encoding ---------------


def encode_record(key: str, attempts: int, state: str, interaction: int | None, payload: str) -> str:
    """One answer in suspend_data; the Python twin of ``encodeRecord`` in runtime/state.js."""
    index = "" if interaction is None else base36(min(interaction, MAX_STORED_COUNT))
    count = base36(min(attempts, MAX_STORED_COUNT))
    return f"{key},{count},{state},{index},{base36(len(payload))}:{payload};"


def encode_header(page: str) -> str:
    return f"{SUSPEND_FORMAT};{page};"


def payload_max(question: Question, limits: Limits, essay_max: int) -> int:
    """The longest answer payload a question can save (see runtime/quiz.js ``encodeAnswer``)."""
    if isinstance(question, MultipleChoice):
        return len(question.options)
    if isinstance(question, (ChoiceQuestion, TrueFalse)):
        return 1
    if isinstance(question, Matching):
        return len(question.pairs)
    if isinstance(question, Ordering):
        return len(question.items)
    return max_length(question, limits, essay_max)


def worst_record(question: Question, limits: Limits, essay_max: int) -> int:
    return len(encode_record("k" * KEY_LENGTH, MAX_STORED_COUNT, "c", MAX_STORED_COUNT,
                             "x" * payload_max(question, limits, essay_max)))


@dataclass(frozen=True)
class Budget:
    """How the suspend_data limit is shared out for one SCO."""

    limit: int
    needed: int
    """Characters the SCO needs in the worst case, essays at their shortest useful length."""
    essay_max: int
    """The longest essay answer each essay may take (``maxlength`` of its text area)."""

    @property
    def fits(self) -> bool:
        return self.needed <= self.limit


def budget(questions: Sequence[Question], page_keys: Sequence[str], limits: Limits) -> Budget:
    """Share ``limits.suspend_data`` between a SCO's questions; essays get what is left."""
    header = max(len(encode_header(key)) for key in page_keys)
    essays = [q for q in questions if isinstance(q, Essay)]
    others = sum(worst_record(q, limits, 0) for q in questions if not isinstance(q, Essay))
    essay_overhead = sum(worst_record(q, limits, limits.essay) - limits.essay for q in essays)
    free = limits.suspend_data - header - others - essay_overhead
    essay_max = min(limits.essay, free // len(essays)) if essays else limits.essay
    needed = header + others + essay_overhead + len(essays) * limits.min_essay
    return Budget(limits.suspend_data, needed, max(essay_max, limits.min_essay))
