"""EPUB fixtures: every book is built once per session, and the validators run once per book.

Books: the example course (through the orchestrator), the all-features course with and
without a printed page map, a right-to-left copy of it (language ``ar``) and the
``coursepack new`` starter course. EPUBCheck and Ace are all started at once in parallel
subprocesses, so the slow JVM and Chromium start-ups overlap instead of adding up.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from epubtools import (
    ACE_BOOKS,
    EPUBCHECK_BOOKS,
    PAGE_MAP,
    Book,
    Validation,
    ace_command,
    build_book,
    chromium_wrapper,
    epubcheck_command,
    epubcheck_exit_codes,
    rtl_copy,
)

from builders.build import build
from tests.conftest import EXAMPLE_COURSE, ROOTS, load


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory, starter_course: Path) -> dict[str, Book]:
    root = tmp_path_factory.mktemp("epub")
    rtl_course = rtl_copy(root / "rtl-course")
    sources = {"example": EXAMPLE_COURSE, "all-features": ROOTS / "all-features",
               "all-features-pages": ROOTS / "all-features", "rtl": rtl_course, "starter": starter_course}
    paths = {
        "example": build(EXAMPLE_COURSE, root / "example", formats=["epub"]).written[0],
        "all-features": build_book(ROOTS / "all-features", root / "all-features"),
        "all-features-pages": build_book(ROOTS / "all-features", root / "pages", PAGE_MAP),
        "rtl": build_book(rtl_course, root / "rtl"),
        "starter": build_book(starter_course, root / "starter"),
    }
    return {name: Book(name, load(sources[name]), path) for name, path in paths.items()}


@pytest.fixture(scope="session")
def validations(books: dict[str, Book], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Validation]:
    """("epubcheck" | "ace", book name) -> its result.

    One JVM checks every book with EPUBCheck while one Ace process per book runs beside it.
    """
    root = tmp_path_factory.mktemp("validators")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(chromium_wrapper(root))}
    checks = {name: root / f"epubcheck-{name}.json" for name in EPUBCHECK_BOOKS}
    aces = {name: root / f"ace-{name}" for name in ACE_BOOKS}

    def start(command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)

    epubcheck = start(epubcheck_command([(checks[n], books[n].path) for n in EPUBCHECK_BOOKS]))
    running = {name: start(ace_command(books[name].path, outdir)) for name, outdir in aces.items()}
    results = {}
    for name, proc in running.items():
        output, _ = proc.communicate(timeout=900)
        results[("ace", name)] = Validation(proc.returncode, _json(aces[name] / "report.json"), output)
    output, _ = epubcheck.communicate(timeout=900)
    codes = epubcheck_exit_codes(output)
    for name, report in checks.items():
        results[("epubcheck", name)] = Validation(codes.get(str(books[name].path), -1), _json(report), output)
    return results


def _json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}
