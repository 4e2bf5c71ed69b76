"""The course's questions -> ``ID-moodle.xml``, for Moodle's Question bank -> Import -> Moodle XML.

One category per lesson under the course's category (:mod:`.categories`); each question named
and given the idnumber of its id, so the bank, the book and the SCORM interactions agree. Every
text is HTML in one CDATA section; images travel inside the text field that shows them, as
base64 ``<file>`` elements addressed ``@@PLUGINFILE@@/...``. Written with the rules of Moodle's
own importer (``question/format/xml/format.php`` and each question type's
``save_question_options``): see docs/question-banks.md.
"""

from __future__ import annotations

import base64
from pathlib import Path, PurePosixPath
from typing import ClassVar
from urllib.parse import quote

from lxml import etree

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
from .html import html
from .skips import unsupported

FORMAT = "moodle"


class MoodleXmlBuilder(Builder):
    name: ClassVar[str] = "moodle"
    description: ClassVar[str] = "Moodle XML question bank (Question bank -> Import -> Moodle XML)"

    def check(self, course: Course, options: BuildOptions) -> list[Diagnostic]:
        return [skip.diagnostic for skip in unsupported(course, FORMAT)]

    def build(self, course: Course, staging: Path, context: BuildContext) -> BuildResult:
        path = staging / f"{course.id}-moodle.xml"
        path.write_bytes(moodle_xml(course))
        return BuildResult([path])


def moodle_xml(course: Course) -> bytes:
    skipped = {skip.question.id for skip in unsupported(course, FORMAT)}
    quiz = etree.Element("quiz")
    _category(quiz, categories.path(course))
    for lesson in course.lessons:
        _category(quiz, categories.path(course, lesson))
        for question in lesson.questions:
            if question.id not in skipped:
                _question(quiz, course, question)
    etree.indent(quiz, space="  ")
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _category(quiz: etree._Element, path: str) -> None:
    question = etree.SubElement(quiz, "question", type="category")
    _plain(etree.SubElement(question, "category"), path)


def _question(quiz: etree._Element, course: Course, q: Question) -> None:
    kind = _KIND[type(q).type]
    element = etree.SubElement(quiz, "question", type=kind)
    _plain(etree.SubElement(element, "name"), q.id)
    _rich(element, "questiontext", f"<p>{q.prompt_html}</p>", course)
    _rich(element, "generalfeedback", q.explanation_html, course)
    _value(element, "defaultgrade", decimal(q.points))
    _value(element, "penalty", "0.3333333")
    _value(element, "hidden", "0")
    _value(element, "idnumber", q.id)
    _BODY[kind](element, course, q)


def _choices(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, ChoiceQuestion)
    grades = choice_grades([o.correct for o in q.options], single=not isinstance(q, MultipleChoice))
    assert grades is not None  # skipped before (see .skips)
    _value(element, "single", "false" if isinstance(q, MultipleChoice) else "true")
    _value(element, "shuffleanswers", "false")  # the book's order ("all of the above" stays last)
    _value(element, "answernumbering", "abc")
    for option, grade in zip(q.options, grades, strict=True):
        answer = _rich(element, "answer", option.html, course)
        answer.set("fraction", grade)
        _rich(answer, "feedback", option.feedback_html, course)


def _true_false(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, TrueFalse)
    for word, value in (("true", True), ("false", False)):
        answer = etree.SubElement(element, "answer", fraction="100" if q.answer is value else "0", format="moodle_auto_format")
        _plain(answer, word)
        _rich(answer, "feedback", "", course)


def _short_answer(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, FillIn)
    _value(element, "usecase", "0")
    for accepted in q.answers:
        answer = etree.SubElement(element, "answer", fraction="100", format="moodle_auto_format")
        _plain(answer, accepted.replace("*", r"\*"))  # a bare * is Moodle's wildcard
        _rich(answer, "feedback", "", course)


def _numerical(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, Numeric)
    answer = etree.SubElement(element, "answer", fraction="100", format="moodle_auto_format")
    _plain(answer, decimal(q.answer))
    _rich(answer, "feedback", "", course)
    _value(answer, "tolerance", decimal(q.tolerance))
    _value(element, "unitgradingtype", "0")
    _value(element, "unitpenalty", "0.1000000")
    _value(element, "showunits", "3")  # no units
    _value(element, "unitsleft", "0")


def _matching(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, Matching)
    _value(element, "shuffleanswers", "true")
    for pair in q.pairs:
        sub = _rich(element, "subquestion", _escape(pair.left), course)
        _plain(etree.SubElement(sub, "answer"), pair.right)


def _ordering(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, Ordering)
    _value(element, "layouttype", "VERTICAL")
    _value(element, "selecttype", "ALL")  # without it Moodle shows a random 6 of the items
    _value(element, "selectcount", str(len(q.items)))
    _value(element, "gradingtype", "ALL_OR_NOTHING")  # as in the book and the SCORM quiz
    _value(element, "showgrading", "SHOW")
    for item in q.items:  # the order of the <answer> elements is the correct order
        answer = _rich(element, "answer", _escape(item), course)
        answer.set("fraction", "1")


def _essay(element: etree._Element, course: Course, q: Question) -> None:
    assert isinstance(q, Essay)
    _value(element, "responseformat", "editor")
    _value(element, "responserequired", "1")
    _value(element, "responsefieldlines", str(q.lines))
    _value(element, "attachments", "0")
    _value(element, "attachmentsrequired", "0")
    _rich(element, "graderinfo", q.model_answer_html, course)
    _rich(element, "responsetemplate", "", course)


_KIND = {"single": "multichoice", "multiple": "multichoice", "true-false": "truefalse",
         "fill-in": "shortanswer", "numeric": "numerical", "matching": "matching",
         "ordering": "ordering", "essay": "essay"}
_BODY = {"multichoice": _choices, "truefalse": _true_false, "shortanswer": _short_answer,
         "numerical": _numerical, "matching": _matching, "ordering": _ordering, "essay": _essay}


def _rich(parent: etree._Element, tag: str, fragment: str, course: Course) -> etree._Element:
    """``<tag format="html"><text><![CDATA[...]]></text><file .../></tag>``."""
    element = etree.SubElement(parent, tag, format="html")
    converted = html(fragment, _plugin_file)
    text = etree.SubElement(element, "text")
    text.text = etree.CDATA(converted.text) if converted.text else None
    for key in converted.images:
        media = course.media[key]
        where = _relative(key)
        folder = str(where.parent) if str(where.parent) != "." else ""
        file = etree.SubElement(element, "file", name=where.name, path=f"/{folder}/" if folder else "/",
                                encoding="base64")
        file.text = base64.b64encode(media.data).decode("ascii")
    return element


def _plugin_file(key: str) -> str:
    return "@@PLUGINFILE@@/" + "/".join(quote(part) for part in _relative(key).parts)


def _relative(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    return path.relative_to("media") if path.parts[:1] == ("media",) else path


def _plain(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, "text").text = text


def _value(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
