"""Where each question goes in the LMS's question bank: one category per lesson, inside one
category named after the course: ``$course$/top/COURSE TITLE/LESSON TITLE``.

Moodle keeps a category name as HTML-ish text and strips anything that looks like a tag
(``clean_param(..., PARAM_TEXT)``), so ``&``, ``<`` and ``>`` are written as entities, which it
shows as the characters. Names are joined as Moodle's ``qformat_default::assemble_category_path`` does: a ``/`` inside a
name is doubled, and a name that starts or ends with ``/`` gets a space there.
"""

from __future__ import annotations

from html import escape

from ..model import Course, Lesson

ROOT = ("$course$", "top")


def names(course: Course, lesson: Lesson | None = None) -> tuple[str, ...]:
    """The category's names from the root; without a lesson, the course's own category."""
    own = (_one_line(course.title),)
    return ROOT + own + ((_one_line(lesson.title),) if lesson else ())


def path(course: Course, lesson: Lesson | None = None) -> str:
    return assemble(names(course, lesson))


def assemble(parts: tuple[str, ...]) -> str:
    escaped = []
    for name in parts:
        name = name.replace("/", "//")
        if name.startswith("/"):
            name = " " + name
        if name.endswith("/"):
            name += " "
        escaped.append(name)
    return "/".join(escaped)


def _one_line(text: str) -> str:
    return escape(" ".join(text.split()), quote=False)
