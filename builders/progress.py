"""The build's progress on a terminal: one line per format (or piece of one), with its state
and, for the PDF editions, how many of their parts are laid out. Drawn with rich's live
progress display; used only when stderr is a terminal and ``-q`` is not given."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

STATES = {"waiting": "waiting", "running": "building", "done": "done"}


class BuildProgress:
    """Receives :data:`builders.build.Tasks` events and the phase messages of a build."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
        )

        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/green]"), TextColumn("{task.description}"),
            TextColumn("[dim]{task.fields[state]}"), BarColumn(bar_width=20), MofNCompleteColumn(),
            console=console, transient=False)
        self.rows: dict[str, int] = {}
        self.phase = self.progress.add_task("checking the course", total=None, state="")

    def message(self, text: str) -> None:
        if not text.startswith("building "):
            self.progress.update(self.phase, description=text)

    def task(self, name: str, state: str, done: int, total: int) -> None:
        if name not in self.rows:
            self.rows[name] = self.progress.add_task(name, total=None, state=STATES[state], start=False)
        row = self.rows[name]
        if state != "waiting":
            self.progress.start_task(row)
        counted = {"completed": done, "total": total} if total else {}
        self.progress.update(row, state=STATES[state], **counted)
        if state == "done":
            finished = self.progress.tasks[self.rows[name]]
            self.progress.update(row, total=finished.total or 1, completed=finished.total or 1)
        if self.progress.tasks[self.phase].description != "building":
            self.progress.update(self.phase, description="building", total=1, completed=1)


@contextmanager
def shown(console: Console) -> Iterator[tuple[Callable[[str], None], Callable[[str, str, int, int], None]]]:
    """``(message, task)`` callbacks for :func:`builders.build.build`, drawn while inside."""
    display = BuildProgress(console)
    with display.progress:
        yield display.message, display.task
