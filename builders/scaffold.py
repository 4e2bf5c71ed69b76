"""``coursepack new``: copy the starter course from templates/new/ into a new folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from .diagnostics import UsageError
from .shared.templating import templates_dir


def create(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"'{directory}' already exists and is not empty; choose a new folder")
    shutil.copytree(templates_dir() / "new", directory, dirs_exist_ok=True)
