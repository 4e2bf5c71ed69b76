"""Shared fixtures: the example course, the starter course, the all-features fixture course."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builders.model import Course
from builders.source import load_course

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_COURSE = REPO / "course"
ROOTS = Path(__file__).resolve().parent / "roots"
TEST_OUTPUT = Path(__file__).resolve().parent / "output"
"""Files a person may want to look at after a run (rendered pages ...); ignored by git."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def example_course() -> Path:
    return EXAMPLE_COURSE


@pytest.fixture(scope="session")
def all_features() -> Path:
    return ROOTS / "all-features"


@pytest.fixture(scope="session")
def starter_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course that ``coursepack new`` creates."""
    from builders.scaffold import create

    target = tmp_path_factory.mktemp("starter") / "course"
    create(target)
    return target


@pytest.fixture
def course_copy(tmp_path: Path):  # noqa: ANN201
    """Copy a course folder into tmp_path so a test may change it: ``course_copy(src)``."""

    def copy(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copytree(source, target)
        return target

    return copy


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    """Debian's Chromium, headless, driven by Playwright; one per test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):  # noqa: ANN001, ANN201
    """A page in a fresh browser profile (empty localStorage); its script errors must stay none
    (``page.errors``), console warnings are kept in ``page.warnings``."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.warnings = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.warnings.append(message.text) if message.type == "warning" else None)
    yield page
    context.close()
    assert page.errors == []


@pytest.fixture
def lessons_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the lessons whose Markdown is read from now on (a lesson kept in the store is not)."""
    from builders.source import markdown

    read: list[str] = []
    original = markdown.Renderer.lesson
    monkeypatch.setattr(markdown.Renderer, "lesson",
                        lambda self, text, hooks, notes: read.append(hooks.lesson_id) or original(self, text, hooks, notes))
    return read


def load(folder: Path) -> Course:
    course, _warnings = load_course(folder)
    return course
