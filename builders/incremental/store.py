"""A folder of finished pieces, each found by a key; what is read back is checked, never trusted.

Each entry is one file, ``<key>.entry``: a magic line, the SHA-256 of the rest, then a small
JSON header (which repeats the key) and the piece's bytes. A file that is truncated, damaged,
left by another program or stored under another name fails those checks and counts as a miss,
so a damaged cache costs time, never a wrong output. Entries are written to a temporary file
and renamed into place, so an interrupted build (Ctrl+C, SIGTERM, a full disk) leaves whole
entries or none. :meth:`Store.prune` keeps the folder within a byte budget, oldest first.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CACHE_DIR = ".coursepack-cache"
"""The store's folder inside the output folder (hidden; a build never publishes into it)."""
MAGIC = b"coursepack-cache 1\n"
SUFFIX = ".entry"
BUDGET = 512 * 1024 * 1024
"""Bytes the store may hold after :meth:`Store.prune` (entries used by the last build stay)."""
_HEAD = struct.Struct(">I")


def key(*items: str | bytes) -> str:
    """A key for a piece from everything that can change it (order matters; items are
    length-prefixed, so ("ab", "c") and ("a", "bc") differ)."""
    digest = hashlib.sha256()
    for item in items:
        data = item.encode("utf-8") if isinstance(item, str) else item
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    meta: dict = field(default_factory=dict)
    """Small facts about the piece (JSON: page counts, anchors)."""
    data: bytes = b""
    """The piece itself (a PDF, a document)."""


class Store:
    """``get`` and ``put`` entries by key in ``folder``; safe to share between the processes
    of one build (each write is a rename), and between builds under :func:`build_lock`."""

    def __init__(self, folder: Path, budget: int = BUDGET, *, reuse: bool = True) -> None:
        """``reuse=False``: every :meth:`get` misses (a ``--force`` build makes everything anew
        and stores it)."""
        self.folder = folder
        self.budget = budget
        self.reuse = reuse
        self.used: set[str] = set()
        """Keys read or written through this object (kept by :meth:`prune`)."""

    def path(self, name: str) -> Path:
        return self.folder / f"{name}{SUFFIX}"

    def get(self, name: str) -> Entry | None:
        if not self.reuse:
            return None
        try:
            raw = self.path(name).read_bytes()
        except OSError:
            return None
        entry = _decode(raw, name)
        if entry is not None:
            self.used.add(name)
            try:
                os.utime(self.path(name))  # recently used: pruned last
            except OSError:
                pass
        return entry

    def put(self, name: str, entry: Entry) -> None:
        """Best effort: a store that cannot be written (a full disk) only makes the next
        build slower."""
        self.used.add(name)
        header = json.dumps({"key": name, "meta": entry.meta}, sort_keys=True).encode("utf-8")
        body = _HEAD.pack(len(header)) + header + entry.data
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".tmp-{os.getpid()}-", dir=self.folder)
            with os.fdopen(fd, "wb") as fh:
                fh.write(MAGIC + hashlib.sha256(body).digest() + body)
            os.replace(tmp, self.path(name))
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def prune(self, used_since: int | None = None) -> None:
        """Remove leftovers of killed builds, then the oldest entries beyond the budget, but
        never one this object used or one read or written since ``used_since`` (a
        ``time.time_ns()``; how a build keeps what its worker processes used)."""
        try:
            files = list(self.folder.iterdir())
        except OSError:
            return
        entries = []
        for path in files:
            try:
                if path.name.startswith(".tmp-"):
                    if not _alive(path.name.split("-")[1]):
                        path.unlink()
                elif path.suffix == SUFFIX:
                    stat = path.stat()
                    kept = path.stem in self.used or (used_since is not None and stat.st_mtime_ns >= used_since)
                    entries.append((kept, stat.st_mtime_ns, stat.st_size, path))
            except (OSError, IndexError):
                continue
        total = sum(size for *_, size, _ in entries)
        for kept, _mtime, size, path in sorted(entries, key=lambda e: (e[0], e[1])):
            if total <= self.budget or kept:
                break
            path.unlink(missing_ok=True)
            total -= size


def _decode(raw: bytes, name: str) -> Entry | None:
    if not raw.startswith(MAGIC):
        return None
    digest, body = raw[len(MAGIC):len(MAGIC) + 32], raw[len(MAGIC) + 32:]
    if len(body) < _HEAD.size or hashlib.sha256(body).digest() != digest:
        return None
    (length,) = _HEAD.unpack_from(body)
    try:
        header = json.loads(body[_HEAD.size:_HEAD.size + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("key") != name or not isinstance(header.get("meta"), dict):
        return None
    return Entry(header["meta"], body[_HEAD.size + length:])


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
