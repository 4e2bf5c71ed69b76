"""One SCO -> its HTML page: title page, lessons, quizzes, glossary and results in one document.

In: the course, a :class:`~builders.scorm.manifest.Sco` and the SCORM limits. Out: the HTML
text, rendered from ``templates/scorm/sco.html.jinja``. The runtime shows one page (section) at a
time; a SCO is one document because SCORM allows one Initialize and one Finish per launch.

The model's fragments are XHTML; here they are re-serialised as HTML (``<span/>`` would not
close in HTML) and links to lessons outside the SCO are unwrapped (a SCO cannot open another).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from markupsafe import Markup

from ..model import (
    GLOSSARY,
    ChoiceQuestion,
    Course,
    Essay,
    FillIn,
    GlossaryEntry,
    Lesson,
    Matching,
    Numeric,
    Ordering,
    Question,
    TrueFalse,
)
from ..shared.shuffle import display_order
from ..shared.templating import render
from .manifest import Sco
from .quiz import (
    ALPHABET,
    LEFT_IDS,
    SUSPEND_FORMAT,
    Limits,
    budget,
    number_text,
    runtime_question,
)

RUNTIME_SCRIPTS = ("format.js", "lms.js", "state.js", "quiz.js", "tracker.js", "app.js")
"""The runtime's files in load order (``templates/scorm/runtime/``, copied to ``assets/``)."""
STYLESHEET = "coursepack.css"
EMPTY = Markup("")
DEPRECATED_ROLES = {"doc-endnote"}
"""ARIA roles that axe reports as deprecated in HTML (DPUB-ARIA 1.1); the element keeps its id."""
_HREF_RE = re.compile(r'href="#([^"]+)"')
HINTS = {
    "single": "tick_one", "true-false": "tick_one", "multiple": "tick_all", "fill-in": "fill_blank",
    "matching": "match_items", "ordering": "order_items", "essay": "write_answer",
}
"""The instruction printed under each type of question (a field of Strings)."""
RUNTIME_STRINGS = (
    "correct", "incorrect", "attempts_left", "no_attempts_left", "answer_recorded", "enter_number",
    "answer_first", "positions_unique", "passed", "failed", "completed", "answered",
    "not_answered", "page", "of", "finish_hint", "session_ended",
)


@dataclass(frozen=True)
class Page:
    """One screen of the SCO: a ``<section data-page=kind>``."""

    kind: str
    """``title``, ``lesson``, ``quiz``, ``glossary`` or ``results``."""
    key: str
    """Bookmark saved in lesson_location / suspend_data: stable across rebuilds."""
    id: str
    title: str
    lesson: Lesson | None = None
    glossary: tuple[GlossaryEntry, ...] = ()


@dataclass(frozen=True)
class Choice:
    """A native control's value and the text (HTML) of its label."""

    value: str
    html: Markup
    feedback: Markup = EMPTY
    correct: bool = False
    name: str = ""
    """The control's accessible name when its label holds a formula (the TeX): tools give a
    label of MathML no name."""


@dataclass(frozen=True)
class RubricRow:
    """One criterion of an essay's rubric, as the learner sees it after submitting."""

    criterion: Markup
    points: str
    levels: tuple[tuple[str, Markup], ...] = ()
    """(points, descriptor) from the most points down."""


@dataclass(frozen=True)
class QuestionView:
    question: Question
    prompt: Markup
    explanation: Markup
    options: tuple[Choice, ...] = ()
    """Radio buttons / checkboxes (choice, true-false)."""
    rows: tuple[Choice, ...] = ()
    """One select each: the left sides of a matching question, the items of an ordering one."""
    targets: tuple[Choice, ...] = ()
    """The options of every select: right-hand sides (shuffled) or positions 1..n."""
    answer: tuple[Markup, ...] = ()
    """The correct answer as shown after the last try, one line each."""
    model_answer: Markup = EMPTY
    max_length: int = 0
    meta: str = ""
    """The line under the prompt, e.g. 'Question 2 · 3 points · Tick one.'"""
    limit: str = ""
    """The length limit printed under an essay, e.g. 'Up to 255 characters.'"""
    rubric: tuple[RubricRow, ...] = ()
    """An essay's rubric, shown with the model answer for self-assessment."""


