"""The command line: options, exit codes, messages, atomic output, start-up imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from builders import __version__
from builders.cli import main
from builders.registry import available


def invoke(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.strip() == f"coursepack, version {__version__}"


def test_help_lists_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("build", "check", "new"):
        assert f"  {command} " in result.output


def test_build_help_lists_options() -> None:
    result = invoke("build", "--help")
    for option in ("--out", "--format", "--scorm-version", "--page-size", "--fillable", "--strict"):
        assert option in result.output


def test_check_valid_course(starter_course: Path) -> None:
    result = invoke("check", str(starter_course))
    assert result.exit_code == 0
    assert "My First Course: 2 lessons, 11 questions (10 auto-graded), 2 glossary terms, 1 images" in result.stderr


def test_quiet_check_prints_nothing(starter_course: Path) -> None:
    result = invoke("-q", "check", str(starter_course))
    assert result.exit_code == 0 and result.stderr == ""


def test_new_creates_a_valid_course(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "fresh"))
    assert result.exit_code == 0
    assert (tmp_path / "fresh" / "course.yml").is_file()
    assert invoke("check", str(tmp_path / "fresh")).exit_code == 0


def test_new_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = invoke("new", str(tmp_path / "taken"))
    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_unknown_format_is_a_usage_error(starter_course: Path, tmp_path: Path) -> None:
    result = invoke("build", str(starter_course), "--out", str(tmp_path / "out"), "--format", "docx")
    assert result.exit_code == 2
    assert f"unknown format 'docx' (available: {', '.join(available()) or 'none yet'})" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_option_value_is_a_usage_error(starter_course: Path) -> None:
    result = invoke("build", str(starter_course), "--scorm-version", "3")
    assert result.exit_code == 2


def test_missing_course_folder(tmp_path: Path) -> None:
    result = invoke("check", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "no such course folder" in result.stderr


def test_strict_fails_on_warnings(starter_course: Path, course_copy) -> None:  # noqa: ANN001
    folder = course_copy(starter_course)
    (folder / "glossary.yml").write_text((folder / "glossary.yml").read_text() + "hapax: A word used once.\n")
    assert invoke("check", str(folder)).exit_code == 0
    result = invoke("check", str(folder), "--strict")
    assert result.exit_code == 3 and "glossary term 'hapax' is not used in any lesson" in result.stderr


def test_real_process_error_has_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.yml").write_text("id: x\ntitle: [unclosed\n")
    proc = subprocess.run([sys.executable, "-m", "builders", "build", "course"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("course/course.yml:3:1: error: YAML syntax error")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "dist").exists()


def test_help_and_check_do_not_load_the_heavy_libraries(starter_course: Path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from builders.cli import main\n"
        f"CliRunner().invoke(main, ['check', {str(starter_course)!r}])\n"
        "heavy = [m for m in ('weasyprint', 'ebooklib', 'playwright') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stderr
