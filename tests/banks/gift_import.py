"""A reader of GIFT that does what Moodle's importer does (question/format/gift/format.php
``readquestion``, ``escapedchar_pre``/``escapedchar_post``, ``parse_text_with_format``,
``commentparser``, ``answerweightparser``; question/format.php ``readquestions`` splits at blank
lines after trimming every line; the ordering type's ``import_from_gift`` reads ``{>N ...}``)."""

from __future__ import annotations

import re

from bank_rules import (
    Answer,
    Imported,
    ImportFailure,
    check_multichoice,
    match_grade,
    php_number,
    split_category_path,
)

ESCAPED = ["\\:", "\\#", "\\=", "\\{", "\\}", "\\~", "\\n"]
PLACEHOLDERS = ["&&058;", "&&035;", "&&061;", "&&123;", "&&125;", "&&126;", "&&010"]
CHARACTERS = [":", "#", "=", "{", "}", "~", "\n"]
WEIGHT = re.compile(r"^%\-*([0-9]{1,2})\.?([0-9]*)%")
ORDERING = re.compile(
    r"^([^{]*)\s*\{>\s*(\d+)\s*(ALL|EXACT|RANDOM|REL|CONTIGUOUS|CONTIG)?\s*"
    r"(HORIZONTAL|HORI|H|1|VERTICAL|VERT|V|0)?\s*(ALL_OR_NOTHING|ABSOLUTE_POSITION|ABSOLUTE|ABS|"
    r"RELATIVE_NEXT_EXCLUDE_LAST|RELATIVE_NEXT_INCLUDE_LAST|RELATIVE_ONE_PREVIOUS_AND_NEXT|"
    r"RELATIVE_ALL_PREVIOUS_AND_NEXT|RELATIVE_TO_CORRECT|RELATIVE|REL)?\s*"
    r"(SHOW|TRUE|YES|1|HIDE|FALSE|NO|0)?\s*(.*?)\s*\}\s*$", re.DOTALL)


def read(text: str) -> list[Imported]:
    category: list[str] = []
    found = []
    for lines in _blocks(text):
        question = _question(lines, category)
        if question is None:
            continue
        if question.qtype == "category":
            category = question.category
        else:
            found.append(question)
    return found


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.splitlines():
        line = line.strip()
        if line in ("", "0"):  # PHP's empty(): "0" counts as blank
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in zip(ESCAPED, PLACEHOLDERS, strict=True):
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def _post(text: str) -> str:
    for placeholder, character in zip(PLACEHOLDERS, CHARACTERS, strict=True):
        text = text.replace(placeholder, character)
    return text


def _with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    fmt = default
    if text.startswith("[") and "]" in text:
        name = text[1:text.index("]")]
        if name in ("moodle", "html", "plain", "markdown"):
            fmt, text = name, text[text.index("]") + 1:]
    return _post(text).strip(), fmt


def _comment(answer: str, fmt: str) -> tuple[str, str]:
    bits = answer.split("#", 1)
    text = _with_format(bits[0].strip(), fmt)[0]
    feedback = _with_format(bits[1].strip(), fmt)[0] if len(bits) > 1 else ""
    return text, feedback


def _weight(answer: str) -> tuple[float, str]:
    answer = answer[1:]
    end = answer.index("%")
    return float(answer[:end]) / 100, answer[end + 1:]


def _question(raw: list[str], category: list[str]) -> Imported | None:
    lines = [" " if line.startswith("//") else line for line in raw]
    text = "\n".join(lines).strip()
    if not text:
        return None
    text = _pre(text)
    if text.startswith("$CATEGORY:"):
        return Imported("category", "", split_category_path(text[10:].strip()), "")
    name = ""
    if text.startswith("::"):
        text = text[2:]
        end = text.find("::")
        name, text = _post(text[:end]), text[end + 2:].strip()
    start, finish = text.find("{"), text.find("}")
    if start < 0 or finish < 0:
        raise ImportFailure(f"no answer braces in {text!r}")
    answers = text[start + 1:finish].strip()
    questiontext = text[:start] + text[finish + 1:] if text.endswith("}") else text[:start] + "_____" + text[finish + 1:]
    general = ""
    if "####" in answers:
        general = answers[answers.rindex("####") + 4:]
        answers = answers[:answers.rindex("####")].strip()
    qtext, fmt = _with_format(questiontext)
    question = Imported("", name, category, qtext, _with_format(general, fmt)[0])
    ordering = ORDERING.match("\n".join(lines))
    if answers.startswith(">") and ordering:
        question.qtype, question.selecttype = "ordering", ordering.group(3) or "RANDOM"
        items = [item.strip() for item in ordering.group(7).split("\n") if item.strip()]
        count = int(ordering.group(2))
        question.selectcount = count if 2 < count <= len(items) else min(6, len(items))
        question.gradingtype = ordering.group(5) or "RELATIVE"
        question.answers = [Answer(item, 1) for item in items]
        return question
    _typed(question, answers, fmt)
    return question


def _typed(q: Imported, answers: str, fmt: str) -> None:
    if answers == "":
        q.qtype = "essay"
        q.responsefieldlines = 15
    elif answers[0] == "#":
        q.qtype = "numerical"
        for part in [p for p in answers[1:].split("=") if p.strip()]:
            text, _ = _comment(part.strip(), fmt)
            value, _, tolerance = text.partition(":")
            q.answers.append(Answer(value, 1, tolerance=php_number(tolerance or "0")))
            php_number(value)
    elif "~" in answers:
        q.qtype, q.single = "multichoice", "=" in answers
        parts = answers.replace("=", "~=").split("~")
        for part in [p.strip() for p in parts if p.strip()]:
            if part.startswith("="):
                fraction, part = 1.0, part[1:]
            elif WEIGHT.match(part):
                fraction, part = _weight(part)
            else:
                fraction = 0.0
            text, feedback = _comment(part, fmt)
            q.answers.append(Answer(text, match_grade(fraction), feedback))
        check_multichoice(q.single, [a.fraction for a in q.answers])
    elif "=" in answers and "->" in answers:
        q.qtype = "matching"
        for part in [p.strip() for p in answers.split("=") if p.strip()]:
            marker = part.index("->")
            q.subquestions.append((_with_format(part[:marker], fmt)[0], _post(part[marker + 2:]).strip()))
        if len(q.subquestions) < 2:
            raise ImportFailure("matching needs at least two pairs")
    elif (answers.split("#")[0].strip() if "#" in answers[1:] else answers) in ("T", "TRUE", "F", "FALSE"):
        q.qtype = "truefalse"
        right = answers.split("#")[0].strip() in ("T", "TRUE")
        q.answers = [Answer("true", float(right)), Answer("false", float(not right))]
    else:
        q.qtype = "shortanswer"
        for part in [p.strip() for p in answers.split("=") if p.strip()]:
            fraction = 1.0
            if WEIGHT.match(part):
                fraction, part = _weight(part)
            text, feedback = _comment(part, fmt)
            q.answers.append(Answer(text, match_grade(fraction), feedback))
        if not any(a.fraction == 1 for a in q.answers):
            raise ImportFailure("shortanswer without a 100 % answer")
