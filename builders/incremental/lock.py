"""One build at a time per output folder: an exclusive ``flock`` on a file in its cache folder.

The second build into a folder waits for the first (and says so once); the lock is released
by the kernel when a build ends in any way, even SIGKILL, so a stale lock cannot exist.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .store import CACHE_DIR

LOCK_FILE = "lock"


@contextlib.contextmanager
def build_lock(out: Path, waiting: Callable[[str], None] = lambda message: None) -> Iterator[Path]:
    """Hold the lock of ``out`` (its cache folder is made if needed); yield the cache folder.
    ``waiting`` hears one message if another build holds it."""
    folder = out / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            waiting(f"waiting for another build into {out} to finish" + (f" (process {holder})" if holder else ""))
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield folder
    finally:
        os.close(fd)  # closing releases the lock
