"""Which outputs are already up to date: a fingerprint of everything a build reads.

The fingerprint covers every file of the course folder (but not the output folder, when it lies
inside the course, nor version-control folders and caches: :data:`NOT_COURSE`), every template,
coursepack's own code, the build options and SOURCE_DATE_EPOCH. It is recorded per format in ``.coursepack-build.json``
inside the output folder, with a digest of each file the format wrote. A format whose
fingerprint matches and whose files are still there, unchanged, is not built again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from . import __version__
from .base import BuildOptions, PageMap
from .shared.templating import templates_dir

CACHE_FILE = ".coursepack-build.json"
_CODE_DIR = Path(__file__).resolve().parent


NOT_COURSE = {".coursepack-cache", ".git", ".hg", ".svn", "__pycache__", ".pytest_cache", ".mypy_cache",
              ".ruff_cache"}
"""Folders of a course folder that are never part of the course."""


def fingerprint(course_dir: Path, options: BuildOptions, out: Path | None = None) -> str:
    """``out``: the output folder, left out when it lies inside the course (``cd course &&
    coursepack build .``), with its staging folders, so that a build does not hash its own outputs."""
    digest = hashlib.sha256()
    digest.update(f"coursepack {__version__}\n{json.dumps(asdict(options), sort_keys=True)}\n".encode())
    digest.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    skip = _output_folders(out)
    for label, folder, suffix in (("course", course_dir, ""), ("templates", templates_dir(), ""),
                                  ("code", _CODE_DIR, ".py")):
        inside = folder.resolve()
        for path in _files(folder, suffix, skip):
            digest.update(f"{label}/{path.relative_to(folder).as_posix()}\n".encode())
            digest.update(_content_digest(path, inside))
    return digest.hexdigest()


def _output_folders(out: Path | None) -> Callable[[Path], bool]:
    if out is None:
        return lambda folder: False
    target = out.absolute()
    staging = f".{target.name}.coursepack-"

    def is_output(folder: Path) -> bool:
        if folder.parent == target.parent and folder.name.startswith(staging):
            return True
        return folder == target or (folder.exists() and target.exists() and os.path.samefile(folder, target))

    return is_output


def _files(folder: Path, suffix: str, is_output: Callable[[Path], bool]) -> list[Path]:
    """Every file under ``folder`` (ending in ``suffix``), in a stable order, without the
    folders that are no part of a course."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if d not in NOT_COURSE and not is_output((here / d).absolute()))
        found += [here / f for f in files if f.endswith(suffix) and (here / f).is_file()]
    return sorted(found)


def _content_digest(path: Path, inside: Path) -> bytes:
    """What a file holds; a symbolic link out of the folder is known by its target's name only
    (a build never reads outside the course), an unreadable file by its error (the loader
    reports it)."""
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            return f"link to {os.readlink(path)}".encode()
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError as exc:
        return f"unreadable: {exc.errno}".encode()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class BuildCache:
    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            records = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            records = {}
        self.records: dict[str, dict] = {
            name: record for name, record in (records.items() if isinstance(records, dict) else ())
            if _well_formed(record)
        }

    def fresh(self, name: str, key: str) -> bool:
        record = self.records.get(name)
        if not isinstance(record, dict) or record.get("key") != key:
            return False
        files = record.get("files", {})
        try:
            return bool(files) and all(file_digest(self.out / rel) == sha for rel, sha in files.items())
        except OSError:
            return False

    def files(self, name: str) -> list[Path]:
        return [self.out / rel for rel in self.records.get(name, {}).get("files", {})]

    def page_map(self, name: str) -> PageMap | None:
        data = self.records.get(name, {}).get("page_map")
        return PageMap(data["source"], dict(data["pages"])) if data else None

    def record(self, name: str, key: str, files: list[Path], page_map: PageMap | None) -> None:
        self.records[name] = {
            "key": key,
            "files": {p.relative_to(self.out).as_posix(): file_digest(p) for p in files},
            "page_map": asdict(page_map) if page_map else None,
        }

    def save(self) -> None:
        """Best effort: without the record (a full disk), the next build simply rebuilds."""
        tmp = self.out / f"{CACHE_FILE}.{os.getpid()}.tmp"
        try:
            tmp.write_text(json.dumps(self.records, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.out / CACHE_FILE)
        except OSError:
            tmp.unlink(missing_ok=True)


def _well_formed(record: object) -> bool:
    """A record as :meth:`BuildCache.record` writes it (a hand-edited file is ignored)."""
    if not isinstance(record, dict) or not isinstance(record.get("key"), str):
        return False
    files, page_map = record.get("files"), record.get("page_map")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return False
    if any(Path(rel).is_absolute() or ".." in Path(rel).parts for rel in files):
        return False
    return page_map is None or (isinstance(page_map, dict) and isinstance(page_map.get("source"), str)
                                and isinstance(page_map.get("pages"), dict))
