"""A PDF build leaves no temporary folders behind: WeasyPrint copies the fonts of every
``@font-face`` into a temporary folder, which only the garbage collector would remove, and worker
processes exit without collecting. Serial, parallel and failed builds are counted in a temporary
folder of their own (TMPDIR), not the machine's shared /tmp.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders.cli import main
from builders.diagnostics import BuildError
from builders.pdf.render import FONT_FOLDER_PREFIX

ROOT = Path(__file__).resolve().parents[2]


def leftovers(folder: Path) -> list[str]:
    """Font folders (Jinja's bytecode cache stays there on purpose: it is reused)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("weasyprint-", FONT_FOLDER_PREFIX)))


def dead_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                             text=True, check=True)
    return int(process.stdout)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_removes_its_font_folders(starter_course: Path, tmp_path: Path, jobs: str) -> None:
    """...and those of a build whose process was killed (SIGKILL leaves no chance to clean up)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    killed = tmp / f"{FONT_FOLDER_PREFIX}{dead_pid()}-abcd"
    killed.mkdir()
    (killed / "font").write_bytes(b"\0" * 1000)
    running = tmp / f"{FONT_FOLDER_PREFIX}{os.getpid()}-abcd"
    running.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    result = subprocess.run([sys.executable, "-m", "builders", "build", str(starter_course), "--format", "pdf",
                             "--jobs", jobs, "--out", str(tmp_path / "dist")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "dist").glob("*.pdf"))) == 2
    assert leftovers(tmp) == [running.name], "a live process keeps its folder"


def test_a_failed_layout_removes_them_too(starter_course: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    from builders.pdf import parts

    def fail(self: parts.EditionLayout) -> list:
        self.renderer.layout("<p>fonts loaded</p>")
        assert [name for name in leftovers(tmp) if any((tmp / name).iterdir())], "the fonts were copied"
        raise BuildError("pdf: a layout failed")

    monkeypatch.setattr(parts.EditionLayout, "run", fail)
    result = CliRunner().invoke(main, ["build", str(starter_course), "--format", "pdf", "--jobs", "1",
                                       "--out", str(tmp_path / "dist")], catch_exceptions=False)
    assert result.exit_code == 4 and "a layout failed" in result.stderr
    assert leftovers(tmp) == []
