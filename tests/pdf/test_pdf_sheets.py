"""A lesson's worksheet is laid out apart from it in the workbook (builders.pdf.parts): an edited
question lays out the worksheets alone, an edited paragraph the lesson alone; a lesson laid out
again with a core to spare gets its worksheet laid out beside it on the side the store lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from edits import edit_prompt, edit_word

from builders import build as build_module
from builders.base import BuildOptions
from builders.pdf import parts


def _with_questions(course: Path) -> Path:
    return next(path for path in sorted((course / "lessons").glob("*.md")) if "```quiz" in path.read_text())


def test_an_edited_question_lays_out_its_worksheets_and_no_lesson(small: Path, tmp_path: Path,
                                                                 laid_out: list[str]) -> None:
    out = tmp_path / "out"
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    laid_out.clear()
    edit_prompt(_with_questions(small))
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=1)
    assert len(laid_out) == 2, "the workbook's worksheet and the answer key's"
    assert not any('class="lesson-body"' in html for html in laid_out)
    assert sum('class="lesson continued"' in html for html in laid_out) == 1


def test_a_lesson_laid_out_again_gets_its_worksheet_laid_out_beside_it_on_the_other_side(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With two jobs and one lesson to lay out, the worksheet's other side goes on the spare
    core at the same time; once both sides are stored, a lesson edit lays out the lesson alone."""
    record = tmp_path / "in_parallel.log"
    original = parts.in_parallel

    def recording(work: object, items: list, jobs: int) -> object:  # a spy on the real function
        if items:
            with record.open("a") as log:
                log.write(" ".join("sheet" if isinstance(item, tuple) else "part" for item in items) + "\n")
        return original(work, items, jobs)

    monkeypatch.setattr(parts, "in_parallel", recording)
    out = tmp_path / "out"
    build_module.build(small, out, ["pdf"], BuildOptions(), jobs=2)
    lesson = _with_questions(small)
    for expected in (["part sheet"], ["part"]):
        record.unlink()
        edit_word(lesson)
        build_module.build(small, out, ["pdf"], BuildOptions(), jobs=2)
        assert record.read_text().splitlines() == expected
