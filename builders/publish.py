"""Staging and publishing: a build writes into a hidden folder beside the output folder and
moves its files into place only when every builder has succeeded (``os.replace``, atomic on one
file system); staging folders of killed builds are removed by the next build."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from .diagnostics import BuildError

_FULL = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
         errno.EFBIG: "the file is larger than this system allows"}


def why(exc: OSError) -> str:
    """An OSError as a person should read it (no errno numbers, no traceback)."""
    reason = exc.strerror or str(exc)
    return f"{_FULL[exc.errno]} ({reason}); nothing was changed" if exc.errno in _FULL else reason


# --- staging and publishing -------------------------------------------------------------------

def _remove_abandoned_staging(out: Path) -> None:
    """Staging folders of builds that were killed (SIGKILL leaves no chance to clean up)."""
    for folder in out.parent.glob(f".{out.name}.coursepack-*-*"):
        pid = folder.name.rsplit("-", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def make_staging(out: Path) -> Path:
    """A hidden folder beside ``out`` (same file system, so publishing is a rename)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_staging(out)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.coursepack-{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        raise BuildError(f"cannot write to {out.parent}: {why(exc)}") from exc


def publish(staging: Path, produced: list[Path], out: Path) -> list[Path]:
    """Move every file into ``out``; everything that can fail is checked before the first move."""
    targets = [(path, out / path.relative_to(staging)) for path in sorted(produced)]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for _path, target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                raise BuildError(f"cannot write {target}: a folder has that name; move it away")
    except OSError as exc:
        raise BuildError(f"cannot write to {out}: {why(exc)}") from exc
    for path, target in targets:
        os.replace(path, target)
    return [target for _path, target in targets]
