"""Byte-identical builds: the same source gives the same EPUB, PDFs and SCORM zips, whatever the
machine's clock zone, locale, hash seed, working directory, course folder path or job count,
and whatever the line endings and byte-order mark of the source files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from builders.base import BuildOptions
from builders.build import build
from tests.conftest import ROOTS
from tests.hardening.figures import record

OUTPUTS = ["all-features-answer-key.pdf", "all-features-scorm12.zip", "all-features-scorm2004.zip",
           "all-features-workbook.pdf", "all-features.epub"]


def _build(course: Path, out: Path, cwd: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    cwd.mkdir(parents=True, exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if k not in ("TZ", "LANG", "LC_ALL", "PYTHONHASHSEED")}
    return subprocess.Popen([sys.executable, "-m", "builders", "build", str(course), "--out", str(out),
                             "--scorm-version", "both", *extra], cwd=cwd, env={**environment, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_builds_on_different_machines_are_byte_identical(tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere" / "a course copy"
    shutil.copytree(ROOTS / "all-features", moved)
    first = _build(ROOTS / "all-features", tmp_path / "first", tmp_path / "a",
                   {"TZ": "UTC", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"}, "--jobs", "2")
    second = _build(moved, tmp_path / "second", tmp_path / "b" / "deeper",
                    {"TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "2"},
                    "--jobs", "1", "--force")
    for proc in (first, second):
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    for name in OUTPUTS:
        record("byte_comparisons")
        same = (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
        record("byte_differences", 0 if same else 1)
        assert same, f"{name} differs between the two builds"


def test_a_bom_and_windows_line_endings_change_no_output_byte(tmp_path: Path, starter_course: Path) -> None:
    windows = tmp_path / "windows"
    shutil.copytree(starter_course, windows)
    for path in [*windows.rglob("*.md"), *windows.rglob("*.yml")]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    options = BuildOptions(scorm_versions=("1.2", "2004"))
    unix = build(starter_course, tmp_path / "unix-out", ["epub", "scorm"], options, jobs=1)
    dos = build(windows, tmp_path / "windows-out", ["epub", "scorm"], options, jobs=1)
    assert [p.name for p in unix.written] == [p.name for p in dos.written]
    for a, b in zip(unix.written, dos.written):
        record("byte_comparisons")
        record("byte_differences", 0 if a.read_bytes() == b.read_bytes() else 1)
        assert a.read_bytes() == b.read_bytes(), a.name