def pages(course: Course, sco: Sco) -> list[Page]:
    s = course.strings
    result = [Page("title", "title", "cp_title", s.title_page)] if sco.title_page else []
    for lesson in sco.lessons:
        result.append(Page("lesson", f"L:{lesson.id}", f"cp_lesson_{lesson.id}", lesson.title, lesson))
        if lesson.questions:
            result.append(Page("quiz", f"Q:{lesson.id}", f"cp_quiz_{lesson.id}", s.check_your_understanding, lesson))
    glossary = glossary_entries(course, sco)
    if glossary:
        result.append(Page("glossary", "glossary", "cp_glossary", s.glossary, glossary=glossary))
    result.append(Page("results", "results", "cp_results", s.results))
    return result


def glossary_entries(course: Course, sco: Sco) -> tuple[GlossaryEntry, ...]:
    """The whole glossary in the one-SCO package; in a lesson's SCO, the terms its lessons link
    to (a thousand lessons times the whole glossary would grow with the square of the course)."""
    if sco.title_page:
        return course.glossary
    used = {m.group(1) for lesson in sco.lessons for m in _HREF_RE.finditer(lesson.html)}
    return tuple(entry for entry in course.glossary if entry.id in used)


def sco_questions(sco: Sco) -> list[Question]:
    return [q for lesson in sco.lessons for q in lesson.questions]


def render_sco(course: Course, sco: Sco, limits: Limits) -> str:
    sco_pages = pages(course, sco)
    questions = sco_questions(sco)
    essay_max = budget(questions, [p.key for p in sco_pages], limits).essay_max
    lesson_ids = {lesson.id for lesson in sco.lessons}

    def html(fragment: str) -> Markup:
        return to_html(fragment, course, lesson_ids)

    views = {q.id: question_view(q, course, html, limits, essay_max) for q in questions}
    return render(
        "scorm/sco.html.jinja",
        course=course, s=course.strings, sco=sco, pages=sco_pages, views=views, html=html,
        questions=questions, graded=[q for q in questions if q.graded],
        passing_score=None if course.assessment.passing_score is None else number_text(course.assessment.passing_score),
        stylesheet=f"assets/{STYLESHEET}", scripts=[f"assets/{name}" for name in RUNTIME_SCRIPTS],
        data=runtime_json(course, questions, limits, essay_max, sco.item),
    )


