"""Watch a course folder with watchfiles and rebuild the preview after each change.

Editors save in several steps (a temporary file, a rename, a backup): watchfiles groups the
events of one save (``debounce``), the files an editor keeps on the side are ignored, and a
rebuild that finds a half-written file only reports it; the next save rebuilds again.
"""

from __future__ import annotations

import threading

from watchfiles import DefaultFilter, watch

from .state import PreviewState

DEBOUNCE_MS = 50
STEP_MS = 25
RETRY_SECONDS = 0.5


class CourseFilter(DefaultFilter):
    """watchfiles' own filter (VCS folders, vim/emacs/JetBrains files ...) plus a few more
    temporary names: vim's write test ``4913``, ``*.tmp`` and emacs' ``#autosave#``."""

    ignore_entity_patterns = (*DefaultFilter.ignore_entity_patterns, r"^4913$", r"\.tmp$", r"^#.*#$",
                              r"\.crdownload$", r"\.part$")


class Watcher:
    """A thread that rebuilds ``state`` after every save in its folder until :meth:`stop`."""

    def __init__(self, state: PreviewState, on_rebuild=None) -> None:  # noqa: ANN001
        self.state = state
        self.on_rebuild = on_rebuild or (lambda snapshot: None)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="coursepack-watcher", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        folder = self.state.course_dir
        while not self.stop_event.is_set():
            try:
                for _changes in watch(folder, watch_filter=CourseFilter(), stop_event=self.stop_event,
                                      debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=200, raise_interrupt=False):
                    self.on_rebuild(self.state.rebuild())
            except OSError:  # the folder itself was moved or deleted: rebuild (an error) and wait for it
                self.on_rebuild(self.state.rebuild())
                self.stop_event.wait(RETRY_SECONDS)

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=5)
