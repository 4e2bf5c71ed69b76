"""What a course question should become in a bank, from the course model (the tests' side)."""

from __future__ import annotations

from bank_rules import shown

from builders.model import Course, Lesson, Question

MOODLE_TYPE = {"single": "multichoice", "multiple": "multichoice", "true-false": "truefalse",
               "fill-in": "shortanswer", "numeric": "numerical", "matching": "matching",
               "ordering": "ordering", "essay": "essay"}


def category(course: Course, lesson: Lesson) -> list[str]:
    """The names a teacher sees (HTML entities read), from $course$ down."""
    return ["$course$", "top", " ".join(course.title.split()), " ".join(lesson.title.split())]


def seen(names: list[str]) -> list[str]:
    return [shown(name) if name not in ("$course$", "top") else name for name in names]


def lesson_of(course: Course, question: Question) -> Lesson:
    return next(lesson for lesson in course.lessons if question in lesson.questions)


def prompt(question: Question) -> str:
    return shown(question.prompt_html.replace('<span class="blank"></span>', "_____"))
