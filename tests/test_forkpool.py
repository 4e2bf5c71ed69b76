"""The build's process pool (builders.forkpool): each job in a process forked from one zygote that
ran the initializer once; answers, errors and deaths come back to the right future; killing it
leaves no process behind and no caller waiting."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from builders.forkpool import ForkPool


def _note_start(log: str) -> None:
    """The initializer: note that it ran, and in which process."""
    with open(log, "a") as out:
        out.write(f"{os.getpid()}\n")


def _whoami() -> tuple[int, int]:
    return os.getpid(), os.getppid()


def _running_at(log: str, delay: float) -> int:
    """Note this job's start and end, to count how many ran at once."""
    with open(log, "a") as out:
        out.write(f"start {time.monotonic()}\n")
    time.sleep(delay)
    with open(log, "a") as out:
        out.write(f"end {time.monotonic()}\n")
    return os.getpid()


def _fail() -> None:
    raise ValueError("a question without an answer")


def _unpicklable() -> object:
    return lambda: None


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie exists until reaped: it is dead for our purposes
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "\nState:\tZ" not in status.read_text()


def test_each_job_runs_in_a_process_of_its_own_forked_from_one_initialized_zygote(tmp_path: Path) -> None:
    log = tmp_path / "init"
    pool = ForkPool(2, _note_start, (str(log),))
    try:
        answers = [pool.submit(_whoami).result(timeout=30) for _ in range(3)]
    finally:
        pool.shutdown()
    zygotes = log.read_text().split()
    assert len(zygotes) == 1, "the initializer runs once, in the zygote"
    assert {parent for _, parent in answers} == {int(zygotes[0])}
    assert len({pid for pid, _ in answers}) == 3
    assert int(zygotes[0]) != os.getpid()


def test_no_more_jobs_run_at_once_than_asked(tmp_path: Path) -> None:
    log = tmp_path / "runs"
    pool = ForkPool(2)
    try:
        futures = [pool.submit(_running_at, str(log), 0.3) for _ in range(5)]
        assert len({f.result(timeout=30) for f in futures}) == 5
    finally:
        pool.shutdown()
    events = sorted((float(t), kind) for kind, t in (line.split() for line in log.read_text().splitlines()))
    running = peak = 0
    for _, kind in events:
        running += 1 if kind == "start" else -1
        peak = max(peak, running)
    assert peak == 2


def test_an_error_comes_back_as_it_was_raised_and_an_answer_that_does_not_pickle_as_an_error() -> None:
    pool = ForkPool(2)
    try:
        with pytest.raises(ValueError, match="a question without an answer"):
            pool.submit(_fail).result(timeout=30)
        with pytest.raises(RuntimeError, match="pickle"):
            pool.submit(_unpicklable).result(timeout=30)
        assert pool.submit(_whoami).result(timeout=30)  # the pool still works
    finally:
        pool.shutdown()


def test_a_job_killed_from_outside_breaks_its_future_only() -> None:
    pool = ForkPool(2)
    try:
        doomed = pool.submit(_sleep, 30)
        deadline = time.monotonic() + 10
        while not pool._pids and time.monotonic() < deadline:
            time.sleep(0.01)
        (pid,) = pool._pids.values()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            doomed.result(timeout=30)
        assert pool.submit(_sleep, 0).result(timeout=30) != pid
    finally:
        pool.shutdown()


def test_a_zygote_killed_from_outside_breaks_every_pending_future_and_no_caller_waits() -> None:
    pool = ForkPool(1)
    running = pool.submit(_sleep, 30)
    queued = pool.submit(_sleep, 0)
    deadline = time.monotonic() + 10
    while not pool._pids and time.monotonic() < deadline:
        time.sleep(0.01)
    (job,) = pool._pids.values()
    os.kill(pool._zygote.pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        running.result(timeout=30)
    assert queued.cancelled() or isinstance(queued.exception(timeout=30), BrokenProcessPool)
    pool.shutdown()
    deadline = time.monotonic() + 10
    while _alive(job) and time.monotonic() < deadline:  # it dies with the zygote (Linux)
        time.sleep(0.01)
    assert not _alive(job)


def test_kill_ends_the_jobs_and_the_zygote_at_once() -> None:
    pool = ForkPool(2)
    futures = [pool.submit(_sleep, 30) for _ in range(3)]
    deadline = time.monotonic() + 10
    while len(pool._pids) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    jobs = list(pool._pids.values())
    started = time.monotonic()
    pool.kill()
    assert time.monotonic() - started < 5
    while any(_alive(pid) for pid in jobs) and time.monotonic() < started + 5:
        time.sleep(0.01)
    assert not any(_alive(pid) for pid in jobs)
    assert not pool._zygote.is_alive()
    for future in futures:
        assert future.cancelled() or isinstance(future.exception(timeout=1), BrokenProcessPool)
    with pytest.raises(RuntimeError):
        pool.submit(_sleep, 0)


def test_shutdown_waits_for_the_jobs_that_run() -> None:
    pool = ForkPool(2)
    future = pool.submit(_sleep, 0.5)
    pool.shutdown(wait=True)
    assert future.done() and future.result() > 0
    assert not pool._zygote.is_alive()


def _note_idle(log: str) -> None:
    with open(log, "a") as out:
        out.write(f"idle {os.getpid()}\n")


def _slow_start(log: str) -> None:
    time.sleep(0.5)


def test_the_idle_work_runs_in_the_zygote_only_while_no_job_waits(tmp_path: Path) -> None:
    log = tmp_path / "idle"
    pool = ForkPool(2, _note_start, (str(log),), idle=_note_idle)
    try:
        time.sleep(1)  # the zygote is up and nothing was sent: it does the idle work
        _, zygote = pool.submit(_whoami).result(timeout=30)
    finally:
        pool.shutdown()
    assert log.read_text().splitlines() == [str(zygote), f"idle {zygote}"]
    busy = tmp_path / "busy"
    pool = ForkPool(2, _slow_start, (str(busy),), idle=_note_idle)
    try:
        pool.submit(_whoami).result(timeout=30)  # sent while the zygote starts: no idle work
    finally:
        pool.shutdown()
    assert not busy.exists()
