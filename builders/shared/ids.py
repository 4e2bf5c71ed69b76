"""The ids of every fragment and output, built so that no two can be equal (see :mod:`builders.model`).

Three shapes, told apart by characters, so uniqueness holds by construction:

- ``<lesson-id>``: a slug (``[a-z0-9]`` and single ``-``), never ``--``, ``.`` or ``_``;
- ``<lesson-id>--<name>``: something inside a lesson. A heading's name is its slug, and
  :func:`builders.source.markdown.slugify` never yields ``--`` or ``.``; every generated name
  holds a ``.`` (``b.3``, ``fn.1``, ``fnref.1``), so a heading ``## B3`` (``<lesson>--b3``)
  cannot meet the third block (``<lesson>--b.3``);
- ``<kind>.<name>`` with no ``--``: course-wide things (``term.<slug>``, ``question.<id>``,
  ``answer.<id>``, the PDF's ``pdf.cover``, ``ws.<lesson-id>``); a kind is never a lesson id
  followed by ``--``, so lesson ``term`` with heading ``Balance`` (``term--balance``) and the
  glossary entry *balance* (``term.balance``) differ.

Outputs' own ids use ``_`` (``title_<lesson-id>`` in the EPUB, ``cp_...`` in SCORM), which no
shape above holds.
"""

from __future__ import annotations

import re

_FOOTNOTE = re.compile(r"--fn(?:ref)?\.")


def heading(lesson_id: str, slug: str) -> str:
    return f"{lesson_id}--{slug}"


def block(lesson_id: str, number: int) -> str:
    """A top-level block (paragraph, list, table ...) without a heading id."""
    return f"{lesson_id}--b.{number}"


def footnote(lesson_id: str, number: int | str) -> str:
    return f"{lesson_id}--fn.{number}"


def footnote_ref(lesson_id: str, number: int | str, sub: int = 0) -> str:
    """The ``sub``-th extra reference to the same note gets its own id."""
    return f"{lesson_id}--fnref.{number}" + (f".{sub}" if sub > 0 else "")


def is_footnote(anchor: str) -> bool:
    return _FOOTNOTE.search(anchor) is not None


def term(slug: str) -> str:
    return f"term.{slug}"


QUESTION_PREFIX = "question."
ANSWER_PREFIX = "answer."


def question(question_id: str) -> str:
    return f"{QUESTION_PREFIX}{question_id}"


def answer(question_id: str) -> str:
    return f"{ANSWER_PREFIX}{question_id}"
