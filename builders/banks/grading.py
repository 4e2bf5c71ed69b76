"""Our all-or-nothing choice questions -> grades on Moodle's list of allowed fractions.

Moodle's importer (``qformat_default::importprocess``) skips a question whose answer grade is not
within 0.00001 of ``question_bank::fraction_options_full()``: 0, ±100 % and ±(90, 83.33333, 80,
75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5) %.
A multiple-answer multichoice must have positive grades adding up to 100 % (rounded to two
places: ``qtype_multichoice::save_question_options``). So a "multiple" question becomes: each
correct option a share of 100 % on that list, each wrong option minus its share (ticking every
box scores 0). See docs/question-banks.md for how this differs from the book's all-or-nothing.
"""

from __future__ import annotations

from fractions import Fraction

PERCENTS: tuple[str, ...] = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
    "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
)
"""The positive grades Moodle accepts, as written in its grade menus (percent)."""


def correct_shares(count: int) -> tuple[str, ...] | None:
    """Grades for ``count`` correct options that Moodle accepts as adding up to 100 %.

    1/count itself when it is on the list; otherwise the two listed values nearest to it that
    add up to exactly 100 % (11 to 19 correct options: some 10 %, some 5 %); None when no such
    values exist (more than 20 correct options)."""
    ideal = Fraction(100, count)
    exact = [p for p in PERCENTS if abs(Fraction(p) - ideal) * count < Fraction(1, 100)]
    if exact:
        return (exact[0],) * count
    best: tuple[Fraction, tuple[str, ...]] | None = None
    for high in PERCENTS:
        for low in PERCENTS:
            h, low_value = Fraction(high), Fraction(low)
            if not low_value < ideal < h:
                continue
            n_high = (100 - count * low_value) / (h - low_value)
            if n_high.denominator != 1 or not 0 < n_high < count:
                continue
            spread = max(h - ideal, ideal - low_value)
            if best is None or spread < best[0]:
                best = (spread, (high,) * int(n_high) + (low,) * (count - int(n_high)))
    return best[1] if best else None


def wrong_share(count: int) -> str:
    """The penalty (a positive percent, written negated) for each of ``count`` wrong options:
    the smallest listed value at least 100/count, so that ticking every option scores 0."""
    need = Fraction(100, count)
    return min((p for p in PERCENTS if Fraction(p) >= need - Fraction(1, 10**5)), key=Fraction)


def choice_grades(correct: list[bool], single: bool = False) -> list[str] | None:
    """One grade (percent text, e.g. ``"-33.33333"``) per option, or None if impossible.
    A single-answer question: 100 for the correct option, 0 for the others."""
    if single:
        return ["100" if ok else "0" for ok in correct]
    shares = correct_shares(sum(correct))
    if shares is None:
        return None
    wrong = correct.count(False)
    penalty = "-" + wrong_share(wrong) if wrong else "0"
    given = iter(shares)
    return [next(given) if ok else penalty for ok in correct]


def decimal(value: float) -> str:
    """A number as Moodle reads it: English rules, a point, no exponent, no thousands sign."""
    from decimal import Decimal

    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
