"""The loader: what a valid course becomes in the model (errors live in test_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders.diagnostics import SourceError
from builders.model import (
    GLOSSARY,
    Essay,
    FillIn,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    SingleChoice,
    TrueFalse,
)
from builders.source import load_course
from tests.conftest import load


def test_starter_course_metadata(starter_course: Path) -> None:
    course = load(starter_course)
    assert course.id == "my-first-course"
    assert course.title == "My First Course"
    assert course.language == "en" and course.direction == "ltr"
    assert course.authors == ("Your Name",)
    assert course.version == "1.0.0"
    assert course.date == "2026-01-15" and course.modified == "2026-01-15T00:00:00Z"
    assert course.assessment.passing_score == 70 and course.assessment.attempts == 0
    assert course.scorm.version == "1.2" and course.pdf.page_size == "A4"
    assert course.strings.check_answer == "Check my answer"  # overridden in course.yml
    assert course.strings.next == "Next"
    assert [lesson.id for lesson in course.lessons] == ["getting-started", "question-types"]
    assert [lesson.number for lesson in course.lessons] == [1, 2]


def test_every_question_type(starter_course: Path) -> None:
    questions = {q.id: q for q in load(starter_course).questions}
    single = questions["pick-one"]
    assert isinstance(single, SingleChoice) and single.correct_indexes == (0,)
    assert single.options[1].feedback_html == "That one is uploaded to an LMS."
    multiple = questions["pick-several"]
    assert isinstance(multiple, MultipleChoice) and multiple.correct_indexes == (0, 1)
    tf = questions["true-or-false"]
    assert isinstance(tf, TrueFalse) and tf.answer is False
    fill = questions["fill-the-blank"]
    assert isinstance(fill, FillIn) and fill.answers == ("Markdown", "CommonMark")
    assert fill.prompt_html == 'Lessons are written in <span class="blank"></span>.'
    num = questions["a-number"]
    assert isinstance(num, Numeric) and (num.answer, num.tolerance) == (42.0, 0.0)
    match = questions["match-them"]
    assert isinstance(match, Matching) and match.pairs[0].left == "EPUB"
    assert match.pairs[2].right == "An LMS such as Moodle"
    order = questions["put-in-order"]
    assert isinstance(order, Ordering) and order.items[0] == "Write the lessons" and len(order.items) == 4
    essay = questions["explain-it"]
    assert isinstance(essay, Essay) and essay.lines == 6 and essay.points == 2
    assert essay.model_answer.startswith("A correction made once") and not essay.graded
    assert all(q.graded for q in questions.values() if q is not essay)
    assert [q.number for q in load(starter_course).lessons[1].questions] == list(range(1, 10))


def test_question_positions_point_at_the_source(starter_course: Path) -> None:
    question = {q.id: q for q in load(starter_course).questions}["source-format"]
    lines = (starter_course / "lessons/01-getting-started.md").read_text().splitlines()
    assert lines[question.pos.line - 1] == "- id: source-format"


def test_lesson_content(starter_course: Path) -> None:
    course = load(starter_course)
    lesson = course.lessons[0]
    assert lesson.objectives == ("Describe what a course source is made of.", "Name the three outputs coursepack builds.")
    assert [s.title for s in lesson.sections] == ["One source, three outputs", "Tables and lists"]
    assert lesson.sections[0].id == "getting-started--one-source-three-outputs"
    assert '<figure class="figure" id="getting-started--b.4"><img src="media/diagram.svg"' in lesson.html
    assert "<figcaption>One course source, three outputs</figcaption>" in lesson.html
    assert '<th scope="col">Output</th>' in lesson.html
    assert '<a href="#question-types">another lesson</a>' in lesson.html
    assert '<a href="#getting-started--tables-and-lists">a heading</a>' in lesson.html
    assert 'role="doc-noteref"' in lesson.html and 'id="getting-started--fn.1"' in lesson.html
    assert "```" not in lesson.html and "outputs-count" not in lesson.html
    assert lesson.media == ("media/diagram.svg",)
    assert course.media["media/diagram.svg"].media_type == "image/svg+xml"
    assert course.media["media/diagram.svg"].data.startswith(b"<svg")


def test_anchors_know_their_owner(starter_course: Path) -> None:
    course = load(starter_course)
    assert course.anchor_owner("getting-started--tables-and-lists") == "getting-started"
    assert course.anchor_owner("question-types") == "question-types"
    assert course.anchor_owner("term.worksheet") == GLOSSARY
    assert course.anchor_owner("nowhere") is None


def test_glossary_first_use_is_linked_once(starter_course: Path) -> None:
    course = load(starter_course)
    assert [e.term for e in course.glossary] == ["answer key", "worksheet"]
    html = course.lessons[0].html
    assert html.count('href="#term.worksheet"') == 1
    assert '<a href="#term.answer-key" class="glossary-link">answer key</a>' in html


def test_all_features_course(all_features: Path) -> None:
    course = load(all_features)
    assert course.cover == "media/cover.svg"
    assert course.authors == ("Ada Lovelace", "Émile Durkheim")
    more = course.lessons[2]
    assert more.title == "More Features: Unicode, Images & Links"
    assert [q.id for q in more.questions] == ["mid-lesson", "symbols-choice", "greek-fill", "tolerance-numeric"]
    assert [q.number for q in more.questions] == [1, 2, 3, 4]
    assert "5 &lt; 6 &amp; 7 &gt; 3" in more.html
    assert [(s.title, s.level) for s in more.sections] == [
        ("A third-level heading right after the title", 2), ("Boxes and formulas", 2), ("After the quiz", 2)]  # no skipped level
    assert '<h2 id="more-features--a-third-level-heading-right-after-the-title">' in more.html
    assert set(more.media) == {"media/swatch.png"}


def test_lessons_default_to_the_lessons_folder(starter_course: Path, course_copy) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    text = (folder / "course.yml").read_text()
    start = text.index("lessons:\n")
    end = text.index("glossary:")
    (folder / "course.yml").write_text(text[:start] + text[end:])
    course = load(folder)
    assert [lesson.source for lesson in course.lessons] == [
        "lessons/01-getting-started.md", "lessons/02-question-types.md"]


@pytest.fixture
def in_language(starter_course: Path, course_copy):  # noqa: ANN001, ANN201
    """Load a copy of the starter course whose course.yml says ``language: <tag>``."""

    def load_in(language: str):  # noqa: ANN202
        folder = course_copy(starter_course)
        text = (folder / "course.yml").read_text().replace("language: en ", f"language: {language} ")
        (folder / "course.yml").write_text(text)
        return load_course(folder)

    return load_in


def test_norway_stays_a_language(in_language) -> None:  # noqa: ANN001
    course, warnings = in_language("no")
    assert course.language == "no"
    assert "no built-in interface words for language 'no'" in warnings[0].message


@pytest.mark.parametrize("language, word", [("fr", "Suivant"), ("es-MX", "Siguiente"), ("de", "Weiter")])
def test_built_in_languages(in_language, language: str, word: str) -> None:  # noqa: ANN001
    course, warnings = in_language(language)
    assert course.strings.next == word and not warnings


def test_right_to_left_language(in_language) -> None:  # noqa: ANN001
    course, _ = in_language("ar")
    assert course.direction == "rtl"


def test_source_date_epoch_when_no_date(starter_course: Path, course_copy, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    text = (folder / "course.yml").read_text()
    (folder / "course.yml").write_text("\n".join(l for l in text.splitlines() if not l.startswith("date:")))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    course = load(folder)
    assert course.modified == "2023-11-14T22:13:20Z" and course.date == "2023-11-14"


def test_errors_are_collected_and_sorted(starter_course: Path, course_copy) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    (folder / "course.yml").write_text((folder / "course.yml").read_text().replace("passing_score: 70", "passing_score: 700"))
    lesson = folder / "lessons/02-question-types.md"
    lesson.write_text(lesson.read_text().replace("type: single ", "type: singel ").replace("answer: 42", "answer: many"))
    with pytest.raises(SourceError) as caught:
        load_course(folder)
    messages = [d.message for d in caught.value.diagnostics]
    assert len(messages) == 3
    assert messages[0].startswith("field 'passing_score' must be between 0 and 100")
    assert "singel" in messages[1] and "must be a number" in messages[2]


def test_symlink_inside_the_course_is_fine(starter_course: Path, course_copy) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    (folder / "media" / "alias.svg").symlink_to(folder / "media" / "diagram.svg")
    lesson = folder / "lessons/01-getting-started.md"
    lesson.write_text(lesson.read_text().replace("../media/diagram.svg", "../media/alias.svg"))
    assert "media/diagram.svg" in load(folder).media
