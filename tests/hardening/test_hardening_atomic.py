"""Atomic, concurrent-safe output: whatever happens during a build, --out holds complete files.

Real ``coursepack build`` processes (the starter course, EPUB + SCORM so they stay quick, and the
default --jobs so worker processes are involved) are run side by side, interrupted with SIGINT,
SIGTERM and SIGKILL, and starved of disk (RLIMIT_FSIZE, SIGXFSZ ignored so writes fail EFBIG).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.hardening.figures import record

COURSEPACK = [sys.executable, "-m", "builders"]
FORMATS = ["--format", "epub,scorm", "--scorm-version", "both"]
SLOW = ["--scorm-version", "both"]
"""Every format: the PDFs take seconds, so an interrupt always lands mid-build."""


def coursepack(*args: str, cwd: Path, **kwargs) -> subprocess.Popen:  # noqa: ANN003
    return subprocess.Popen([*COURSEPACK, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".coursepack-cache"} if folder.exists() else {}


def complete(folder: Path) -> None:
    """Every zip in the folder opens and passes its CRC checks."""
    for path in folder.glob("*.*"):
        if path.suffix in (".epub", ".zip"):
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path


def staging_folders(root: Path) -> list[Path]:
    return sorted(root.glob(".dist.coursepack-*"))


@pytest.fixture
def work(tmp_path: Path, starter_course: Path) -> Path:
    shutil.copytree(starter_course, tmp_path / "course")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "keep.txt").write_text("from an earlier build")
    return tmp_path


def test_two_builds_into_the_same_folder_at_once_leave_complete_files(work: Path) -> None:
    builds = [coursepack("build", "course", "--out", "dist", "--force", *FORMATS, cwd=work) for _ in range(2)]
    results = [b.communicate(timeout=300) for b in builds]
    record("interrupted_builds", 2)
    assert [b.returncode for b in builds] == [0, 0], results
    complete(work / "dist")
    names = sorted(snapshot(work / "dist"))
    assert names == [".coursepack-build.json", "keep.txt", "my-first-course-scorm12.zip",
                     "my-first-course-scorm2004.zip", "my-first-course.epub"]
    assert staging_folders(work) == []
    again = coursepack("build", "course", "--out", "dist", *FORMATS, cwd=work)
    _out, err = again.communicate(timeout=300)
    assert again.returncode == 0 and "is up to date" in err  # the record still matches the files


def _wait_for_staging(work: Path, build: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not any(str(build.pid) in p.name for p in staging_folders(work)):
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline, "the build never reached its staging folder"
        time.sleep(0.005)


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_an_interrupted_build_changes_nothing(work: Path, how: str) -> None:
    before = snapshot(work / "dist")
    build = coursepack("build", "course", "--out", "dist", *SLOW, cwd=work)
    _wait_for_staging(work, build)
    if how == "SIGINT":
        os.killpg(build.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    else:
        build.send_signal(signal.SIGTERM)  # `kill PID`: the main process only
    _out, err = build.communicate(timeout=120)
    record("interrupted_builds")
    assert build.returncode == 130, err
    assert err.strip() == "error: interrupted; nothing was written"
    partial = len(snapshot(work / "dist")) - len(before)
    record("partial_files", max(partial, 0))
    assert snapshot(work / "dist") == before
    assert staging_folders(work) == []


def test_a_killed_build_leaves_a_hidden_staging_folder_that_the_next_build_removes(work: Path) -> None:
    before = snapshot(work / "dist")
    build = coursepack("build", "course", "--out", "dist", *SLOW, cwd=work)
    _wait_for_staging(work, build)
    time.sleep(0.5)
    build.kill()  # SIGKILL: no clean-up is possible; its workers die with it (PR_SET_PDEATHSIG)
    build.communicate(timeout=60)
    record("interrupted_builds")
    assert snapshot(work / "dist") == before
    leftovers = staging_folders(work)
    assert leftovers and all(p.name.startswith(".") for p in leftovers)
    again = coursepack("build", "course", "--out", "dist", *FORMATS, cwd=work)
    _out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert staging_folders(work) == []
    complete(work / "dist")


def _small_disk(limit: int):  # noqa: ANN202
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_gives_one_clear_line_exit_4_and_no_change(work: Path, jobs: str) -> None:
    before = snapshot(work / "dist")
    build = coursepack("build", "course", "--out", "dist", "--jobs", jobs, *FORMATS, cwd=work,
                       preexec_fn=_small_disk(8 * 1024))
    _out, err = build.communicate(timeout=300)
    record("interrupted_builds")
    assert build.returncode == 4, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "the file is larger than this system allows" in lines[0] and "nothing was changed" in lines[0]
    assert snapshot(work / "dist") == before
    assert staging_folders(work) == []


def test_an_output_folder_that_is_a_file_is_a_clear_error(work: Path) -> None:
    (work / "dist.txt").write_text("not a folder")
    build = coursepack("build", "course", "--out", "dist.txt", "--format", "epub", cwd=work)
    _out, err = build.communicate(timeout=120)
    assert build.returncode == 4, err
    assert err.startswith("error: cannot write to ") and "Traceback" not in err
    assert (work / "dist.txt").read_text() == "not a folder"
    assert sorted(p.name for p in work.iterdir()) == ["course", "dist", "dist.txt"]


def test_a_damaged_build_record_is_ignored(work: Path) -> None:
    for content in ("[1, 2]", '{"epub": {"key": 1, "files": []}}', '{"epub": {"key": "k", "files": {"../x": "y"}}}', "\x00"):
        (work / "dist" / ".coursepack-build.json").write_text(content)
        build = coursepack("build", "course", "--out", "dist", "--format", "epub", cwd=work)
        _out, err = build.communicate(timeout=120)
        assert build.returncode == 0, err
