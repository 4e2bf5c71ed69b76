"""The output formats coursepack knows, in build order; each entry is ``module:Class``.

Modules are imported only when their format is built, so ``coursepack --help`` stays fast.
The PDF builder comes before the EPUB builder because the EPUB page-list uses its page map.
"""

from __future__ import annotations

from importlib import import_module

from .base import Builder
from .diagnostics import UsageError

BUILDERS: dict[str, str] = {
    "pdf": "builders.pdf:PdfBuilder",
    "epub": "builders.epub:EpubBuilder",
    "scorm": "builders.scorm:ScormBuilder",
    "moodle": "builders.banks:MoodleXmlBuilder",
    "gift": "builders.banks:GiftBuilder",
    "qti": "builders.banks:QtiBuilder",
}
DEFAULT: tuple[str, ...] = ("pdf", "epub", "scorm")
"""What ``coursepack build`` makes when neither ``--format`` nor course.yml's ``outputs:`` says."""
ALL = "all"
"""``--format all``: every registered format."""


def available() -> list[str]:
    return list(BUILDERS)


def get_builder(name: str) -> Builder:
    if name not in BUILDERS:
        known = ", ".join(BUILDERS) or "none yet"
        raise UsageError(f"unknown format '{name}' (available: {known})")
    module_name, class_name = BUILDERS[name].split(":")
    cls = getattr(import_module(module_name), class_name)
    return cls()
