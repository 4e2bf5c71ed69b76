"""The fields of the source format, declared once: the loader checks them, docs/ prints them.

Each section of a course (course.yml and its settings, lesson front matter, a question, an
option, a pair) is a tuple of :class:`FieldSpec`. :meth:`Fields.check_fields` takes a tuple
to reject unknown and missing fields; ``docs/make_field_tables.py`` turns the same tuples into
the tables of docs/source-format.md (and tests/test_docs.py fails when they drift apart).
A field's order here is the order of the "allowed: ..." hint and of the documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a YAML mapping in the source format."""

    name: str
    type: str
    """What to write, as the documentation says it: "text", "slug", "list of texts", ..."""
    required: bool = False
    default: object = None
    """The value a missing field takes (None: no value); tests check it against the loader."""
    description: str = ""


def names(specs: tuple[FieldSpec, ...]) -> tuple[str, ...]:
    return tuple(spec.name for spec in specs)


def required(specs: tuple[FieldSpec, ...]) -> tuple[str, ...]:
    return tuple(spec.name for spec in specs if spec.required)


COURSE: tuple[FieldSpec, ...] = (
    FieldSpec("id", "slug", True, None,
              "Lowercase letters, digits and single hyphens; names the output files (`ID.epub`, ...)."),
    FieldSpec("title", "text", True, None, "The course title, on every cover and title page."),
    FieldSpec("subtitle", "text", False, "", "Shown under the title."),
    FieldSpec("language", "language tag", False, "en",
              "BCP 47 (`en`, `fr`, `pt-BR`, ...); `en`, `fr`, `es`, `de` have built-in interface words."),
    FieldSpec("authors", "list of texts", False, [], "One name or a list of names."),
    FieldSpec("publisher", "text", False, "", "Also the EPUB's accessibility certifier (else the authors)."),
    FieldSpec("license", "text", False, "", "The licence of your course, e.g. `CC BY 4.0`."),
    FieldSpec("version", "text", False, "1.0.0", "The edition's version, printed on the title page."),
    FieldSpec("description", "text", False, "", "A sentence or two: EPUB and PDF metadata, the SCORM title page."),
    FieldSpec("date", "date YYYY-MM-DD", False, None,
              "The edition date; without it `SOURCE_DATE_EPOCH`, else 1980-01-01 (never the clock)."),
    FieldSpec("cover", "image path", False, None,
              "An SVG, PNG or JPEG in the course folder; without it a cover is drawn from the title."),
    FieldSpec("lessons", "list of paths", False, None,
              "The lesson files in order; without it every `lessons/*.md`, sorted by file name."),
    FieldSpec("glossary", "path", False, None, "The glossary file; without it `glossary.yml` when present."),
    FieldSpec("assessment", "mapping", False, None, "Pass mark and attempts (table below)."),
    FieldSpec("scorm", "mapping", False, None, "SCORM version and packaging (table below)."),
    FieldSpec("pdf", "mapping", False, None, "Paper size of the PDFs (table below)."),
    FieldSpec("strings", "mapping", False, None, "Your own words for any interface word (table below)."),
    FieldSpec("outputs", "list of format names", False, None,
              "What a plain `coursepack build` makes (e.g. `[epub, pdf, scorm, moodle]`); "
              "without it epub, pdf and scorm. `--format` overrides it."),
)

ASSESSMENT: tuple[FieldSpec, ...] = (
    FieldSpec("passing_score", "number 0-100", False, None,
              "Percent of the auto-graded points needed to pass; the SCORM mastery score. Omit it: no pass mark."),
    FieldSpec("attempts", "whole number 0-100", False, 0,
              "Tries per question in the SCORM quiz; 0 = unlimited."),
)

SCORM: tuple[FieldSpec, ...] = (
    FieldSpec("version", "\"1.2\" or \"2004\"", False, "1.2",
              "Which package `coursepack build` makes (`--scorm-version` overrides it). Quote it."),
    FieldSpec("sco_per_lesson", "true or false", False, False,
              "true: one SCO per lesson instead of one for the whole course."),
)

