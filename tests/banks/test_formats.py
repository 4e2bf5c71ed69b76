"""Choosing the bank formats: --format moodle,gift,qti, --format all, course.yml's outputs:, and
the default build that stays epub, pdf and scorm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders.build import _checked_formats
from builders.cli import main
from builders.registry import available
from tests.conftest import ROOTS


def test_the_default_stays_the_book_formats(tmp_path: Path) -> None:
    shutil.copytree(ROOTS / "all-features", tmp_path / "c")
    assert _checked_formats(None, tmp_path / "c") == ["pdf", "epub", "scorm"]
    assert _checked_formats(["all"], tmp_path / "c") == available()
    assert {"moodle", "gift", "qti"} <= set(available())


def test_course_outputs_choose_what_a_plain_build_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _checked_formats(None, ROOTS / "bank-tricky") == ["moodle", "gift", "qti"]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", str(ROOTS / "bank-tricky"), "--out", "dist", "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith(".")) == [
        "bank-tricky-gift.txt", "bank-tricky-moodle.xml", "bank-tricky-qti21.zip"]
    again = CliRunner().invoke(main, ["build", str(ROOTS / "bank-tricky"), "--out", "dist2", "--force", "--jobs", "2"])
    assert again.exit_code == 0, again.stderr
    for name in ("bank-tricky-gift.txt", "bank-tricky-moodle.xml", "bank-tricky-qti21.zip"):
        assert (tmp_path / "dist" / name).read_bytes() == (tmp_path / "dist2" / name).read_bytes()


def test_check_reports_an_unknown_output_with_its_line(tmp_path: Path) -> None:
    course = tmp_path / "c"
    shutil.copytree(ROOTS / "bank-tricky", course)
    text = (course / "course.yml").read_text(encoding="utf-8")
    (course / "course.yml").write_text(text.replace("outputs: [moodle, gift, qti]", "outputs: [moodle, gif]"))
    result = CliRunner().invoke(main, ["check", str(course)])
    assert result.exit_code == 1
    assert "course.yml:9:19:" in result.stderr and "unknown output format 'gif'" in result.stderr
    assert "did you mean 'gift'?" in result.stderr


def test_help_lists_the_bank_formats() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert "moodle, gift, qti, or all" in result.output
