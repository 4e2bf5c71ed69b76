"""Rules of Moodle's question import, re-stated from Moodle's PHP so the tests can apply them.

Read from moodle/moodle (the public repository, main branch as indexed in 2026; Moodle 4.4+ for
the ordering question type, which joined core in 4.4):
- question/engine/bank.php ``question_bank::ensure_fraction_options_initialised`` (the grade list)
  and lib/questionlib.php ``match_grade_options`` (a grade counts when within 0.00001 of one);
- question/format.php ``qformat_default::importprocess`` (a question with a grade off the list is
  skipped), ``split_category_path`` (``//`` is a slash inside a name; names cleaned with
  ``clean_param(PARAM_TEXT)``, which strips tags) and ``readquestions`` (GIFT: blank lines split);
- question/type/multichoice/questiontype.php ``save_question_options`` (single: the best grade must
  be 100 %; multiple: positive grades rounded to 2 places must add up to 100 %);
- question/type/ordering/questiontype.php ``import_from_xml``, ``import_from_gift`` and
  ``set_layout_select_count_grading``.
Versions read (repository moodle/moodle, blobs as stored in the code index): question/format/gift/
format.php at commit 00e93a993910e03083056a11bec1b68f95e34436; question/type/ordering/questiontype.php
at c40caa6a09cf49fb7b740419640bae193ebda6f4 (the plugin as merged into core for 4.4); question/engine/
bank.php at 3008edd366ad09318057cddb7dbd57aae53d72f5; the category-path functions of question/format.php
as in Moodle 4.x. The XML importer's behaviour (CDATA texts, ``trans_single``, file elements) is as
in question/format/xml/format.php of Moodle 4.x.
Nothing here is imported from ``builders``: the grade list is typed in again from Moodle's file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

RAW_FRACTIONS = (0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
FRACTIONS_FULL = (0.0, 1.0, *RAW_FRACTIONS, *(-f for f in reversed(RAW_FRACTIONS)), -1.0)


class ImportFailure(AssertionError):
    """What Moodle's importer would refuse (an error, or a question it skips)."""


def match_grade(fraction: float) -> float:
    for allowed in FRACTIONS_FULL:
        if abs(fraction - allowed) < 0.00001:
            return allowed
    raise ImportFailure(f"invalid grade {fraction} (Moodle's 'invalidgrade': the question is skipped)")


def check_multichoice(single: bool, fractions: list[float]) -> None:
    if len(fractions) < 2:
        raise ImportFailure("multichoice needs at least 2 answers")
    if single and max(fractions) != 1:
        raise ImportFailure(f"errfractionsnomax: best grade {max(fractions) * 100}")
    if not single and round(sum(f for f in fractions if f > 0), 2) != 1:
        raise ImportFailure(f"errfractionsaddwrong: positive grades add up to {sum(f for f in fractions if f > 0)}")


def split_category_path(path: str) -> list[str]:
    return [clean_text(raw.replace("//", "/").strip()) for raw in re.split(r"(?<!/)/(?!/)", path)]


def clean_text(value: str) -> str:
    """``clean_param(PARAM_TEXT)``: tags stripped (what is left is shown as HTML, entities read)."""
    return re.sub(r"<[^>]*>", "", value)


def shown(html_text: str) -> str:
    """What a person reads in an HTML field: tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


PHP_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
"""PHP's is_numeric (what the numerical importers accept; ``3,5`` is not a number)."""


def php_number(text: str) -> float:
    if not PHP_NUMERIC.match(text):
        raise ImportFailure(f"'{text}' is not a number Moodle reads")
    return float(text)


@dataclass
class Answer:
    text: str
    fraction: float
    feedback: str = ""
    tolerance: float | None = None


@dataclass
class Imported:
    """One question as Moodle would store it."""

    qtype: str
    name: str
    category: list[str]
    questiontext: str
    generalfeedback: str = ""
    defaultmark: float = 1.0
    idnumber: str = ""
    single: bool | None = None
    shuffle: bool | None = None
    answers: list[Answer] = field(default_factory=list)
    subquestions: list[tuple[str, str]] = field(default_factory=list)
    usecase: bool = False
    selecttype: str = ""
    selectcount: int = 0
    gradingtype: str = ""
    graderinfo: str = ""
    responsefieldlines: int = 0
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    """Text field -> file path -> bytes."""
