"""The distribution: templates/ ships inside the wheel, so `pip install .` (without -e) works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_contains_the_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("coursepack-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "builders/cli.py" in names
    assert "builders/templates/new/course.yml" in names
    assert "builders/templates/new/lessons/02-question-types.md" in names
    expected = {f"builders/templates/{p.relative_to(REPO / 'templates').as_posix()}"
                for p in (REPO / "templates").rglob("*") if p.is_file()}
    assert expected <= names, sorted(expected - names)[:5]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "coursepack = builders.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
