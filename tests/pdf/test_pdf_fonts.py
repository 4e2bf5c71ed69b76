"""Characters the PDF fonts cannot draw (a located warning, exit 3 under --strict), and a course's
own fonts (``pdf: fonts:``): embedded, used, and checked against.

The CJK font is Debian's fonts-droid-fallback (tests/setup.sh), copied into a temporary course's
media/ as any teacher would. Debian keeps that copy of the file out of fontconfig's folders, so
WeasyPrint can only find it through the course's ``@font-face``; pdffonts must then list the
"Course Serif" face that the stylesheet declares for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_helpers import build as build_pdf
from pdf_helpers import pdffonts, squash

from builders.cli import main
from builders.pdf.coverage import unprintable
from builders.shared.templating import templates_dir
from tests.conftest import load

CJK_FONT = Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf")
TITLE = "日本語の講座"
LESSON = "lessons/01-getting-started.md"
LESSON_LINE = "同じ文章から三つの形式を作ります。"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def cjk_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The starter course with a Japanese title (course.yml line 5) and a Japanese line in lesson 1,
    in ``course/`` of the working directory."""
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "course"
    shutil.copytree(templates_dir() / "new", course)
    replace(course / "course.yml", "title: My First Course", f"title: {TITLE}")
    replace(course / LESSON, "The same text becomes", f"{LESSON_LINE}\nThe same text becomes")
    return course


def with_font(course: Path, roles: str = "body") -> Path:
    (course / "media" / "fonts").mkdir()
    shutil.copy(CJK_FONT, course / "media" / "fonts" / CJK_FONT.name)
    fonts = "".join(f"\n    {role}: media/fonts/{CJK_FONT.name}" for role in roles.split())
    replace(course / "course.yml", "  page_size: A4", f"  page_size: A4\n  fonts:{fonts}")
    return course


def cli(*args: str) -> tuple[str, int]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.stderr, result.exit_code


def test_check_warns_at_the_first_character_the_fonts_lack(cjk_course: Path) -> None:
    stderr, code = cli("check", "course")
    assert code == 0
    assert "course/course.yml:5:8: warning: the PDF fonts (the bundled DejaVu faces) cannot draw '日' (U+65E5), " in stderr
    missing = len(set(TITLE + LESSON_LINE))
    assert f"nor {missing - 1} other characters of the course (" in stderr
    assert "'pdf: fonts:'" in stderr and "docs/fonts.md" in stderr
    assert "0 errors, 1 warning; ok" in stderr


def test_strict_check_and_build_stop_with_exit_3(cjk_course: Path, tmp_path: Path) -> None:
    stderr, code = cli("check", "course", "--strict")
    assert code == 3 and "course/course.yml:5:8: warning: the PDF fonts" in stderr
    stderr, code = cli("build", "course", "--strict", "--format", "pdf", "--out", "dist")
    assert code == 3 and "course/course.yml:5:8: warning: the PDF fonts" in stderr and "nothing built" in stderr
    assert not (tmp_path / "dist").exists()


def test_a_rebuild_whose_checks_fail_changes_nothing(cjk_course: Path, tmp_path: Path) -> None:
    """A rebuild with workers checks the course while they start: a failed check still stops
    it before anything is published."""
    _, code = cli("build", "course", "--format", "pdf", "--out", "dist", "--jobs", "2")
    assert code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir() if p.is_file()}
    replace(cjk_course / LESSON, LESSON_LINE, LESSON_LINE + " 同じ")
    stderr, code = cli("build", "course", "--strict", "--format", "pdf", "--out", "dist", "--jobs", "2")
    assert code == 3 and "warning: the PDF fonts" in stderr and "nothing built" in stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir() if p.is_file()} == before
    assert not list(tmp_path.glob(".dist.coursepack-*")), "no staging folder left"


def test_a_lesson_character_is_located_in_the_lesson(cjk_course: Path) -> None:
    replace(cjk_course / "course.yml", f"title: {TITLE}", "title: My First Course")
    [warning] = unprintable(load(cjk_course))
    lines = (cjk_course / LESSON).read_text(encoding="utf-8").splitlines()
    assert warning.pos.path == cjk_course / LESSON
    assert lines[warning.pos.line - 1] == LESSON_LINE and warning.pos.col == 1
    assert warning.message.startswith("the PDF fonts (the bundled DejaVu faces) cannot draw '同' (U+540C), nor ")


def test_only_printed_characters_count(starter_course: Path, course_copy) -> None:
    """Alternative text is not drawn and a comment is not printed: neither is reported; the same
    character in the printed text is."""
    course = course_copy(starter_course)
    assert unprintable(load(course)) == []
    replace(course / LESSON, "![Diagram:", "![図 Diagram:")
    replace(course / LESSON, "<!-- An image alone", "<!-- 図 An image alone")
    assert unprintable(load(course)) == []
    replace(course / LESSON, "The same text becomes", "図 The same text becomes")
    [warning] = unprintable(load(course))
    assert "cannot draw '図' (U+56F3):" in warning.message


def test_text_of_an_svg_image_is_checked(starter_course: Path, course_copy) -> None:
    course = course_copy(starter_course)
    replace(course / "media" / "diagram.svg", ">PDF workbook<", ">PDF workbook 図<")
    [warning] = unprintable(load(course))
    assert "cannot draw '図' (U+56F3):" in warning.message
    assert warning.pos == load(course).media["media/diagram.svg"].pos


def test_a_course_font_is_embedded_and_draws_the_text(cjk_course: Path, tmp_path: Path) -> None:
    course = with_font(cjk_course)
    stderr, code = cli("check", "course", "--strict")
    assert code == 0 and "0 errors, 0 warnings; ok" in stderr
    built = build_pdf(course, tmp_path / "dist")
    for edition in ("workbook", "answer-key"):
        fonts = {row[0].split("+", 1)[1]: row for row in pdffonts(built.files[edition])}
        assert "Course-Serif" in fonts, fonts
        assert all(row[-5] == "yes" for row in fonts.values()), "every font is embedded"
        assert squash(TITLE) in built.text(edition)
    assert squash(LESSON_LINE) in built.text("workbook")
    assert built.warnings == []


def test_a_sans_font_alone_covers_the_running_heads_too(cjk_course: Path) -> None:
    """Every face is in every stack: a course font in any role is checked for all the text."""
    assert unprintable(load(with_font(cjk_course, "sans"))) == []


@pytest.mark.parametrize("root", ["course", "tests/roots/all-features", "tests/roots/bank-tricky"])
def test_the_quick_superset_holds_every_character_the_pdfs_print(root: str) -> None:
    """unprintable() skips rendering both editions when every character the course could print
    is covered; that is only right if the quick set holds every character they do print."""
    from builders.pdf.coverage import _possible_characters, printed_characters

    course = load(Path(__file__).resolve().parents[2] / root)
    printed = printed_characters(course)
    assert printed and printed <= _possible_characters(course)


def test_a_character_written_as_an_entity_is_still_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "course"
    shutil.copytree(templates_dir() / "new", course)
    replace(course / LESSON, "The same text becomes", "Kanji &#x65E5; here.\nThe same text becomes")
    assert "日" not in (course / LESSON).read_text(encoding="utf-8")
    problems = unprintable(load(course))
    assert len(problems) == 1 and "'日' (U+65E5)" in problems[0].message
