"""Fixtures of the SCORM tests: every package built once per session, unzipped under one local
web root next to the stand-in LMS (tests/scorm/host.html + scorm-again), and one Chromium."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from scorm_support import Web

from builders.base import BuildContext, BuildOptions
from builders.model import Course
from builders.scorm.builder import ScormBuilder
from builders.source import load_course
from tests.conftest import EXAMPLE_COURSE, ROOTS

HERE = Path(__file__).resolve().parent
JS = HERE.parent / "js" / "node_modules"
SCORM_AGAIN = JS / "scorm-again" / "dist"
VERSIONS = ("1.2", "2004")


@dataclass
class Package:
    """One built zip: its bytes, where it is unzipped, the course it came from."""

    name: str
    version: str
    course: Course
    zip_path: Path
    folder: Path

    @property
    def url_name(self) -> str:
        return self.folder.name


def _variant(source: Path, target: Path, replacements: dict[str, str]) -> Path:
    shutil.copytree(source, target)
    yml = target / "course.yml"
    text = yml.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    yml.write_text(text)
    return target


def _example_course() -> Path | None:
    try:
        load_course(EXAMPLE_COURSE)
    except Exception:  # noqa: BLE001 - the example course is still being written
        return None
    return EXAMPLE_COURSE


@pytest.fixture(scope="session")
def scorm_sources(tmp_path_factory: pytest.TempPathFactory, starter_course: Path) -> dict[str, Path]:
    """Course folders the SCORM tests build: name -> folder."""
    base = tmp_path_factory.mktemp("scorm-sources")
    all_features = ROOTS / "all-features"
    sources = {
        "all-features": all_features,
        "starter": starter_course,
        # no pass mark and one try per question: "completed" status, correct answers revealed
        "one-try": _variant(all_features, base / "one-try", {
            "  passing_score: 70          # percent": "  # passing_score: 70        # percent",
            "  attempts: 0 ": "  attempts: 1 ",
        }),
        "per-lesson": _variant(all_features, base / "per-lesson", {
            'version: "1.2"             # "1.2"': 'version: "1.2"\n  sco_per_lesson: true  # "1.2"',
        }),
    }
    example = _example_course()
    if example is not None:
        sources["example"] = example
    return sources


@pytest.fixture(scope="session")
def web_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scorm-web")
    (root / "lms").mkdir()
    shutil.copy(HERE / "host.html", root / "lms" / "host.html")
    (root / "scorm-again").mkdir()
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(SCORM_AGAIN / name, root / "scorm-again" / name)
    (root / "pkg").mkdir()
    return root


@pytest.fixture(scope="session")
def packages(scorm_sources: dict[str, Path], web_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Package]:
    """(course name, version) -> the package, built once and unzipped under the web root."""
    out = tmp_path_factory.mktemp("scorm-dist")
    built = {}
    for name, folder in scorm_sources.items():
        course, _ = load_course(folder)
        staging = out / name
        staging.mkdir()
        result = ScormBuilder().build(course, staging, BuildContext(BuildOptions(scorm_versions=VERSIONS)))
        for path, version in zip(result.paths, VERSIONS):
            target = web_root / "pkg" / f"{name}-{version}"
            with zipfile.ZipFile(path) as archive:
                archive.extractall(target)
            built[(name, version)] = Package(name, version, course, path, target)
    return built


@pytest.fixture(scope="session")
def web(web_root: Path):
    server = Web(web_root)
    yield server
    server.close()


@pytest.fixture(scope="session")
def page(browser):
    """One tab for every LMS scenario; each scenario loads the host page afresh."""
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors
    yield tab
    context.close()


@pytest.fixture
def fresh_page(page):
    """The shared tab, with the JavaScript errors of this test only (they must be none)."""
    page.errors.clear()
    yield page
    assert page.errors == [], page.errors
