"""Fixtures of the hardening tests, and the reliability figures printed at the end of a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TEST_OUTPUT
from tests.hardening.figures import FIGURES, LABELS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("reliability")
    for name, label in LABELS.items():
        if name in FIGURES:
            terminalreporter.write_line(f"{FIGURES[name]:>7}  {label}")
    TEST_OUTPUT.mkdir(exist_ok=True)
    (TEST_OUTPUT / "reliability.json").write_text(json.dumps(dict(FIGURES), indent=1, sort_keys=True))


@pytest.fixture(scope="session")
def repo() -> Path:
    return Path(__file__).resolve().parents[2]