PDF: tuple[FieldSpec, ...] = (
    FieldSpec("page_size", "A4 or letter", False, "A4", "Paper size (`--page-size` overrides it)."),
    FieldSpec("fonts", "mapping", False, None,
              "Your own font files for the PDFs, by role: `body`, `bold`, `italic`, `sans` "
              "([fonts.md](fonts.md))."),
)

FRONT_MATTER: tuple[FieldSpec, ...] = (
    FieldSpec("id", "slug", True, None, "Unique in the course; anchors and SCORM item ids come from it."),
    FieldSpec("title", "text", True, None, "The lesson title (the top heading: start the text at `##`)."),
    FieldSpec("objectives", "list of texts", False, [], "Learning objectives (inline Markdown), shown first."),
    FieldSpec("further_reading", "list of works", False, [],
              "Works to read next: `author`, `title`, `year`, optional `publisher`, `journal`, `url`, `note` "
              "([textbook-features.md](textbook-features.md#further-reading))."),
)

QUESTION: tuple[FieldSpec, ...] = (
    FieldSpec("id", "slug", True, None, "Unique in the whole course; answers in every output are keyed by it."),
    FieldSpec("type", "question type", True, None, "One of the types below."),
    FieldSpec("prompt", "inline Markdown", True, None, "The question; for `fill-in`, `___` marks the blank."),
    FieldSpec("explanation", "Markdown", False, "", "Shown with the answer (answer key, EPUB answers, after a SCORM check)."),
    FieldSpec("points", "number", False, 1, "Weight in the score; more than 0 (an essay may have 0)."),
)

QUESTION_TYPE_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "single": (
        FieldSpec("options", "list of options", True, None, "At least 2; exactly one `correct: true`."),
    ),
    "multiple": (
        FieldSpec("options", "list of options", True, None, "At least 2; one or more `correct: true`. Graded all-or-nothing."),
    ),
    "true-false": (
        FieldSpec("answer", "true or false", True, None, "The right answer."),
    ),
    "fill-in": (
        FieldSpec("answers", "list of texts", True, None, "Accepted answers, compared trimmed and ignoring case."),
    ),
    "numeric": (
        FieldSpec("answer", "number", True, None, "The right answer."),
        FieldSpec("tolerance", "number", False, 0.0, "How far from `answer` still counts as right (at least 0)."),
    ),
    "matching": (
        FieldSpec("pairs", "list of pairs", True, None, "At least 2 `{left, right}` pairs; the right side is shown shuffled."),
    ),
    "ordering": (
        FieldSpec("items", "list of texts", True, None, "At least 2, in the correct order; shown shuffled."),
    ),
    "essay": (
        FieldSpec("model_answer", "Markdown", False, "", "Shown after answering and in the answer key. Not graded."),
        FieldSpec("lines", "whole number 1-60", False, 8, "Answer lines in the printed worksheet."),
        FieldSpec("rubric", "list of criteria", False, [],
                  "`{criterion, points, levels}` items whose points add up to the question's points "
                  "([textbook-features.md](textbook-features.md#essay-rubrics))."),
    ),
}

OPTION: tuple[FieldSpec, ...] = (
    FieldSpec("text", "inline Markdown", True, None, "The option as shown."),
    FieldSpec("correct", "true or false", False, False, "Marks a right option."),
    FieldSpec("feedback", "inline Markdown", False, "", "Shown when this option is chosen, and in the answers."),
)

PAIR: tuple[FieldSpec, ...] = (
    FieldSpec("left", "text", True, None, "An item on the left."),
    FieldSpec("right", "text", True, None, "Its match on the right (shuffled when shown)."),
)


ANY_TYPE_FIELDS: tuple[FieldSpec, ...] = tuple({
    spec.name: replace(spec, required=False) for specs in QUESTION_TYPE_FIELDS.values() for spec in specs
}.values())
"""Every type's fields, none required: what a question of an unknown type is judged against."""
