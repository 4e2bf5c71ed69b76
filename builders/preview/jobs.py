"""Real builds on request: ``coursepack build`` in a child process, into a private temporary
folder (never the course folder), with its progress lines kept for the page to show.

One build at a time; a new request while one runs gets the running one. Each build writes into
a folder of its own (the page links to exactly what it made), but they all share one store of
laid-out PDF parts (:mod:`builders.incremental`: each folder's ``.coursepack-cache`` is a link
to it), so a build after an edit lays out only the edited lesson, like ``coursepack build``
into the same folder would. :meth:`Jobs.close` stops a running build and removes the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import builders
from builders.incremental import CACHE_DIR

FORMATS = {"all": None, "pdf": "pdf", "epub": "epub", "scorm": "scorm"}
"""What a page may ask to build -> the ``--format`` value (None: every format)."""


class Jobs:
    def __init__(self, course_dir: Path) -> None:
        self.course_dir = course_dir
        self.root = Path(tempfile.mkdtemp(prefix="coursepack-preview-"))
        self.store = self.root / "store"
        """The store every build of this preview shares (and the preview's own reads of the course)."""
        self.lock = threading.Lock()
        self.count = 0
        self.process: subprocess.Popen | None = None
        self.state = "idle"
        self.formats = ""
        self.log: list[str] = []
        self.out: Path | None = None
        self.files: list[str] = []

    def start(self, formats: str) -> dict:
        if formats not in FORMATS:
            raise ValueError(formats)
        with self.lock:
            if self.state != "running":
                self.count += 1
                self.state, self.formats, self.log, self.files = "running", formats, [], []
                self.out = self.root / str(self.count)
                self._share_store(self.out)
                self.process = self._spawn(FORMATS[formats], self.out)
                threading.Thread(target=self._follow, args=(self.process,), daemon=True).start()
            return self.status()

    def _share_store(self, out: Path) -> None:
        """``out``'s store is the one of every build of this preview (best effort: without it,
        the build only takes longer)."""
        try:
            self.store.mkdir(exist_ok=True)
            out.mkdir(parents=True)
            (out / CACHE_DIR).symlink_to(self.store, target_is_directory=True)
        except OSError:
            pass

    def _spawn(self, fmt: str | None, out: Path) -> subprocess.Popen:
        command = [sys.executable, "-m", "builders", "-v", "build", str(self.course_dir), "-o", str(out)]
        if fmt:
            command += ["--format", fmt]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(Path(builders.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, env=env, cwd=os.getcwd())

    def _follow(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            with self.lock:
                self.log.append(line.rstrip())
        code = process.wait()
        with self.lock:
            if process is not self.process:
                return
            self.state = "done" if code == 0 else "failed"
            if self.out is not None and self.out.is_dir():
                self.files = sorted(p.name for p in self.out.iterdir() if p.is_file() and not p.name.startswith("."))

    def status(self) -> dict:
        return {"state": self.state, "formats": self.formats, "log": self.log[-20:],
                "files": [{"name": name, "url": f"/_coursepack/files/{name}"} for name in self.files]}

    def file(self, name: str) -> Path | None:
        """A file of the last finished build, by its exact name (nothing else is served)."""
        with self.lock:
            if name in self.files and self.out is not None:
                return self.out / name
        return None

    def close(self) -> None:
        with self.lock:
            process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
