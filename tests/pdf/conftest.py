"""PDF fixtures: each course is built ONCE per session (WeasyPrint takes seconds per document).

- the example course (course/) in A4: workbook + answer key, all lessons laid out as one part
  (the reference a build in parts must equal);
- tests/roots/all-features in US Letter with ``--fillable``: workbook + answer key + fillable;
- the ``coursepack new`` starter course in A4;
- the example course again, each lesson laid out alone (many parts to join: what a build does).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdf_helpers import Built, build


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
