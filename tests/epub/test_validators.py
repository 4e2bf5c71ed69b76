"""The real validators: EPUBCheck 5.3 (0 fatal, 0 errors, 0 warnings) and Ace by DAISY (0 violations)."""

from __future__ import annotations

import pytest
from epubtools import ACE_BOOKS, EPUBCHECK_BOOKS

pytestmark = pytest.mark.validators


@pytest.mark.parametrize("name", EPUBCHECK_BOOKS)
def test_epubcheck_reports_nothing(validations, name: str) -> None:
    result = validations[("epubcheck", name)]
    messages = [
        f"{m['severity']} {m['ID']}: {m['message']} at "
        + ", ".join(f"{loc['path']}:{loc['line']}" for loc in m.get("locations", []))
        for m in result.report.get("messages", [])
    ]
    checker = result.report.get("checker", {})
    assert checker.get("checkerVersion", "").startswith("5.3"), result.output
    assert (checker.get("nFatal"), checker.get("nError"), checker.get("nWarning")) == (0, 0, 0), messages
    assert result.returncode == 0, result.output  # also catches a missing file or a bad option


@pytest.mark.parametrize("name", ACE_BOOKS)
def test_ace_finds_no_violation(validations, name: str) -> None:
    result = validations[("ace", name)]
    assert result.report, f"Ace wrote no report (exit {result.returncode}):\n{result.output}"
    violations = [
        (a["earl:testSubject"]["url"], s["earl:test"]["dct:title"], s["earl:test"]["earl:impact"],
         s["earl:result"].get("html", ""))
        for a in result.report["assertions"] for s in a.get("assertions", [])
        if s["earl:result"]["earl:outcome"] == "fail"
    ]
    assert violations == []
    assert result.report["earl:result"]["earl:outcome"] == "pass"
    assert result.returncode == 0, result.output
    metadata = result.report["a11y-metadata"]
    assert metadata["empty"] == []
    assert not {"schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
                "schema:accessibilitySummary", "schema:accessModeSufficient", "dcterms:conformsTo"} & set(metadata["missing"])
