"""The coursepack benchmark (not a test: nothing is asserted). Prints a table and writes JSON.

    python benchmarks/run.py [--quick | --sizes [N ...]] [--repeat 5] [--pdf-timeout 1800] [--out benchmarks/results]

For the example course (course/) and courses of 100 and 1000 lessons made by
benchmarks/coursegen.py (``--quick``: no 1000), each step runs as a fresh process whose wall
time, CPU time and peak memory are recorded: ``coursepack check``, each format on its own
(``--force``), the full build (all formats, ``--jobs`` = the number of cores), a rebuild where
nothing changed; and beside them, on the same content, pandoc turning the lesson Markdown into
an EPUB and WeasyPrint alone rendering the workbook and the answer key, each as one HTML
document (the builder lays the same content out in parts). Quick steps are repeated (median of
``--repeat``); a step longer than 30 s runs once. ``check``, EPUB, SCORM and pandoc are measured
in turn, one run of each per round, so a burst of load from elsewhere slows them alike. For 1000 lessons the full build and WeasyPrint
alone are skipped (the first costs as much as the PDF step again, the second several GB and
hours) and the rebuild covers EPUB and SCORM.

Ratios matter more than seconds: the machine may be shared and noisy, but both sides of a ratio
ran within the same minutes. Python's compiled-bytecode and Jinja2's template caches are warmed
first (as after any first run on a user's machine), also when PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from coursegen import generate
from edits import EDITS
from measure import (
    COURSEPACK,
    REPO,
    Measurement,
    measure,
    measure_in_turn,
    pandoc_command,
    pandoc_version,
    pdf_pages,
    run_once,
)

CHEAP_SECONDS = 30.0
"""Steps quicker than this are repeated (median); slower ones run once."""
STEP_LABELS = {
    "check": "coursepack check", "epub": "EPUB", "scorm": "SCORM", "pdf": "PDF (workbook + key)",
    "build": "full build (all formats)", "rebuild": "rebuild, nothing changed",
    "pandoc": "pandoc -> EPUB", "weasyprint": "WeasyPrint alone, same HTML",
    "build_jobs1": "full build, --jobs 1",
    "edit_word": "after editing a word", "edit_prompt": "after editing a prompt",
    "edit_push": "after pushing pages down", "edit_two": "after editing two lessons",
}
EDIT_STEPS = ("edit_word", "edit_prompt", "edit_push", "edit_two")
MEASURE_PY = str(REPO / "benchmarks" / "measure.py")


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown")
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model, "python": platform.python_version(), "system": platform.platform(),
        "pandoc": pandoc_version(), "weasyprint": _version("weasyprint"),
        "load_average_at_start": os.getloadavg(),
    }


def _version(distribution: str) -> str | None:
    """Without importing it: a big benchmark process would raise every child's peak memory
    (a child starts as a copy of its parent)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def child_env(pycache: Path) -> dict[str, str]:
    """Children write and reuse compiled bytecode (kept out of the source tree)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def build_command(course: Path, out: Path, formats: list[str] | None, force: bool = True) -> list[str]:
    command = [*COURSEPACK, "-q", "build", str(course), "--out", str(out)]
    if formats:
        command += ["--format", ",".join(formats)]
    return command + (["--force"] if force else [])


def outputs_state(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def bench_edits(course: Path, work: Path, args: argparse.Namespace, env: dict[str, str],
                log: Callable[[str], None]) -> dict[str, Measurement]:
    """The full build cold (``--force``: nothing reused) with --jobs 2 and 1, then a build (all
    formats, --jobs 2) after each kind of edit of the middle lesson (two lessons: the middle one
    and the next), each repeated with a new edit of the same kind (median)."""
    copy, out = work / "edit-course", work / "edit-dist"
    shutil.copytree(course, copy)
    steps: dict[str, Measurement] = {}
    for name, jobs in (("build", "2"), ("build_jobs1", "1")):
        log(f"  {STEP_LABELS[name]} ...")
        steps[name] = measure([*build_command(copy, out, None), "--jobs", jobs], min(args.repeat, 3),
                              once_above=CHEAP_SECONDS, env=env, timeout=args.pdf_timeout * 2)
        log(f"    {_cell(steps[name])}")
    lessons = sorted((copy / "lessons").glob("*.md"))
    middle = len(lessons) // 2
    plans = {"edit_word": [("word", middle)], "edit_prompt": [("prompt", middle)],
             "edit_push": [("push", middle)], "edit_two": [("word", middle), ("word", middle + 1)]}
    for name, edits in plans.items():
        log(f"  {STEP_LABELS[name]} ...")
        result = Measurement()
        samples = []
        for _ in range(min(args.repeat, 3)):
            for kind, index in edits:
                EDITS[kind](lessons[index])
            seconds, peak, cpu, code, stderr = run_once([*build_command(copy, out, None, force=False), "--jobs", "2"],
                                                        env=env, timeout=args.pdf_timeout)
            if code != 0:
                result.error = stderr or f"exit status {code}"
                break
            result.runs.append(round(seconds, 4))
            samples.append((peak, cpu))
        if samples:
            result.seconds = statistics.median(result.runs)
            result.cpu_seconds = round(statistics.median(cpu for _, cpu in samples), 4)
            result.peak_mb = round(max(peak for peak, _ in samples), 1)
        steps[name] = result
        log(f"    {_cell(result)}")
    return steps


def bench_course(course: Path, work: Path, args: argparse.Namespace, env: dict[str, str], full: bool,
                 log: Callable[[str], None]) -> dict:
    if args.edits_only:
        steps = bench_edits(course, work, args, env, log)
        return {"lessons": lessons_in(course), "steps": {k: v.as_dict() for k, v in steps.items()},
                "pdf_pages": {}, "ratios": ratios(steps, {})}
    steps: dict[str, Measurement] = {}

    def step(name: str, command: list[str] | None, **kwargs: object) -> Measurement:
        if command is None:
            steps[name] = Measurement(error="not available on this machine")
            return steps[name]
        log(f"  {STEP_LABELS[name]} ...")
        steps[name] = measure(command, args.repeat, once_above=CHEAP_SECONDS, env=env, **kwargs)
        log(f"    {_cell(steps[name])}")
        return steps[name]

    quick = {"check": ([*COURSEPACK, "-q", "check", str(course)], {"env": env}),
             **{name: (build_command(course, work / name, [name]), {"env": env}) for name in ("epub", "scorm")}}
    pandoc = pandoc_command(course, work / "pandoc.epub")
    if pandoc is not None:
        quick["pandoc"] = (pandoc, {"env": env, "cwd": course / "lessons"})
    else:
        steps["pandoc"] = Measurement(error="not available on this machine")
    log(f"  {', '.join(STEP_LABELS[name] for name in quick)} (in turn) ...")
    for name, measured in measure_in_turn(quick, args.repeat, once_above=CHEAP_SECONDS).items():
        steps[name] = measured
        log(f"    {STEP_LABELS[name]}: {_cell(measured)}")
    step("pdf", build_command(course, work / "pdf", ["pdf"]), timeout=args.pdf_timeout)
    pages = {p.name: pdf_pages(p) for p in sorted((work / "pdf").glob("*.pdf"))}
    if full:
        step("build", build_command(course, work / "all", None), timeout=args.pdf_timeout * 2)
    rebuild_dir, formats = (work / "all", None) if full and steps["build"].ok else (work / "fast", ["epub", "scorm"])
    if formats:
        run_once(build_command(course, rebuild_dir, formats), env=env)
    before = outputs_state(rebuild_dir)
    step("rebuild", build_command(course, rebuild_dir, formats, force=False))
    steps["rebuild"].extra = {"formats": ",".join(formats or ["all"]),
                              "rewrote_nothing": outputs_state(rebuild_dir) == before}

    if full:
        steps.update({k: v for k, v in bench_edits(course, work, args, env, log).items() if k != "build"})
    if full and steps["pdf"].ok:
        html_dir, alone_dir = work / "html", work / "alone"
        alone_dir.mkdir()
        run_once([sys.executable, MEASURE_PY, "pdf-html", str(course), str(html_dir)], env=env)
        step("weasyprint", [sys.executable, MEASURE_PY, "weasyprint", str(html_dir), str(alone_dir)],
             timeout=args.pdf_timeout)
    else:
        steps["weasyprint"] = Measurement(error="not measured" if steps["pdf"].ok else "the PDF did not finish")
    return {"lessons": lessons_in(course), "steps": {k: v.as_dict() for k, v in steps.items()},
            "pdf_pages": pages, "ratios": ratios(steps, pages)}


def ratios(steps: dict[str, Measurement], pages: dict[str, int | None]) -> dict[str, float | None]:
    def ratio(a: str, b: str, attr: str = "seconds") -> float | None:
        x, y = steps.get(a), steps.get(b)
        return round(getattr(x, attr) / getattr(y, attr), 3) if x and y and x.ok and y.ok else None

    total = sum(n for n in pages.values() if n) or None

    def per_second(name: str) -> float | None:
        m = steps.get(name)
        return round(total / m.seconds, 2) if total and m and m.ok else None

    return {
        **{f"{name}_over_cold": ratio(name, "build") for name in EDIT_STEPS},
        "jobs1_over_jobs2": ratio("build_jobs1", "build"),
        "epub_over_pandoc": ratio("epub", "pandoc"),
        "pdf_over_weasyprint": ratio("pdf", "weasyprint"),
        "pdf_over_weasyprint_cpu": ratio("pdf", "weasyprint", "cpu_seconds"),
        "pages": total,
        "pages_per_second": per_second("pdf"),
        "weasyprint_pages_per_second": per_second("weasyprint"),
    }


def lessons_in(course: Path) -> int:
    return len(list((course / "lessons").glob("*.md")))


# --- the table --------------------------------------------------------------------------------

CELL = 30
RATIO_LABELS = {
    "edit_word_over_cold": "edit a word / cold build", "edit_prompt_over_cold": "edit a prompt / cold build",
    "edit_push_over_cold": "push pages down / cold build", "edit_two_over_cold": "edit two lessons / cold build",
    "jobs1_over_jobs2": "cold build --jobs 1 / --jobs 2",
    "epub_over_pandoc": "EPUB / pandoc (wall)",
    "pdf_over_weasyprint": "PDF / WeasyPrint alone (wall)",
    "pdf_over_weasyprint_cpu": "PDF / WeasyPrint alone (CPU)",
    "pages": "PDF pages (workbook + key)",
    "pages_per_second": "PDF pages per second (wall)",
    "weasyprint_pages_per_second": "WeasyPrint alone, pages/s",
}


def _cell(m: dict | Measurement | None) -> str:
    if m is None:
        return "-"
    m = m if isinstance(m, dict) else m.as_dict()
    if m["seconds"] is None:
        return (m["error"] or "failed").splitlines()[-1][:CELL - 2]
    return f"{m['seconds']:7.2f} s {m['cpu_seconds']:7.2f} s {m['peak_mb']:5.0f} MB"


def table(results: dict) -> str:
    courses = results["courses"]
    names = list(courses)
    titles = [n if n.endswith("lessons") else f"{n} ({courses[n]['lessons']} lessons)" for n in names]
    header = f"{'step':<30}" + "".join(f"{title:>{CELL}}" for title in titles)
    growth = len(names) == 3
    lines = [_machine_line(results["machine"]),
             f"coursepack --help: {results['help']['seconds']:.3f} s (median of {len(results['help']['runs'])})",
             "each cell: wall time, CPU time (all processes), peak memory of the largest process", "",
             header + (f"{'1000 / 100':>12}" if growth else ""), "-" * (len(header) + (12 if growth else 0))]
    for step, label in STEP_LABELS.items():
        row = f"{label:<30}" + "".join(f"{_cell(courses[n]['steps'].get(step)):>{CELL}}" for n in names)
        if growth:
            big, mid = courses[names[2]]["steps"].get(step), courses[names[1]]["steps"].get(step)
            ok = big and mid and big["seconds"] and mid["seconds"]
            row += f"{big['seconds'] / mid['seconds']:>11.1f}x" if ok else f"{'-':>12}"
        lines.append(row)
    lines.append("")
    for key, label in RATIO_LABELS.items():
        values = [courses[n]["ratios"].get(key) for n in names]
        lines.append(f"{label:<30}" + "".join(f"{'-' if v is None else f'{v:g}':>{CELL}}" for v in values))
    fastest = [" / ".join(_fastest(courses[n]["steps"].get(step)) for step in ("check", "epub", "scorm")) for n in names]
    lines.append(f"{'fastest run: check/EPUB/SCORM':<30}" + "".join(f"{f:>{CELL}}" for f in fastest))
    rebuilt = [courses[n]["steps"].get("rebuild", {}).get("extra", {}) for n in names]
    lines.append(f"{'rebuild rewrote nothing':<30}" + "".join(
        f"{str(r.get('rewrote_nothing', '-')) + ' (' + str(r.get('formats', '-')) + ')':>{CELL}}" for r in rebuilt))
    return "\n".join(lines)


def _fastest(m: dict | None) -> str:
    """The quickest of a step's runs: what the step costs when nothing else wants the CPU."""
    return f"{min(m['runs']):.2f}" if m and m.get("runs") else "-"


