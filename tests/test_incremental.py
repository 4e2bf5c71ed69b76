"""builders.incremental (the store and the build lock) and what the orchestrator does with them:
one build at a time per output folder, a cache that is never trusted blindly, worker errors
that cross the process boundary, the output folder left out of the fingerprint, progress."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from builders import build as build_module
from builders import registry, workers
from builders.base import BuildOptions
from builders.diagnostics import BuildError
from builders.incremental import CACHE_DIR, Entry, Store, build_lock, key
from builders.incremental.store import MAGIC
from builders.progress import BuildProgress

FAKES = {
    "pages": "tests.fakes.fake_builders:PagesBuilder",
    "book": "tests.fakes.fake_builders:BookBuilder",
    "crash": "tests.fakes.fake_builders:CrashingBuilder",
    "odd": "tests.fakes.fake_builders:UnpicklableBuildErrorBuilder",
    "count": "tests.fakes.fake_builders:CountingBuilder",
    "logbook": "tests.fakes.fake_builders:LoggingBookBuilder",
    "early": "tests.fakes.fake_builders:EarlyPagesBuilder",
}


# --- the store -----------------------------------------------------------------------------------

def test_a_stored_entry_comes_back_whole(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.put("k1", Entry({"pages": 3}, b"%PDF-1.7 data"))
    assert Store(tmp_path).get("k1") == Entry({"pages": 3}, b"%PDF-1.7 data")
    assert Store(tmp_path).get("k2") is None


def test_keys_tell_their_items_apart() -> None:
    assert key("ab", "c") != key("a", "bc")
    assert key("a", b"b") == key("a", "b")


@pytest.mark.parametrize("damage", ["flipped", "truncated", "foreign", "renamed", "empty", "bad header"])
def test_a_damaged_or_foreign_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    store = Store(tmp_path)
    store.put("k1", Entry({"pages": 3}, b"%PDF-1.7 " + bytes(range(256)) * 10))
    path = store.path("k1")
    raw = path.read_bytes()
    if damage == "flipped":
        path.write_bytes(raw[:-5] + bytes([raw[-5] ^ 1]) + raw[-4:])
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "foreign":
        path.write_bytes(b"%PDF-1.7 something else entirely")
    elif damage == "renamed":  # a whole entry, stored under another key
        store.put("k2", Entry({"pages": 9}, b"other"))
        shutil.copy(store.path("k2"), path)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        import hashlib

        body = (5).to_bytes(4, "big") + b"[1,2]"
        path.write_bytes(MAGIC + hashlib.sha256(body).digest() + body)
    assert Store(tmp_path).get("k1") is None


def test_pruning_removes_the_oldest_entries_beyond_the_budget(tmp_path: Path) -> None:
    old = Store(tmp_path)
    for n in range(5):
        old.put(f"old{n}", Entry({}, b"x" * 1000))
        os.utime(old.path(f"old{n}"), ns=(n * 10**9, n * 10**9))
    (tmp_path / ".tmp-999999999-abc").write_bytes(b"left by a killed build")
    store = Store(tmp_path, budget=2500)
    store.put("new", Entry({}, b"y" * 1000))
    store.prune()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["new.entry", "old4.entry"]


def test_an_entry_in_use_is_never_pruned(tmp_path: Path) -> None:
    store = Store(tmp_path, budget=0)
    store.put("a", Entry({}, b"x" * 100))
    store.prune()
    assert store.get("a") is not None
    Store(tmp_path, budget=0).prune(used_since=time.time_ns() - 10**10)
    assert store.get("a") is not None
    Store(tmp_path, budget=0).prune(used_since=time.time_ns() + 10**10)
    assert store.get("a") is None


def test_an_unwritable_store_only_misses(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    store = Store(tmp_path / "file" / "cache")
    store.put("a", Entry({}, b"x"))
    assert store.get("a") is None


# --- the lock ----------------------------------------------------------------------------------

WAITER = """
import sys, time
from pathlib import Path
from builders.incremental import build_lock
start = time.monotonic()
with build_lock(Path(sys.argv[1]), lambda message: print(message, flush=True)):
    print(f"got it after {time.monotonic() - start:.1f} s", flush=True)
