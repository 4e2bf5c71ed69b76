"""Reliability figures gathered while the tests run: bad inputs tried and how many failed
cleanly, property-test examples, injected faults and lost answers, builds compared byte for byte.

Tests call :func:`record`; ``tests/hardening/conftest.py`` prints the totals at the end of the
run and writes them to ``tests/output/reliability.json`` (read by ``benchmarks/reliability.py``).
"""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()

LABELS = {
    "bad_inputs": "bad inputs tried",
    "clean_errors": "bad inputs that gave a clean error (file:line message, no traceback, output untouched)",
    "property_examples": "property-test examples run (generated and corrupted courses)",
    "generated_builds": "generated courses built in every format and validated",
    "hostile_files_scanned": "output files scanned for script, event handlers, javascript: and iframes",
    "faults_injected": "LMS faults injected into the SCORM runtime",
    "answers_checked": "answers checked after the faults",
    "answers_lost": "answers lost",
    "byte_comparisons": "output files compared byte for byte across rebuilds",
    "byte_differences": "output files that differed",
    "interrupted_builds": "builds interrupted (SIGINT, SIGTERM, SIGKILL, full disk, concurrent)",
    "partial_files": "partial files left in the output folder",
}


def record(name: str, amount: int = 1) -> None:
    FIGURES[name] += amount
