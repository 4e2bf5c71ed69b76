"""What the benchmark scripts share: timing a command in a fresh process, counting PDF pages,
and the two yardsticks (pandoc, WeasyPrint alone) run on the same content as coursepack.

In: commands and course folders. Out: :class:`Measurement` (median wall time of the runs and
the peak resident memory of the measured process, from ``os.wait4``). Also a small command
line for the yardstick children, which must not import coursepack while they are timed:

    python benchmarks/measure.py pdf-html COURSE_DIR OUT_DIR   # not timed: writes the HTML
    python benchmarks/measure.py weasyprint HTML_DIR OUT_DIR   # timed: WeasyPrint alone
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COURSEPACK = [sys.executable, "-m", "builders"]
PDF_VARIANT = "pdf/ua-1"


@dataclass
class Measurement:
    """A step measured in fresh processes: median seconds, peak memory of the largest run."""

    seconds: float | None = None
    peak_mb: float | None = None
    cpu_seconds: float | None = None
    """Median CPU time (user + system) of the process and the children it waited for: less
    noisy than wall time on a busy machine, and above it when a build runs in parallel."""
    runs: list[float] = field(default_factory=list)
    error: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and self.seconds is not None

    def as_dict(self) -> dict:
        return asdict(self)


def run_once(command: list[str], *, cwd: Path = REPO, timeout: float | None = None,
             env: dict[str, str] | None = None) -> tuple[float, float, float, int, str]:
    """(wall seconds, peak MB, CPU seconds, exit status, stderr tail) of one fresh process.

    The peak is the process's own maximum resident set (``ru_maxrss`` from ``os.wait4``), or
    that of the largest process it waited for (a parallel build's workers)."""
    errors = tempfile.TemporaryFile("w+")  # not a pipe: a chatty child cannot fill it and stall
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, 0 if deadline is None else os.WNOHANG)
        if pid:
            break
        now = time.perf_counter()
        if now > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = -9
            errors.close()
            return now - start, usage.ru_maxrss / 1024, _cpu(usage), -9, f"timed out after {timeout:.0f} s"
        time.sleep(min(0.05, (now - start) / 200))  # polling costs the measured step next to nothing
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors.seek(0)
    stderr = errors.read()
    errors.close()
    return seconds, usage.ru_maxrss / 1024, _cpu(usage), process.returncode, stderr.strip()[-500:]


def _cpu(usage: os.struct_rusage) -> float:  # type: ignore[name-defined]
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], repeat: int = 1, once_above: float | None = None,
            **kwargs: object) -> Measurement:
    """Run ``command`` ``repeat`` times (stopping at the first failure): median and peak.
    A first run longer than ``once_above`` seconds is not repeated."""
    return measure_in_turn({"step": (command, kwargs)}, repeat, once_above)["step"]


def measure_in_turn(commands: dict[str, tuple[list[str], dict]], repeat: int = 1,
                    once_above: float | None = None) -> dict[str, Measurement]:
    """Each command once per round, in turn, for ``repeat`` rounds; each its median and peak.

    On a shared machine load comes in bursts: measured in turn, a burst slows every step a
    little instead of one step a lot, so the ratios between them hold. A command stops at its
    first failure; one whose first run took longer than ``once_above`` seconds runs once."""
    results = {name: Measurement() for name in commands}
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for n in range(repeat):
        for name, (command, kwargs) in commands.items():
            result = results[name]
            if result.error or (n >= 1 and once_above is not None and result.runs[0] > once_above):
                continue
            seconds, peak, cpu, code, stderr = run_once(command, **kwargs)
            if code != 0:
                result.error = stderr or f"exit status {code}"
                continue
            result.runs.append(round(seconds, 4))
            samples[name].append((peak, cpu))
    for name, result in results.items():
        if result.runs and not result.error:
            result.seconds = statistics.median(result.runs)
            result.cpu_seconds = round(statistics.median(cpu for _, cpu in samples[name]), 4)
            result.peak_mb = round(max(peak for peak, _ in samples[name]), 1)
    return results


def pdf_pages(path: Path) -> int | None:
    """Page count from pdfinfo (poppler), or None without it."""
    if shutil.which("pdfinfo") is None or not path.exists():
        return None
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def lesson_files(course: Path) -> list[Path]:
    return sorted((course / "lessons").glob("*.md"))


def pandoc_command(course: Path, target: Path) -> list[str] | None:
    """pandoc turning the same lesson Markdown into one EPUB (quizzes stay code blocks)."""
    if shutil.which("pandoc") is None:
        return None
    return ["pandoc", "--quiet", "--from", "markdown", "--resource-path", str(course / "lessons"),
            "--metadata", "title=benchmark", "-o", str(target), *map(str, lesson_files(course))]


def pandoc_version() -> str | None:
    if shutil.which("pandoc") is None:
        return None
    return subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]


# --- the WeasyPrint yardstick ----------------------------------------------------------------

def write_pdf_html(course_dir: Path, out: Path) -> list[Path]:
    """The workbook and the answer key as one HTML document each (the content the PDF builder
    lays out in parts, stylesheet included), as files beside the fonts and (print-ready) images
    they refer to, so WeasyPrint alone can read them from disk with its own fetcher."""
    sys.path.insert(0, str(REPO))
    from builders.base import BuildOptions
    from builders.pdf.builder import page_size
    from builders.pdf.html import document_html, lesson_views
    from builders.pdf.render import BASE_URL, MemoryFetcher
    from builders.shared.templating import templates_dir
    from builders.source import load_course

    course, _ = load_course(course_dir)
    size = page_size(course, BuildOptions())
    lessons = lesson_views(course)
    fetcher = MemoryFetcher(course.media)
    for key in course.media:
        target = out / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(fetcher.fetch(f"{BASE_URL}{key}").read())
    shutil.copytree(templates_dir() / "pdf" / "fonts", out / "fonts", dirs_exist_ok=True)
    files = []
    for edition in ("workbook", "answer-key"):
        path = out / f"{edition}.html"
        path.write_text(document_html(course, edition, size, lessons=lessons), encoding="utf-8")
        files.append(path)
    return files


def weasyprint_alone(html_dir: Path, out: Path) -> None:
    """Render and write each HTML file of ``html_dir`` with WeasyPrint and nothing else."""
    from weasyprint import HTML

    for path in sorted(html_dir.glob("*.html")):
        document = HTML(filename=str(path), base_url=f"{html_dir.as_uri()}/").render(pdf_variant=PDF_VARIANT)
        document.write_pdf(out / f"{path.stem}.pdf", pdf_variant=PDF_VARIANT)


def main() -> None:
    kind, source, target = sys.argv[1:4]
    if kind == "pdf-html":
        write_pdf_html(Path(source), Path(target))
    elif kind == "weasyprint":
        weasyprint_alone(Path(source), Path(target))
    else:
        raise SystemExit(f"unknown child {kind!r}")


if __name__ == "__main__":
    main()
