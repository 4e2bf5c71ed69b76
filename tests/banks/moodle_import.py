"""A reader of Moodle XML that applies what Moodle's importer does (question/format/xml/format.php,
``qformat_xml::readquestions``, ``import_headers``, ``import_answer``, ``import_files_as_draft``,
``trans_single``, ``import_multichoice`` / ``import_truefalse`` / ``import_shortanswer`` /
``import_numerical`` / ``import_match`` / ``import_essay``; the ordering type's ``import_from_xml``),
failing where Moodle would refuse a question. Moodle parses with ``xmlize``: a ``<text>`` holding
elements loses them, so a text must be character data (one CDATA section)."""

from __future__ import annotations

import base64
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
from lxml import etree


def read(data: bytes) -> list[Imported]:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, strip_cdata=False))
    if root.tag != "quiz":
        raise ImportFailure("the root element must be <quiz>")
    category: list[str] = []
    found = []
    for element in root.findall("question"):
        kind = element.get("type")
        if kind == "category":
            category = split_category_path(_text(element.find("category")))
            continue
        question = _headers(element, kind, category)
        _READERS[kind](element, question)
        found.append(question)
    return found


def _text(parent: etree._Element | None, field: str = "text") -> str:
    if parent is None:
        return ""
    text = parent.find(field)
    if text is None:
        return ""
    if len(text):
        raise ImportFailure(f"<{field}> in <{parent.tag}> holds elements: write HTML in one CDATA section")
    return (text.text or "").strip()  # getpath(..., $istext = true) trims


def _files(parent: etree._Element | None) -> dict[str, bytes]:
    files = {}
    if parent is None:
        return files
    for file in parent.findall("file"):
        path = file.get("path") or "/"
        if not (path.startswith("/") and path.endswith("/")):
            raise ImportFailure(f"file path '{path}' must start and end with '/'")
        if file.get("encoding") != "base64":
            raise ImportFailure("files must be base64")
        files[path + file.get("name")] = base64.b64decode(file.text or "", validate=True)
    text = _text(parent)
    for src in re.findall(r'@@PLUGINFILE@@(/[^"\']*)', text):
        from urllib.parse import unquote

        if unquote(src) not in files:
            raise ImportFailure(f"{src} is shown in <{parent.tag}> but not embedded in that field")
    return files


def _bool(element: etree._Element, tag: str, default: bool) -> bool:
    """``trans_single``: false only for the exact text 'false', '0' or empty."""
    child = element.find(tag)
    if child is None:
        return default
    return (child.text or "").strip() not in ("false", "0", "")


def _headers(element: etree._Element, kind: str | None, category: list[str]) -> Imported:
    question = Imported(
        qtype=kind or "", name=_text(element.find("name")), category=category,
        questiontext=_text(element.find("questiontext")), generalfeedback=_text(element.find("generalfeedback")),
        defaultmark=float(element.findtext("defaultgrade") or 1), idnumber=element.findtext("idnumber") or "")
    for fieldname in ("questiontext", "generalfeedback"):
        question.files[fieldname] = _files(element.find(fieldname))
    return question


def _answers(element: etree._Element, question: Imported) -> list[Answer]:
    found = []
    for i, answer in enumerate(element.findall("answer")):
        fraction = match_grade(float(answer.get("fraction", "0")) / 100)
        feedback = answer.find("feedback")
        found.append(Answer(_text(answer), fraction, _text(feedback)))
        question.files[f"answer{i}"] = _files(answer)
        question.files[f"feedback{i}"] = _files(feedback)
    return found


def _multichoice(element: etree._Element, q: Imported) -> None:
    q.single = _bool(element, "single", True)
    q.shuffle = _bool(element, "shuffleanswers", False)
    q.answers = _answers(element, q)
    check_multichoice(q.single, [a.fraction for a in q.answers])


def _truefalse(element: etree._Element, q: Imported) -> None:
    q.answers = _answers(element, q)
    texts = sorted(a.text for a in q.answers)
    if texts != ["false", "true"]:
        raise ImportFailure(f"truefalse answers must be 'true' and 'false', not {texts}")
    if sorted(a.fraction for a in q.answers) != [0, 1]:
        raise ImportFailure("truefalse needs one answer at 100 % and one at 0")


def _shortanswer(element: etree._Element, q: Imported) -> None:
    q.usecase = _bool(element, "usecase", False)
    q.answers = _answers(element, q)
    if not any(a.fraction == 1 for a in q.answers):
        raise ImportFailure("shortanswer without a 100 % answer (the import stops)")


def _numerical(element: etree._Element, q: Imported) -> None:
    q.answers = _answers(element, q)
    for answer, xml in zip(q.answers, element.findall("answer"), strict=True):
        php_number(answer.text)
        answer.tolerance = php_number(xml.findtext("tolerance") or "0")
    if not any(a.fraction == 1 for a in q.answers):
        raise ImportFailure("numerical without a 100 % answer")


def _matching(element: etree._Element, q: Imported) -> None:
    q.shuffle = _bool(element, "shuffleanswers", True)  # import_match's default: shuffle
    for i, sub in enumerate(element.findall("subquestion")):
        q.subquestions.append((_text(sub), _text(sub.find("answer"))))
        q.files[f"subquestion{i}"] = _files(sub)
    if len([s for s in q.subquestions if s[0].strip() and s[1].strip()]) < 2:
        raise ImportFailure("matching needs at least two pairs")


def _ordering(element: etree._Element, q: Imported) -> None:
    q.selecttype = element.findtext("selecttype") or "RANDOM"
    q.selectcount = int(element.findtext("selectcount") or 6)
    q.gradingtype = element.findtext("gradingtype") or "RELATIVE"
    q.answers = [Answer(_text(a), 1) for a in element.findall("answer")]
    if len(q.name) > 42:
        raise ImportFailure("an ordering question's name is cut to 42 characters (fix_questionname)")


def _essay(element: etree._Element, q: Imported) -> None:
    q.graderinfo = _text(element.find("graderinfo"))
    q.files["graderinfo"] = _files(element.find("graderinfo"))
    q.responsefieldlines = int(element.findtext("responsefieldlines") or 15)


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "ordering": _ordering, "essay": _essay}
