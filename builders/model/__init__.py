"""The course model: the one typed, immutable description of a course that every builder reads.

Produced by :mod:`builders.source` (which validates everything first); consumed by the builders.
No IO and no parsing happen here. Every object carries the :class:`SourcePos` it came from.

Conventions of the HTML fragments (``Lesson.html``, ``Question.prompt_html``, ...):

- They are well-formed XHTML fragments (no namespace prefixes), already sanitised.
- Every ``id`` is unique across the whole course, so one document (the PDF) can hold all lessons,
  by construction (the grammar and its proof are in :mod:`builders.shared.ids`): lesson headings
  get ``id="<lesson-id>--<heading-slug>"`` (the only ids made from authored text); every other
  top-level block ``<lesson-id>--b.<N>``; footnotes ``<lesson-id>--fn.<N>`` and
  ``<lesson-id>--fnref.<N>``; glossary entries ``term.<term-slug>``. Outputs give the lesson's
  own element ``id="<lesson-id>"``, a question ``id="question.<question-id>"`` and its answer
  ``id="answer.<question-id>"``, so links and ids agree in every format; ids an output adds for
  itself hold a ``_`` (``title_<lesson-id>``, ``cp_...``), which no model id does.
- Internal links are written ``href="#<id>"``. ``Course.anchor_owner(id)`` tells which lesson
  (or ``GLOSSARY``) holds an id, so a multi-file output rewrites them with
  :func:`builders.shared.xhtml.relink`.
- Images point at ``media/<file>`` (relative to the course folder), the key of ``Course.media``.
- Semantic hooks use ARIA roles (``doc-noteref``, ``doc-endnotes``, ``doc-backlink``,
  ``doc-glossary`` ...) and classes (``figure``, ``glossary-link``); EPUB adds ``epub:type`` from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from .words import Strings

GLOSSARY = "glossary."
"""``Course.anchor_owner`` value for ids that live in the glossary (the "." keeps it apart from any lesson id)."""

QuestionType = Literal[
    "single", "multiple", "true-false", "fill-in", "numeric", "matching", "ordering", "essay"
]
QUESTION_TYPES: tuple[str, ...] = (
    "single", "multiple", "true-false", "fill-in", "numeric", "matching", "ordering", "essay",
)


@dataclass(frozen=True, slots=True)
class SourcePos:
    """Where something was written: a file and a 1-based line (and column, 0 when unknown)."""

    path: Path
    line: int = 0
    col: int = 0


@dataclass(frozen=True, slots=True)
class Media:
    """A file from the course's media folder, read once by the loader."""

    path: str
    """Course-relative POSIX path, e.g. ``media/aegean.svg``; the ``src`` used in fragments."""
    media_type: str
    """``image/svg+xml``, ``image/png`` or ``image/jpeg``."""
    data: bytes
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a single- or multiple-choice question."""

    text: str
    """The option as written (Markdown source stripped to plain text)."""
    html: str
    """The option rendered as an inline XHTML fragment."""
    correct: bool
    feedback_html: str
    """Feedback shown when the learner picks this option ("" when none)."""
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Pair:
    """One left/right pair of a matching question."""

    left: str
    right: str


@dataclass(frozen=True, slots=True)
class Question:
    """Fields every question type has. Use the subclasses; ``type`` names them."""

    id: str
    lesson_id: str
    number: int
    """1-based position of the question within its lesson (the same in every output)."""
    prompt: str
    """Plain text of the prompt (for SCORM interaction descriptions and text searches)."""
    prompt_html: str
    """Inline XHTML of the prompt; fill-in prompts contain the blank as ``<span class="blank"/>``."""
    explanation_html: str
    points: float
    pos: SourcePos

    type: ClassVar[str] = ""
    """The question type as written in the source (``single``, ``fill-in`` ...)."""
    graded: ClassVar[bool] = True
    """Auto-graded (counts towards the score) or self-assessed (essay)."""


@dataclass(frozen=True, slots=True)
class ChoiceQuestion(Question):
    options: tuple[Option, ...] = ()

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        return tuple(i for i, o in enumerate(self.options) if o.correct)


@dataclass(frozen=True, slots=True)
class SingleChoice(ChoiceQuestion):
    type: ClassVar[str] = "single"


@dataclass(frozen=True, slots=True)
class MultipleChoice(ChoiceQuestion):
    type: ClassVar[str] = "multiple"


@dataclass(frozen=True, slots=True)
class TrueFalse(Question):
    answer: bool = True
    type: ClassVar[str] = "true-false"


@dataclass(frozen=True, slots=True)
class FillIn(Question):
    answers: tuple[str, ...] = ()
    """Accepted answers; compared trimmed and case-insensitively. The first is the one to show."""
    type: ClassVar[str] = "fill-in"


@dataclass(frozen=True, slots=True)
class Numeric(Question):
    answer: float = 0.0
    tolerance: float = 0.0
    type: ClassVar[str] = "numeric"


@dataclass(frozen=True, slots=True)
class Matching(Question):
    pairs: tuple[Pair, ...] = ()
    type: ClassVar[str] = "matching"


@dataclass(frozen=True, slots=True)
class Ordering(Question):
    items: tuple[str, ...] = ()
    """The items in their correct order."""
    type: ClassVar[str] = "ordering"


@dataclass(frozen=True, slots=True)
class RubricCriterion:
    """One row of an essay's rubric (inline XHTML). ``levels``: (points, descriptor) pairs, saying
    what an answer that earns those points does, from the most points down."""
    criterion_html: str
    points: float
    levels: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Essay(Question):
    model_answer_html: str = ""
    model_answer: str = ""
    """Plain text of the model answer."""
    lines: int = 8
    rubric: tuple[RubricCriterion, ...] = ()  # its points add up to the question's
    type: ClassVar[str] = "essay"
    graded: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Section:
    """A heading inside a lesson, for tables of contents."""

    id: str
    title: str
    level: int
    """2 for ``##``, 3 for ``###`` ..."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A lesson's further-reading entry in plain text (printed by :mod:`builders.shared.bibliography`).
    With ``journal`` it is an article; ``url`` is http(s) or ""."""
    author: str
    title: str
    year: str
    publisher: str = ""
    journal: str = ""
    url: str = ""
    note: str = ""
    pos: SourcePos | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    number: int
    """1-based position in the course."""
    title: str
    objectives: tuple[str, ...]
    """Learning objectives as inline XHTML."""
    html: str
    """The lesson body (quiz fences removed) as an XHTML fragment."""
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    media: tuple[str, ...]
    """Keys of ``Course.media`` this lesson shows, in order of first use."""
    source: str
    """Course-relative path of the lesson file, e.g. ``lessons/01-key-concepts.md``."""
    pos: SourcePos
    further_reading: tuple[Reading, ...] = ()


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    id: str
    """``term.<slug>``: the anchor of the entry."""
    definition_html: str
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class Assessment:
    passing_score: float | None
    """Percent (0-100) of the auto-graded points needed to pass; ``None``: no pass mark."""
    attempts: int
    """Tries per question in SCORM; 0 = unlimited."""


@dataclass(frozen=True, slots=True)
class ScormSettings:
    version: Literal["1.2", "2004"]
    sco_per_lesson: bool


FontRole = Literal["body", "bold", "italic", "sans"]
FONT_ROLES: tuple[str, ...] = ("body", "bold", "italic", "sans")
"""The faces a course may give the PDF (course.yml ``pdf: fonts:``): body text, its bold and its
italic, and the sans-serif text (labels, running heads, page numbers, code)."""


@dataclass(frozen=True, slots=True)
class FontFile:
    """A font file of the course (TrueType or OpenType), read and parsed once by the loader."""

    role: FontRole
    path: str
    """Course-relative POSIX path, e.g. ``media/fonts/DroidSansFallback.ttf``."""
    data: bytes
    pos: SourcePos


@dataclass(frozen=True, slots=True)
class PdfSettings:
    page_size: Literal["A4", "letter"]
    fonts: tuple[FontFile, ...] = ()
    """The course's own faces, in :data:`FONT_ROLES` order; the bundled ones stay as fallback."""


