"""course.yml ``pdf: fonts:``: the loader reads each named font once, checks it with fontTools,
and refuses (at the line that names it) a damaged font or one whose licence forbids embedding.
The corpus (tests/errors/pdf-font-*) covers the path mistakes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from builders.diagnostics import SourceError
from builders.shared.templating import templates_dir
from builders.source import load_course

DEJAVU = templates_dir() / "pdf" / "fonts" / "DejaVuSans.ttf"


def course_with_fonts(tmp_path: Path, fonts: dict[str, bytes]) -> Path:
    course = tmp_path / "course"
    shutil.copytree(templates_dir() / "new", course)
    (course / "media" / "fonts").mkdir()
    lines = ""
    for i, (role, data) in enumerate(fonts.items()):
        (course / "media" / "fonts" / f"F{i}.ttf").write_bytes(data)
        lines += f"\n    {role}: media/fonts/F{i}.ttf"
    text = (course / "course.yml").read_text(encoding="utf-8")
    (course / "course.yml").write_text(text.replace("  page_size: A4", "  page_size: A4\n  fonts:" + lines, 1),
                                       encoding="utf-8")
    return course


def with_fs_type(data: bytes, fs_type: int) -> bytes:
    font = TTFont(io.BytesIO(data))
    font["OS/2"].fsType = fs_type
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def test_fonts_are_read_into_the_model_in_role_order(tmp_path: Path) -> None:
    data = DEJAVU.read_bytes()
    course, _warnings = load_course(course_with_fonts(tmp_path, {"sans": data, "body": data}))
    assert [(f.role, f.path, f.pos.line) for f in course.pdf.fonts] == [
        ("body", "media/fonts/F1.ttf", 35), ("sans", "media/fonts/F0.ttf", 34)]
    assert course.pdf.fonts[0].data == data
    assert course.media.keys() == load_course(templates_dir() / "new")[0].media.keys(), "fonts are not media"


@pytest.mark.parametrize("fs_type", [0x0000, 0x0004, 0x0008])
def test_fonts_that_allow_embedding_are_accepted(tmp_path: Path, fs_type: int) -> None:
    course, _ = load_course(course_with_fonts(tmp_path, {"body": with_fs_type(DEJAVU.read_bytes(), fs_type)}))
    assert len(course.pdf.fonts) == 1


def test_a_font_that_forbids_embedding_is_refused(tmp_path: Path) -> None:
    folder = course_with_fonts(tmp_path, {"body": with_fs_type(DEJAVU.read_bytes(), 0x0002)})
    with pytest.raises(SourceError) as caught:
        load_course(folder)
    [error] = caught.value.diagnostics
    assert (error.pos.path.name, error.pos.line) == ("course.yml", 34)
    assert "does not allow embedding" in error.message and "OFL" in error.message


def test_a_damaged_font_is_refused_at_its_line(tmp_path: Path) -> None:
    folder = course_with_fonts(tmp_path, {"body": DEJAVU.read_bytes(), "bold": DEJAVU.read_bytes()[:2000]})
    with pytest.raises(SourceError) as caught:
        load_course(folder)
    [error] = caught.value.diagnostics
    assert error.pos.line == 35
    assert error.message.startswith("font 'media/fonts/F1.ttf' cannot be read as a TrueType or OpenType font")