def _machine_line(m: dict) -> str:
    load = m["load_average_at_start"][0], m.get("load_average_at_end", [float("nan")])[0]
    return (f"machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, {m['pandoc'] or 'no pandoc'}, "
            f"WeasyPrint {m['weasyprint']}; load average {load[0]:.2f} at start, {load[1]:.2f} at end")


# --- main ---------------------------------------------------------------------------------------

def warm_up(course: Path, work: Path, env: dict[str, str]) -> None:
    """Compiled bytecode and templates, as on any machine after the first run."""
    run_once([*COURSEPACK, "--help"], env=env)
    run_once(build_command(course, work, ["epub", "scorm"]), env=env)
    run_once([sys.executable, MEASURE_PY, "pdf-html", str(course), str(work / "html")], env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 1000-lesson course")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each quick step (median)")
    parser.add_argument("--pdf-timeout", type=float, default=1800, help="seconds before a PDF step is given up")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    parser.add_argument("--course", type=Path, default=REPO / "course", help="the example course")
    parser.add_argument("--edits-only", action="store_true",
                        help="only the cold builds (--jobs 2 and 1) and the builds after edits")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000], help="generated course sizes (none: the example course only)")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "courses": {}}
    with tempfile.TemporaryDirectory(prefix="coursepack-bench-") as tmp:
        root = Path(tmp)
        env = child_env(root / "pycache")
        warm_up(args.course.resolve(), root / "warm-up", env)
        log("coursepack --help ...")
        results["help"] = measure([*COURSEPACK, "--help"], max(args.repeat, 5), env=env).as_dict()
        courses = {"example": args.course.resolve()}
        for lessons in [n for n in args.sizes if not (args.quick and n >= 1000)]:
            courses[f"{lessons} lessons"] = generate(root / f"generated-{lessons}", lessons, sco_per_lesson=True)
        for label, course in courses.items():
            log(f"{label} ({course}):")
            work = root / f"work-{label.replace(' ', '-')}"
            work.mkdir()
            full = label == "example" or lessons_in(course) < 1000
            results["courses"][label] = bench_course(course, work, args, env, full, log)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    text = table(results)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"run-{stamp}.json", "latest.json"):
        (args.out / name).write_text(json.dumps(results, indent=1), encoding="utf-8")
    (args.out / "latest.txt").write_text(text + "\n", encoding="utf-8")
    log(f"results: {args.out / 'latest.json'} and latest.txt")


if __name__ == "__main__":
    main()
