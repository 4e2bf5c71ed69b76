"""Course model -> the HTML document WeasyPrint turns into the workbook or the answer key.

In: a :class:`~builders.model.Course`, the edition (``workbook``, ``answer-key`` or
``fillable``) and the page size. Out: one self-contained HTML string (stylesheets inlined;
images and fonts are fetched by :mod:`builders.pdf_render` from the course media and
templates/pdf/fonts). :func:`document_html` is public so a benchmark can time WeasyPrint alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

from .model import Course, Lesson
from .pdf_fragments import print_html
from .pdf_questions import QuestionView, view
from .templating import asset, render

Edition = Literal["workbook", "answer-key", "fillable"]
EDITIONS: tuple[Edition, ...] = ("workbook", "answer-key", "fillable")
PAGE_SIZES = {"A4": "A4", "letter": "letter"}
_BLANK = '<span class="blank"></span>'


@dataclass(frozen=True, slots=True)
class LessonView:
    lesson: Lesson
    html: Markup
    objectives: tuple[Markup, ...]
    questions: tuple[QuestionView, ...]

    @property
    def graded(self) -> tuple[QuestionView, ...]:
        return tuple(v for v in self.questions if v.question.graded)


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
               .replace("<", "\\3C ").replace(">", "\\3E "))
    return Markup(f'"{escaped}"')


def lesson_views(course: Course) -> tuple[LessonView, ...]:
    """What every edition shows of each lesson (computed once, shared by the editions)."""
    return tuple(
        LessonView(
            lesson=lesson,
            html=Markup(print_html(lesson.html)),
            objectives=tuple(Markup(print_html(o)) for o in lesson.objectives),
            questions=tuple(view(q, course.strings) for q in lesson.questions),
        )
        for lesson in course.lessons
    )


def document_html(course: Course, edition: Edition, page_size: str, *, blank_page: bool = False,
                  lessons: tuple[LessonView, ...] | None = None, tail: bool = False) -> str:
    """The complete HTML of one edition; ``blank_page`` adds an empty last page (duplex).

    ``tail``: only the part of a workbook that starts on the last right-hand page (the glossary,
    or else the last lesson): its page count decides whether the whole needs a blank page.
    """
    key = edition == "answer-key"
    fillable = edition == "fillable"
    strings = course.strings
    lessons = lessons if lessons is not None else lesson_views(course)
    glossary = course.glossary
    if tail:
        lessons = () if glossary else lessons[-1:]
    return render(
        "pdf/answer-key.html.jinja" if key else "pdf/workbook.html.jinja",
        course=course, s=strings, title=f"{course.title} · {strings.answer_key}" if key else course.title,
        edition=edition, key=key, fillable=fillable, front=not tail, lessons=lessons, glossary=glossary,
        css=_stylesheet(course, edition, page_size), blank_page=blank_page,
        prompt=_prompt_writer(key, fillable), zip=zip,
    )


def _stylesheet(course: Course, edition: Edition, page_size: str) -> Markup:
    strings = course.strings
    before, _, after = strings.page_count.partition("{count}")
    page_css = render(
        "pdf/page.css.jinja", edition=edition, key=edition == "answer-key", size=PAGE_SIZES[page_size],
        running_title=css_string(course.title), page_word=css_string(strings.page),
        of_word=css_string(strings.of), teacher_copy=css_string(strings.teacher_copy),
        figure_word=css_string(strings.figure), pages_before=css_string(before),
        pages_after=css_string(after),
    )
    return Markup(asset("pdf/workbook.css").decode("utf-8") + "\n" + page_css)


def _prompt_writer(key: bool, fillable: bool) -> Callable[[QuestionView], Markup]:
    """How a prompt's blanks print: an empty line, the answer (key), or a form field."""

    def prompt(v: QuestionView) -> Markup:
        html = v.question.prompt_html
        if _BLANK not in html:
            return Markup(html)
        if key:
            filled = f'<span class="blank">{escape(v.answer)}</span>'
        elif fillable:
            filled = f'<input type="text" class="blank-input" name="{escape(v.question.id)}" title="{escape(v.instruction)}">'
        else:
            return Markup(html)
        return Markup(html.replace(_BLANK, filled))

    return prompt