"""


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with build_lock(out) as folder:
        assert folder == out / CACHE_DIR
        waiter = subprocess.Popen([sys.executable, "-c", WAITER, str(out)], stdout=subprocess.PIPE, text=True,
                                  cwd=Path(__file__).resolve().parent.parent)
        first = waiter.stdout.readline()
        assert first.startswith(f"waiting for another build into {out} to finish (process {os.getpid()})")
        time.sleep(0.5)
        assert waiter.poll() is None
    rest, _ = waiter.communicate(timeout=30)
    assert rest.startswith("got it after") and float(rest.split()[3]) >= 0.5


# --- the orchestrator ------------------------------------------------------------------------------

@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BUILDERS", FAKES)
    monkeypatch.setattr(build_module, "NEEDS_PAGE_MAP", {"book": "pages"})


def test_an_unpicklable_error_in_a_worker_comes_back_named_and_plain(fakes: None, starter_course: Path,
                                                                      tmp_path: Path) -> None:
    with pytest.raises(workers.WorkerCrash) as caught:
        build_module.build(starter_course, tmp_path / "out", ["pages", "crash"], BuildOptions(), jobs=2)
    assert str(caught.value) == "crash: ValueError: invalid character in a prompt"
    assert "fake_builders.py" in "".join(caught.value.__notes__)  # the worker's traceback, for the crash file
    assert [p.name for p in (tmp_path / "out").iterdir()] == [CACHE_DIR]


def test_an_expected_error_that_does_not_pickle_keeps_its_message(fakes: None, starter_course: Path,
                                                                   tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="^odd: the file cannot be written$"):
        build_module.build(starter_course, tmp_path / "out", ["pages", "odd"], BuildOptions(), jobs=2)


def test_a_build_reads_again_only_the_lessons_it_has_not_kept(fakes: None, starter_course: Path, tmp_path: Path,
                                                              lessons_read: list[str]) -> None:
    course = tmp_path / "course"
    shutil.copytree(starter_course, course)
    read = lessons_read
    build_module.build(course, tmp_path / "out", ["pages"], BuildOptions())
    assert read == ["getting-started", "question-types"]
    lesson = min((course / "lessons").glob("*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    read.clear()
    build_module.build(course, tmp_path / "out", ["pages"], BuildOptions())
    assert read == ["getting-started"]
    read.clear()
    build_module.build(course, tmp_path / "out", ["pages"], BuildOptions(), force=True)
    assert read == ["getting-started", "question-types"], "--force reads every lesson"


def test_a_failed_build_keeps_no_lessons(fakes: None, starter_course: Path, tmp_path: Path,
                                        lessons_read: list[str]) -> None:
    with pytest.raises(workers.WorkerCrash):
        build_module.build(starter_course, tmp_path / "out", ["pages", "crash"], BuildOptions(), jobs=2)
    assert not list((tmp_path / "out" / CACHE_DIR).glob("*.entry"))
    lessons_read.clear()
    build_module.build(starter_course, tmp_path / "out", ["pages"], BuildOptions())
    assert len(lessons_read) == 2


def test_an_output_folder_inside_the_course_is_not_part_of_it(fakes: None, starter_course: Path,
                                                              tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(starter_course, course)
    first = build_module.build(course, course / "dist", ["pages"], BuildOptions())
    again = build_module.build(course, course / "dist", ["pages"], BuildOptions())
    assert first.written and not again.written and again.up_to_date
    (course / ".git").mkdir()
    (course / ".git" / "HEAD").write_text("ref")
    assert not build_module.build(course, course / "dist", ["pages"], BuildOptions()).written


def test_a_follower_started_with_last_times_page_map_is_built_again_when_it_changed(
        monkeypatch: pytest.MonkeyPatch, starter_course: Path, tmp_path: Path) -> None:
    monkeypatch.setattr(registry, "BUILDERS", FAKES)
    monkeypatch.setattr(build_module, "NEEDS_PAGE_MAP", {"logbook": "pages"})
    course = tmp_path / "course"
    shutil.copytree(starter_course, course)
    out = tmp_path / "out"
    build_module.build(course, out, ["pages", "logbook"], BuildOptions(), jobs=2)
    first = (tmp_path / "book.log").read_text().splitlines()
    assert len(first) == 1 and "'1'" in first[0]  # no guess yet: it waited for the real page map

    build_module.build(course, out, ["pages", "logbook"], BuildOptions(), jobs=2, force=True)
    assert (tmp_path / "book.log").read_text().splitlines()[1:] == first  # guessed right: built once

    yml = course / "course.yml"  # the lessons in the other order: the page map changes
    yml.write_text(yml.read_text().replace("  - lessons/01-getting-started.md\n  - lessons/02-question-types.md",
                                           "  - lessons/02-question-types.md\n  - lessons/01-getting-started.md"))
    (tmp_path / "book.log").unlink()
    build_module.build(course, out, ["pages", "logbook"], BuildOptions(), jobs=2)
    runs = (tmp_path / "book.log").read_text().splitlines()
    cold = tmp_path / "cold"
    build_module.build(course, cold, ["pages", "logbook"], BuildOptions(), jobs=1, force=True)
    assert [p.name for p in out.glob("*.book")] == [p.name for p in cold.glob("*.book")]
    for book in cold.glob("*.book"):
        assert (out / book.name).read_bytes() == book.read_bytes()
    assert runs == [first[0], runs[1]] and runs[1] != first[0]  # with last time's guess first, then again


def test_a_page_map_offered_ahead_of_time_starts_its_follower_at_once(
        monkeypatch: pytest.MonkeyPatch, starter_course: Path, tmp_path: Path) -> None:
    monkeypatch.setattr(registry, "BUILDERS", FAKES)
    monkeypatch.setattr(build_module, "NEEDS_PAGE_MAP", {"book": "early"})
    report = build_module.build(starter_course, tmp_path / "out", ["early", "book"], BuildOptions(), jobs=2)
    assert (tmp_path / "pages-saw-book").read_text() == "True"  # the book was made while "early" ran on
    book = next(p for p in report.written if p.suffix == ".book")
    assert "'1'" in book.read_text()


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_reaches_the_display_from_any_process(fakes: None, starter_course: Path, tmp_path: Path,
                                                       jobs: int) -> None:
    events: list[tuple[str, str, int, int]] = []
    build_module.build(starter_course, tmp_path / "out", ["pages", "count"], BuildOptions(), jobs=jobs,
                       tasks=lambda *event: events.append(event))
    assert ("count (steps)", "running", 3, 3) in events
    assert events[-1][1] == "done" and {e[0] for e in events if e[1] == "done"} == {"pages", "count"}


def test_the_terminal_display_shows_each_format_and_its_steps() -> None:
    screen = StringIO()
    display = BuildProgress(Console(force_terminal=True, file=screen, width=100))
    with display.progress:
        display.task("pdf (workbook)", "waiting", 0, 0)
        display.task("epub", "waiting", 0, 0)
        display.task("pdf (workbook)", "running", 4, 11)
        display.task("epub", "done", 0, 0)
        display.progress.refresh()
    text = screen.getvalue()
    assert "pdf (workbook)" in text and "4/11" in text and "building" in text
    assert "epub" in text and "done" in text


def test_without_a_terminal_the_build_prints_what_it_did_before(starter_course: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from builders.cli import main

    result = CliRunner().invoke(main, ["build", str(starter_course), "--out", str(tmp_path / "out"),
                                       "--format", "epub,scorm"])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("wrote ") for line in lines), lines


def test_the_command_line_says_it_waits_for_another_build(starter_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with build_lock(out):
        build = subprocess.Popen([sys.executable, "-m", "builders", "build", str(starter_course), "--out", str(out),
                                  "--format", "epub"], stderr=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).resolve().parent.parent)
        assert build.stderr.readline().startswith(f"waiting for another build into {out} to finish")
        assert build.poll() is None and not list(out.glob("*.epub"))
    _out, rest = build.communicate(timeout=120)
    assert build.returncode == 0 and "wrote" in rest


def test_an_edition_with_few_parts_to_lay_out_uses_every_core(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    """After an edit of two lessons, the workbook lays both out at once with --jobs 2 (its share
    would be one process: the answer key has the other); a cold build keeps to its share."""
    from builders.pdf import parts

    record = tmp_path / "in_parallel.log"
    original = parts.in_parallel

    def recording(work: object, items: list, jobs: int) -> object:  # a spy on the real function
        with record.open("a") as log:
            log.write(f"{len(items)} {jobs}\n")
        return original(work, items, jobs)

    monkeypatch.setattr(parts, "in_parallel", recording)
    course = tmp_path / "course"
    shutil.copytree(Path(__file__).parent / "roots" / "small", course)
    out = tmp_path / "out"
    build_module.build(course, out, ["pdf"], BuildOptions(), jobs=2, force=True)
    cold = [tuple(map(int, line.split())) for line in record.read_text().splitlines()]
    assert any(items > 2 for items, _ in cold)
    assert all(jobs == 1 for items, jobs in cold if items > 2)  # each edition: its share
    record.unlink()
    for lesson in sorted((course / "lessons").glob("*.md"))[:2]:
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build_module.build(course, out, ["pdf"], BuildOptions(), jobs=2)
    after = [tuple(map(int, line.split())) for line in record.read_text().splitlines()]
    assert (2, 2) in after  # the workbook's two edited lessons, two at a time
