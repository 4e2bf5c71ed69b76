"""Fixtures of the question-bank tests: the all-features course and the bank-tricky course
(GIFT's special characters, HTML characters, non-Latin scripts, awkward grades), loaded once."""

from __future__ import annotations

import pytest

from builders.model import Course
from builders.source import load_course
from tests.conftest import ROOTS

COURSES = ("all-features", "bank-tricky")


@pytest.fixture(scope="session", params=COURSES)
def course(request: pytest.FixtureRequest) -> Course:
    loaded, _warnings = load_course(ROOTS / request.param)
    return loaded


@pytest.fixture(scope="session")
def tricky() -> Course:
    return load_course(ROOTS / "bank-tricky")[0]
