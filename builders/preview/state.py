"""The preview's state: the last good course, the errors of the last rebuild, a generation count.

:func:`load` is the one rebuild step: :func:`~builders.source.load_course`, which with a store
reads again only the lessons that changed (:mod:`builders.source.lessoncache`).
:meth:`PreviewState.rebuild` runs it, keeps the last good course when the source is broken, and
counts every finished rebuild.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, SourceError
from ..incremental import Store
from ..model import Course, SourcePos
from ..source import load_course
from ..source.lessoncache import LessonCache
from .views import Views


def load(course_dir: Path, lessons: LessonCache | None = None) -> tuple[Course, list[Diagnostic]]:
    """Course folder -> (course, warnings); raises SourceError. The rebuild step of the preview;
    ``lessons``: the lessons read before, which keeps those read now."""
    loaded = load_course(course_dir, cache=lessons)
    if lessons is not None:
        lessons.save()
    return loaded


@dataclass
class Snapshot:
    """What one finished rebuild found."""

    generation: int
    ok: bool
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


class PreviewState:
    """Shared by the watcher thread (which rebuilds) and the web server (which reads)."""

    def __init__(self, course_dir: Path, store: Path | None = None) -> None:
        """``store``: a store folder for the lessons read (see :mod:`builders.incremental`)."""
        self.course_dir = course_dir.absolute()
        self.lessons = LessonCache(Store(store)) if store is not None else None
        self.lock = threading.Lock()
        self.snapshot = Snapshot(0, False)
        self.views: Views | None = None
        """The views of the last good course (None until one loads)."""

    def rebuild(self) -> Snapshot:
        """Reload the course; never raises: every failure becomes a diagnostic of the snapshot."""
        views, errors, warnings = None, [], []
        try:
            course, warnings = load(self.course_dir, self.lessons)
            views = Views(course, self.snapshot.generation + 1)
            views.warm()  # render now, so that a failing view shows in the overlay
        except SourceError as exc:
            errors = [d for d in exc.diagnostics if d.severity == "error"]
            warnings = [d for d in exc.diagnostics if d.severity == "warning"]
        except OSError as exc:  # a file caught half-way through a save: the next save rebuilds
            errors = [Diagnostic(SourcePos(self.course_dir), "error", f"could not read the course: {exc}")]
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the server; the overlay shows it
            errors = [Diagnostic(SourcePos(self.course_dir), "error",
                                 f"internal error: {exc!r}. This is a bug in coursepack")]
        with self.lock:
            generation = self.snapshot.generation + 1
            self.snapshot = Snapshot(generation, views is not None, errors, warnings)
            if views is not None:
                self.views = views
            return self.snapshot

    def title(self) -> str:
        return self.views.course.title if self.views else self.course_dir.name

    def status(self) -> dict:
        """The JSON of ``GET /_coursepack/status``."""
        snap = self.snapshot
        return {"generation": snap.generation, "ok": snap.ok,
                "errors": [self._entry(d) for d in snap.errors],
                "warnings": [self._entry(d) for d in snap.warnings],
                "lines": [str(d) for d in snap.errors + snap.warnings]}

    def _entry(self, item: Diagnostic) -> dict:
        try:
            file = Path(os.path.relpath(item.pos.path, self.course_dir)).as_posix()
        except ValueError:
            file = str(item.pos.path)
        return {"file": file, "line": item.pos.line, "column": item.pos.col, "message": item.message}
