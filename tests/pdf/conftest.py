"""PDF fixtures: each course is built ONCE per session (WeasyPrint takes seconds per document).

- the example course (course/) in A4: workbook + answer key, all lessons laid out as one part
  (the reference a build in parts must equal);
- tests/roots/all-features in US Letter with ``--fillable``: workbook + answer key + fillable;
- the ``coursepack new`` starter course in A4;
- the example course again, each lesson laid out alone (many parts to join: what a build does);
- a copy of tests/roots/small for each test that edits it (``small``; the benchmark's edits,
  benchmarks/edits.py, are importable as ``edits``), and what the renderer lays out (``laid_out``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pdf_helpers import Built, build

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
SMALL = Path(__file__).resolve().parents[1] / "roots" / "small"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(SMALL, course)
    return course


@pytest.fixture(scope="session")
def example_pdf(example_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(example_course, tmp_path_factory.mktemp("example-pdf"), page_size="A4", part_bytes=10**9)


@pytest.fixture(scope="session")
def features_pdf(all_features: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(all_features, tmp_path_factory.mktemp("features-pdf"), page_size="letter", fillable=True)


@pytest.fixture(scope="session")
def example_in_parts_pdf(example_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example course again, every lesson laid out as a part of its own (the default)."""
    return build(example_course, tmp_path_factory.mktemp("example-parts-pdf"), page_size="A4", part_bytes=1)


@pytest.fixture(scope="session")
def starter_pdf(starter_course: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(starter_course, tmp_path_factory.mktemp("starter-pdf"))


@pytest.fixture(scope="session", params=["example", "features", "starter"])
def any_pdf(request: pytest.FixtureRequest) -> Built:
    """Each built course in turn (the checks every workbook and answer key must pass)."""
    return request.getfixturevalue(f"{request.param}_pdf")


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of each part laid out in this process from now on (a spy on the renderer)."""
    from builders.pdf.render import Renderer

    seen: list[str] = []
    original = Renderer.layout

    def layout(self: Renderer, html: str) -> object:
        seen.append(html)
        return original(self, html)

    monkeypatch.setattr(Renderer, "layout", layout)
    return seen
