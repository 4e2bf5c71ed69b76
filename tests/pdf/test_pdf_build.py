"""The builder's contract: file names, the page map for the EPUB, byte-identical rebuilds, PNG previews."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pdf_helpers import (
    Built,
    first_page_with,
    lesson_heading,
    page_numbered,
    printed_number,
    squash,
)

from tests.conftest import REPO, TEST_OUTPUT


def test_file_names(any_pdf: Built) -> None:
    cid = any_pdf.course.id
    assert {p.name for p in any_pdf.files.values()} >= {f"{cid}-workbook.pdf", f"{cid}-answer-key.pdf"}
    assert any_pdf.page_map.source == f"{cid}-workbook.pdf"


def test_weasyprint_has_nothing_to_complain_about(any_pdf: Built) -> None:
    assert any_pdf.warnings == []


def test_page_map_lists_the_first_model_anchor_of_each_page(any_pdf: Built) -> None:
    pages = any_pdf.page_map.pages
    course = any_pdf.course
    question_ids = {f"question.{q.id}" for q in course.questions}
    assert pages and set(pages) <= set(course.anchors) | question_ids
    assert not [a for a in pages if "--fn." in a], "footnotes float to the page foot in print only"
    assert any(a in question_ids for a in pages), "worksheet pages are in the map too"
    numbers = [int(label) for label in pages.values()]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), "one entry per page, in order"
    assert max(numbers) <= len(any_pdf.pages())
    for lesson in course.lessons:
        assert pages[lesson.id] == str(printed_number(any_pdf, first_page_with(any_pdf, lesson_heading(any_pdf, lesson))))
    for anchor, label in pages.items():
        owner = course.anchors.get(anchor)
        page = squash(page_numbered(any_pdf, label))
        lesson = next((lesson for lesson in course.lessons if lesson.id == owner), None)
        if lesson is not None:
            assert squash(lesson.title) in page, f"{anchor} is not on page {label}"


def test_same_source_gives_the_same_bytes(starter_pdf: Built, tmp_path: Path) -> None:
    """A second build, in another process with another hash seed, is byte-identical."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "builders", "-q", "build", str(starter_pdf.course.root),
                    "--format", "pdf", "--out", str(tmp_path)], check=True, cwd=REPO, env=env)
    for edition in ("workbook", "answer-key"):
        first = starter_pdf.files[edition]
        assert (tmp_path / first.name).read_bytes() == first.read_bytes(), edition


def test_preview_images_for_people(example_pdf: Built) -> None:
    """PNGs of a contents page and worksheet pages go to tests/output/ for a person to look at."""
    TEST_OUTPUT.mkdir(exist_ok=True)
    strings = example_pdf.course.strings
    lesson = next(lesson for lesson in example_pdf.course.lessons if lesson.questions)
    shots = {
        "pdf-contents": ("workbook", 2),
        "pdf-lesson": ("workbook", first_page_with(example_pdf, lesson_heading(example_pdf, lesson))),
        "pdf-worksheet": ("workbook", first_page_with(example_pdf, f"{strings.worksheet} · {lesson.title}")),
        "pdf-answer-key": ("answer-key", first_page_with(
            example_pdf, f"{strings.lesson} {lesson.number} · {strings.worksheet} {lesson.title}", "answer-key")),
        "pdf-answers-at-a-glance": ("answer-key", 3),
    }
    for name, (edition, page) in shots.items():
        target = TEST_OUTPUT / name
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(example_pdf.files[edition]), str(target)], check=True)
        assert target.with_suffix(".png").stat().st_size > 10_000
