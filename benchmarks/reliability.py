"""The reliability figures of docs/reliability.md, from one command.

    python benchmarks/reliability.py        # runs the broken-course corpus, the property tests
                                            # and tests/hardening/, then prints the figures

The figures are counted by the tests themselves (tests/hardening/figures.py) and written to
tests/output/reliability.json; this script runs them and prints the table. Exit code: pytest's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hardening.figures import LABELS  # noqa: E402

TESTS = ["tests/test_errors.py", "tests/test_properties.py", "tests/hardening"]
RESULT = REPO / "tests" / "output" / "reliability.json"


def main() -> int:
    RESULT.unlink(missing_ok=True)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], cwd=REPO)
    if not RESULT.is_file():
        print("no figures were recorded", file=sys.stderr)
        return run.returncode or 1
    figures = json.loads(RESULT.read_text())
    print("\n| figure | count |\n|---|---:|")
    for name, label in LABELS.items():
        print(f"| {label} | {figures.get(name, 0)} |")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
