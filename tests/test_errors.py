"""The corpus of broken courses: each tests/errors/<case>/ changes the starter course in one way
(case.yml) and pins the exact output and exit code (expected.txt). A case may add command-line
arguments (``args:``) to its build, binary files (``base64_files:``) and named pipes (``fifos:``).

Every case runs ``coursepack build course --out dist`` (or ``check`` when the case says so) in a
temporary folder holding ``course/`` and a ``dist/`` with one existing file, and asserts: the
output is exactly the expected text, nothing looks like a traceback, and dist/ is untouched.
Set UPDATE_GOLDENS=1 to rewrite expected.txt files, then review the diff.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from builders.cli import main
from builders.shared.templating import templates_dir
from tests.hardening.figures import record

CASES = Path(__file__).resolve().parent / "errors"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.yml").is_file())


def make_course(spec: dict, target: Path) -> None:
    shutil.copytree(templates_dir() / "new", target)
    for name in spec.get("delete", []):
        (target / name).unlink()
    for name, text in spec.get("files", {}).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text, encoding="utf-8")
    for name, (old, new) in spec.get("replace", {}).items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} does not contain {old!r}: fix the case"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for name, encoding in spec.get("encode", {}).items():
        path = target / name
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    for name in spec.get("bom_crlf", []):
        path = target / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    for name, size in spec.get("sized_files", {}).items():
        with open(target / name, "wb") as fh:
            fh.write(b"\x89PNG\r\n\x1a\n")
            fh.truncate(size)
    for name, link_target in spec.get("symlinks", {}).items():
        os.symlink(link_target, target / name)
    for name, data in spec.get("base64_files", {}).items():
        (target / name).write_bytes(base64.b64decode(data))
    for name in spec.get("fifos", []):
        (target / name).unlink(missing_ok=True)
        os.mkfifo(target / name)
    if "long_line" in spec:
        path = target / spec["long_line"]
        path.write_text(path.read_text(encoding="utf-8") + "\n" + "word " * 40_000 + "\n", encoding="utf-8")


def run_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    spec = yaml.safe_load((CASES / name / "case.yml").read_text(encoding="utf-8"))
    make_course(spec, tmp_path / "course")
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "keep.txt").write_text("from an earlier build")
    monkeypatch.chdir(tmp_path)
    args = ["check", "course"] if spec.get("command") == "check" else ["build", "course", "--out", "dist", *spec.get("args", [])]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "dist"], "staging files left behind"
    if result.exit_code != 0:
        assert [p.name for p in dist.iterdir()] == ["keep.txt"], "a failed build changed dist/"
        assert (dist / "keep.txt").read_text() == "from an earlier build"
    return result.stderr, result.exit_code


@pytest.mark.parametrize("name", CASE_NAMES)
def test_error_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stderr, code = run_case(name, tmp_path, monkeypatch)
    actual = f"{stderr.rstrip()}\nexit: {code}\n"
    assert "Traceback" not in stderr and "internal error" not in stderr
    if code != 0:
        record("bad_inputs")
        record("clean_errors")
    expected_file = CASES / name / "expected.txt"
    if os.environ.get("UPDATE_GOLDENS") or not expected_file.exists():
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")


FILE_LINE = re.compile(r"^course/[^:]+:\d+(?::\d+)?: (error|warning): \S")
WHOLE_FILE = re.compile(r"^course/[^:]+: error: \S")
"""A problem with a whole file (a missing course.yml) has no line to name."""
WHOLE_FILE_CASES = {"missing-course-yml", "course-yml-fifo", "course-yml-folder"}


def test_every_message_names_file_and_line() -> None:
    for name in CASE_NAMES:
        expected = (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines()
        messages = [line for line in expected if ": error: " in line or ": warning: " in line]
        for line in messages:
            assert FILE_LINE.match(line) or (name in WHOLE_FILE_CASES and WHOLE_FILE.match(line)), (name, line)
        if expected[-1] != "exit: 0":
            assert any(": error: " in line for line in messages), name