@dataclass(frozen=True, slots=True)
class SourceText:
    """A text file of the course as it was read (course.yml, a lesson, the glossary), for checks
    about the characters themselves: where a character the PDF fonts lack was written."""

    path: Path
    text: str


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    subtitle: str
    language: str
    direction: Literal["ltr", "rtl"]
    authors: tuple[str, ...]
    publisher: str
    license: str
    version: str
    description: str
    date: str
    """Edition date, ISO ``YYYY-MM-DD`` (from course.yml ``date``, else SOURCE_DATE_EPOCH)."""
    modified: str
    """``YYYY-MM-DDThh:mm:ssZ`` for metadata; derived from the source, never the clock."""
    cover: str | None
    """Key of ``Course.media`` for the cover image, or None (builders generate one)."""
    lessons: tuple[Lesson, ...]
    glossary: tuple[GlossaryEntry, ...]
    media: dict[str, Media]
    """All media the course uses, by course-relative path. Treat as read-only."""
    anchors: dict[str, str]
    """Every fragment id -> the lesson id (or GLOSSARY) that holds it. Treat as read-only."""
    assessment: Assessment
    scorm: ScormSettings
    pdf: PdfSettings
    strings: Strings
    root: Path
    """The course folder (for messages only: builders never read from it)."""
    pos: SourcePos
    texts: tuple[SourceText, ...] = ()
    """The text files read, in reading order: course.yml, the lessons, the glossary."""

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for lesson in self.lessons for q in lesson.questions)


    @property
    def graded_points(self) -> float:
        return sum(q.points for q in self.questions if q.graded)

    def anchor_owner(self, anchor: str) -> str | None:
        return self.anchors.get(anchor)