def runtime_json(course: Course, questions: list[Question], limits: Limits, essay_max: int,
                 sco: str = "") -> Markup:
    """The runtime's configuration, safe inside ``<script type="application/json">``.
    ``course``, ``version`` and ``sco`` name the browser's copy of the saved progress."""
    data = {
        "format": SUSPEND_FORMAT,
        "scormVersion": limits.version,
        "course": course.id,
        "version": course.version,
        "sco": sco,
        "passingScore": course.assessment.passing_score,
        "attempts": course.assessment.attempts,
        "suspendLimit": limits.suspend_data,
        "questions": [runtime_question(q, limits, essay_max) for q in questions],
        "strings": {name: getattr(course.strings, name) for name in RUNTIME_STRINGS},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def question_view(question: Question, course: Course, html: Callable[[str], Markup], limits: Limits,
                  essay_max: int) -> QuestionView:
    s = course.strings
    prompt = html(question.prompt_html) if not isinstance(question, FillIn) else _with_blank(question.prompt_html, s.blank, html)
    common = {"question": question, "prompt": prompt, "explanation": html(question.explanation_html),
              "meta": meta_line(question, course)}
    if isinstance(question, ChoiceQuestion):
        options = tuple(Choice(ALPHABET[i], html(o.html), html(o.feedback_html), o.correct,
                               o.text if "<math" in o.html else "")
                        for i, o in enumerate(question.options))
        return QuestionView(**common, options=options, answer=tuple(o.html for o in options if o.correct))
    if isinstance(question, TrueFalse):
        options = (Choice("true", Markup.escape(s.true), correct=question.answer),
                   Choice("false", Markup.escape(s.false), correct=not question.answer))
        return QuestionView(**common, options=options, answer=tuple(o.html for o in options if o.correct))
    if isinstance(question, FillIn):
        return QuestionView(**common, answer=(Markup.escape(question.answers[0]),), max_length=limits.text)
    if isinstance(question, Numeric):
        shown = number_text(question.answer)
        if question.tolerance:
            shown += f" ± {number_text(question.tolerance)}"
        return QuestionView(**common, answer=(Markup.escape(shown),), max_length=limits.number)
    if isinstance(question, Matching):
        rows = tuple(Choice(LEFT_IDS[i], Markup.escape(p.left)) for i, p in enumerate(question.pairs))
        order = display_order(len(question.pairs), question.id)
        targets = tuple(Choice(ALPHABET[i], Markup.escape(question.pairs[i].right)) for i in order)
        answer = tuple(Markup.escape(f"{p.left} → {p.right}") for p in question.pairs)
        return QuestionView(**common, rows=rows, targets=targets, answer=answer)
    if isinstance(question, Ordering):
        order = display_order(len(question.items), question.id)
        rows = tuple(Choice(ALPHABET[i], Markup.escape(question.items[i])) for i in order)
        targets = tuple(Choice(str(n), Markup(str(n))) for n in range(1, len(question.items) + 1))
        answer = tuple(Markup.escape(f"{n}. {item}") for n, item in enumerate(question.items, start=1))
        return QuestionView(**common, rows=rows, targets=targets, answer=answer)
    assert isinstance(question, Essay)
    rubric = tuple(RubricRow(html(c.criterion_html), number_text(c.points),
                             tuple((number_text(points), html(text)) for points, text in c.levels))
                   for c in question.rubric)
    return QuestionView(**common, model_answer=html(question.model_answer_html), max_length=essay_max,
                        limit=s.max_characters.replace("{count}", str(essay_max)), rubric=rubric)


def meta_line(question: Question, course: Course) -> str:
    s = course.strings
    parts = [f"{s.question} {question.number}"]
    if question.graded:
        parts.append(f"{number_text(question.points)} {s.point if question.points == 1 else s.points}")
    if question.type in HINTS:
        parts.append(getattr(s, HINTS[question.type]))
    return " · ".join(parts)


def _with_blank(prompt_html: str, label: str, html: Callable[[str], Markup]) -> Markup:
    """The fill-in prompt with the blank drawn as a line that screen readers call ``label``."""
    root = _parse(prompt_html)
    for blank in root.iter("span"):
        if blank.get("class") == "blank":
            inner = etree.SubElement(blank, "span", {"class": "cp-sr"})
            inner.text = label
    return html(_serialize(root))


def to_html(fragment: str, course: Course, lesson_ids: set[str]) -> Markup:
    """An XHTML fragment of the model as HTML, links to lessons outside this SCO unwrapped."""
    if not fragment:
        return Markup("")
    root = _parse(fragment)
    for element in root.iter():
        if element.get("role") in DEPRECATED_ROLES:
            del element.attrib["role"]
    for link in list(root.iter("a")):
        href = link.get("href", "")
        owner = course.anchor_owner(href[1:]) if href.startswith("#") else None
        if owner is not None and owner != GLOSSARY and owner not in lesson_ids:
            _unwrap(link)
    parts = [root.text and Markup.escape(root.text) or ""]
    for child in root:
        parts.append(etree.tostring(child, method="html", encoding="unicode"))
    return Markup("".join(parts))


def _parse(fragment: str) -> etree._Element:
    return etree.fromstring(f"<div>{fragment}</div>")


def _serialize(root: etree._Element) -> str:
    text = etree.tostring(root, encoding="unicode")
    return text[len("<div>"):-len("</div>")] if text != "<div/>" else ""


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its content."""
    parent = element.getparent()
    index = parent.index(element)
    tail = element.tail or ""
    children = list(element)
    text = element.text or ""
    previous = parent[index - 1] if index > 0 else None
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else previous
    if last is not None:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
