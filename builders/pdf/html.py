"""Course model -> the HTML document WeasyPrint turns into the workbook or the answer key.

In: a :class:`~builders.model.Course`, the edition (``workbook``, ``answer-key`` or
``fillable``), the page size and the :class:`Part` of the edition. Out: the HTML of that part
and, separately, the edition's stylesheet (its fonts come from :mod:`builders.pdf.fonts`; images
and fonts are fetched by :mod:`builders.pdf.render` from the course and templates/pdf/fonts).
:func:`document_html` gives the whole edition as one document, to read or to time WeasyPrint alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

from ..model import Course, Lesson
from ..shared.bibliography import gather
from ..shared.templating import asset, render
from .fonts import FontSet, stack
from .fragments import print_html
from .math import formulas_as_images
from .questions import QuestionView, view

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


@dataclass(frozen=True, slots=True)
class Part:
    """A run of an edition laid out on its own (:mod:`builders.pdf.parts`): the front matter,
    lessons (with their worksheets), the answer key's grid, the back matter (bibliography and
    glossary). Each begins on a right-hand page, except the worksheet of a lesson laid out apart
    from it (``sheet``), which begins on the page after the lesson's last."""

    front: bool = False
    lessons: tuple[LessonView, ...] = ()
    grid: bool = False
    glossary: bool = False
    sheet: bool = False
    """Only the worksheet of its one lesson, continuing the part before it (the lesson)."""
    sheet_apart: bool = False
    """Its one lesson without the worksheet, which is the next part."""


@dataclass(frozen=True, slots=True)
class PartNumbers:
    """What a part prints that the parts before it decide."""

    first_page: int = 1
    figures_before: int = 0
    verso: bool = False
    """It begins on a left-hand page (a right-hand one in a right-to-left course): a worksheet
    after a lesson of an odd number of pages."""


def part_html(course: Course, edition: Edition, page_size: str, part: Part, numbers: PartNumbers,
              lessons: tuple[LessonView, ...], *, standalone: bool = False) -> str:
    """The HTML of one part. Its stylesheet is :func:`stylesheet`, which the renderer parses
    once for all parts; ``standalone`` puts it in the document instead (and the contents
    finds its page numbers with ``target-counter()``, where a part leaves slots for them:
    :mod:`builders.pdf.slots`)."""
    key = edition == "answer-key"
    strings = course.strings
    css = part_css(numbers)
    if standalone:
        css = Markup(stylesheet(course, edition, page_size)) + "\n" + css  # our CSS: course words in it are css_string()s
    return formulas_as_images(render(
        "pdf/answer-key.html.jinja" if key else "pdf/workbook.html.jinja",
        course=course, s=strings, title=f"{course.title} · {strings.answer_key}" if key else course.title,
        edition=edition, key=key, fillable=edition == "fillable", part=part, all_lessons=lessons,
        glossary=course.glossary, css=css, slots=not standalone,
        prompt=_prompt_writer(key, edition == "fillable"), zip=zip, bibliography=gather(course.lessons),
    ))


def document_html(course: Course, edition: Edition, page_size: str, *,
                  lessons: tuple[LessonView, ...] | None = None) -> str:
    """The whole edition as one self-contained HTML document, to read or to lay out in one go."""
    lessons = lessons if lessons is not None else lesson_views(course)
    whole = Part(front=True, lessons=lessons, grid=True, glossary=True)
    return part_html(course, edition, page_size, whole, PartNumbers(), lessons, standalone=True)


def part_css(numbers: PartNumbers) -> Markup:
    """The rules of a part's own ``<style>``: all that ``numbers`` change in a body part."""
    rules = [f"body {{ counter-reset: figure {numbers.figures_before}; }}"]
    if numbers.first_page != 1:
        rules.append(f"@page :first {{ counter-reset: page {numbers.first_page}; }}")
    if numbers.verso:
        rules.append("html { break-before: verso; }")
    return Markup("\n".join(rules))


def stylesheet(course: Course, edition: Edition, page_size: str) -> str:
    """Fonts, page boxes and print styles of an edition: the same for each of its parts."""
    strings = course.strings
    page_css = render(
        "pdf/page.css.jinja", edition=edition, key=edition == "answer-key", size=PAGE_SIZES[page_size],
        running_title=css_string(course.title), page_word=css_string(strings.page),
        teacher_copy=css_string(strings.teacher_copy), figure_word=css_string(strings.figure),
    )
    return fonts_css(FontSet(course.pdf.fonts)) + "\n" + asset("pdf/workbook.css").decode("utf-8") + "\n" + page_css


def fonts_css(fonts: FontSet) -> str:
    """The ``@font-face`` rules of ``fonts`` and which text each stack sets."""
    return render("pdf/fonts.css.jinja", faces=fonts.faces, serif=Markup(stack(fonts.serif)),
                  sans=Markup(stack(fonts.sans)))


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
