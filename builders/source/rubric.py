"""An essay's ``rubric:`` -> RubricCriterion rows, whose points must add up to the question's."""

from __future__ import annotations

from collections.abc import Callable

from ..diagnostics import Report
from ..model import RubricCriterion, SourcePos
from .fields import Fields, kind

InlineReader = Callable[[str, SourcePos], str]
"""Markdown of one line written at a position -> inline XHTML (links and formulas checked)."""


def read_rubric(f: Fields, points: float, qid: str, inline: InlineReader, report: Report) -> tuple[RubricCriterion, ...]:
    """The criteria of ``f``'s ``rubric`` field (``()`` when there is none)."""
    criteria = []
    for item, _pos in f.mapping_list("rubric"):
        cf = Fields(item, report, f"a rubric criterion of question '{qid}'")
        cf.check_keys(("criterion", "points", "levels"), ("criterion", "points"))
        worth = cf.number("points", 0, minimum=0)
        html = inline(cf.text("criterion"), cf.at("criterion"))
        criteria.append(RubricCriterion(html, float(worth or 0), _levels(cf, float(worth or 0), inline, report)))
    total = sum(c.points for c in criteria)
    if criteria and points >= 0 and abs(total - points) > 1e-9:  # negative points are reported already
        report.error(f.at("rubric"), f"question '{qid}': the rubric's points add up to {total:g}, but the "
                                     f"question is worth {points:g}: make them equal (or set 'points: {total:g}')")
    return tuple(criteria)


def _levels(cf: Fields, worth: float, inline: InlineReader, report: Report) -> tuple[tuple[float, str], ...]:
    levels = cf.mapping("levels")
    if levels is None:
        return ()
    rows = []
    for key, text in levels.items():
        pos = levels.at(key)
        if isinstance(key, bool) or not isinstance(key, (int, float)):
            report.error(pos, f"rubric level '{key}' must be a number of points (0 to {worth:g}), e.g. 3: \"Names both treaties\"")
            continue
        if not 0 <= key <= worth:
            report.error(pos, f"rubric level {key:g} is outside the criterion's 0 to {worth:g} points")
            continue
        if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
            report.error(pos, f"rubric level {key:g} needs a descriptor (text), not {kind(text)}")
            continue
        rows.append((float(key), inline(str(text).strip(), pos)))
    return tuple(sorted(rows, key=lambda level: -level[0]))
