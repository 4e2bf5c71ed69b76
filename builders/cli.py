"""The ``coursepack`` command: a thin layer of options over :mod:`builders.build`.

Exit codes: 0 success, 1 errors in the course source, 2 usage errors, 3 warnings under
``--strict``, 4 a failed build step, 70 an internal error (a bug: the traceback goes to a file).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

EXIT_WARNINGS = 3
EXIT_INTERNAL = 70


class Output:
    """Where messages go: stderr, coloured on a terminal, quieter or louder on request."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity
        self._console = None

    @property
    def console(self):  # noqa: ANN201 - rich is imported only when something is printed
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    def diagnostics(self, items: list[Diagnostic]) -> None:
        for item in items:
            style = "red" if item.severity == "error" else "yellow"
            text = str(item)
            head, _, rest = text.partition(f": {item.severity}: ")
            self.console.print(f"{head}: [{style}]{item.severity}[/{style}]: ", end="")
            self.console.print(rest, markup=False)

    def info(self, message: str) -> None:
        if self.verbosity >= 0:
            self.console.print(message, markup=False)

    def detail(self, message: str) -> None:
        if self.verbosity > 0:
            self.console.print(message, markup=False, style="dim")

    def warning(self, message: str) -> None:
        self.console.print("[yellow]warning[/yellow]: ", end="")
        self.console.print(message, markup=False)

    def error(self, message: str) -> None:
        self.console.print("[red]error[/red]: ", end="")
        self.console.print(message, markup=False)


def _summary(errors: int, warnings: int, outcome: str) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return f"{count(errors, 'error')}, {count(warnings, 'warning')}; {outcome}"


def _terminate(signum: int, frame: object) -> None:
    from .workers import request_stop

    request_stop()  # in case the exception below lands where Python swallows it
    raise KeyboardInterrupt  # so that a build's clean-up runs on `kill` as on Ctrl-C


def run(out: Output, action, *args, **kwargs) -> object:  # noqa: ANN001
    """Run an action, turning expected failures into messages and exit codes."""
    from .diagnostics import (  # not at the top: `--help` stays quick
        CoursepackError,
        SourceError,
    )

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    try:
        return action(*args, **kwargs)
    except SourceError as exc:
        out.diagnostics(exc.diagnostics)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        out.info(_summary(errors, len(exc.diagnostics) - errors, "nothing built"))
        sys.exit(exc.exit_code)
    except CoursepackError as exc:
        out.error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        out.error("interrupted; nothing was written")
        sys.exit(130)
    except BaseException as exc:  # noqa: BLE001 - a bug (some libraries raise BaseException): keep the traceback
        if isinstance(exc, (SystemExit, GeneratorExit)):
            raise
        import tempfile
        import traceback

        with tempfile.NamedTemporaryFile("w", prefix="coursepack-crash-", suffix=".txt", delete=False) as fh:
            traceback.print_exc(file=fh)
        out.error(f"internal error: {sys.exc_info()[1]!r}. This is a bug in coursepack; "
                  f"the details are in {fh.name}")
        sys.exit(EXIT_INTERNAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="coursepack")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn one course source into an EPUB textbook, a PDF workbook with an answer key,
    and SCORM packages for Moodle and other LMSs."""
    ctx.obj = Output(-1 if quiet else (1 if verbose else 0))


COURSE_DIR = click.argument("course_dir", default="course", type=click.Path(path_type=Path))


@main.command()
@COURSE_DIR
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit code 3).")
@click.pass_obj
def check(out: Output, course_dir: Path, strict: bool) -> None:
    """Validate a course without building anything."""
    from .build import (
        checked_course,  # the check reports what a build would (PDF fonts, SCORM limits)
    )

    course, warnings = run(out, checked_course, course_dir)
    out.diagnostics(warnings)
    questions = course.questions
    out.info(
        f"{course.title}: {len(course.lessons)} lessons, {len(questions)} questions "
        f"({sum(q.graded for q in questions)} auto-graded), {len(course.glossary)} glossary terms, "
        f"{len(course.media)} images; " + _summary(0, len(warnings), "ok")
    )
    if strict and warnings:
        sys.exit(EXIT_WARNINGS)


def _formats(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


@main.command()
@COURSE_DIR
@click.option("--out", "-o", "out_dir", default="dist", type=click.Path(path_type=Path),
              show_default=True, help="Folder for the outputs.")
@click.option("--format", "-f", "formats", metavar="LIST",
              help="Comma-separated formats to build: epub, pdf, scorm, moodle, gift, qti, or all "
                   "(default: course.yml's outputs, else epub,pdf,scorm).")
@click.option("--scorm-version", type=click.Choice(["1.2", "2004", "both"]),
              help="SCORM version (default: the course's scorm.version).")
@click.option("--page-size", type=click.Choice(["A4", "letter"], case_sensitive=False),
              help="PDF page size (default: the course's pdf.page_size).")
@click.option("--fillable", is_flag=True, help="Also build a workbook with fillable PDF form fields.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit code 3).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Build independent formats in this many parallel processes.")
@click.option("--force", is_flag=True,
              help="Rebuild even the outputs that are up to date, without reusing cached pieces.")
@click.pass_obj
def build(out: Output, course_dir: Path, out_dir: Path, formats: str | None, scorm_version: str | None,
          page_size: str | None, fillable: bool, strict: bool, jobs: int, force: bool) -> None:
    """Build the course into the output folder (atomically: all files or none)."""
    from .base import BuildOptions

    options = BuildOptions(
        scorm_versions=("1.2", "2004") if scorm_version == "both" else ((scorm_version,) if scorm_version else ()),
        page_size={"a4": "A4", "letter": "letter"}[page_size.lower()] if page_size else None,
        fillable=fillable,
    )
    settings = dict(formats=_formats(formats), options=options, strict=strict, jobs=jobs, force=force)
    report = run(out, _build_with_progress, out, course_dir, out_dir, settings)
    out.diagnostics(report.warnings)
    for path in report.written:
        out.info(f"wrote {_shown(path)}")
    for path in report.up_to_date:
        out.info(f"{_shown(path)} is up to date")


def _build_with_progress(out: Output, course_dir: Path, out_dir: Path, settings: dict) -> object:
    from .build import build as run_build

    if out.verbosity < 0 or not sys.stderr.isatty():
        return run_build(course_dir, out_dir, progress=lambda message: _phase(out, message), **settings)
    from .progress import shown

    with shown(out.console) as (message, task):
        return run_build(course_dir, out_dir, progress=message, tasks=task, **settings)


def _phase(out: Output, message: str) -> None:
    """Phases are detail (``-v``); waiting for another build is news to anyone not using ``-q``."""
    (out.info if message.startswith("waiting for another build") else out.detail)(message)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.pass_obj
def new(out: Output, directory: Path) -> None:
    """Create a small example course in DIRECTORY that shows every feature of the format."""
    from .scaffold import create

    run(out, create, directory)
    out.info(f"created a new course in {directory}; next: coursepack check {directory}")


@main.command()
@COURSE_DIR
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on; anything but loopback makes the preview visible to the network.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@click.pass_obj
def serve(out: Output, course_dir: Path, port: int, host: str, open_browser: bool) -> None:
    """Preview the course in a web browser, rebuilt and reloaded on every save: the book, the
    print editions, and the SCORM package in a preview LMS that shows what Moodle would record."""
    from .preview import serve as run_preview

    run(out, run_preview, course_dir, host=host, port=port, open_browser=open_browser,
        say=lambda message: out.console.print(message, markup=False), warn=out.warning)
