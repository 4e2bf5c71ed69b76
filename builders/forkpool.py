"""A process pool whose jobs each run in a process forked from one warm process (the zygote).

A parallel build forks its first process before it loads the course, so that the imports a
builder needs (WeasyPrint and pikepdf: 0.4 s of CPU) happen while the course is read. With
``concurrent.futures.ProcessPoolExecutor`` every worker is forked from the build's own process
and pays those imports again, on the core the workbook's layout needs. Here only the zygote
imports them; each job then costs a fork, which shares them (copy-on-write), and the second
edition starts as soon as the first (0.3 s sooner on the example course, whose answer key was
the last thing an edited question waited for). While no job has come yet, the zygote may do
work that every job would otherwise do for itself (``idle``: WeasyPrint's first-use costs).

The zygote runs each job it is sent in a child of its own, ``jobs`` at a time (the rest wait in
the caller's process), and reports on one queue when a child starts, what it returned or raised,
and when one died without answering (killed from outside: the job's future then raises
``BrokenProcessPool``, as the standard pool's would). Children die with the zygote, and the
zygote with the build (``PR_SET_PDEATHSIG``, on Linux).

Fork only (Linux and macOS): the zygote and its children inherit what the caller set up before
it was made, such as :data:`builders.workers.EVENTS`.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from typing import Any

_PR_SET_PDEATHSIG = 1
_LAST = object()
"""Tells the sending thread to stop (the zygote is killed)."""


class ForkPool:
    """``submit()`` like an executor's; :meth:`kill` ends every process at once."""

    def __init__(self, jobs: int, initializer: Callable[..., None] = lambda: None, initargs: tuple = (),
                 idle: Callable[..., None] = lambda *args: None) -> None:
        """``initializer(*initargs)`` runs first in the zygote; then ``idle(*initargs)`` if no job
        is waiting yet (work that makes jobs quicker, done while the caller still prepares them)."""
        fork = multiprocessing.get_context("fork")
        self._requests = fork.SimpleQueue()
        self._answers = fork.SimpleQueue()
        self._zygote = fork.Process(target=_zygote, args=(self._requests, self._answers, initializer, initargs,
                                                          idle),
                                    name="coursepack-zygote", daemon=True)
        self._zygote.start()
        self._requests._reader.close()  # so that sending to a zygote that died fails instead of waiting
        self._jobs = max(1, jobs)
        self._lock = threading.Lock()
        self._waiting: collections.deque[tuple[int, Callable, tuple]] = collections.deque()
        self._futures: dict[int, Future] = {}
        self._running: set[int] = set()
        self._pids: dict[int, int] = {}
        self._next = 0
        self._closed = False
        # the pipes are bounded: writing to the zygote and reading from it are separate threads,
        # so that a big request and a big answer never wait for each other
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._sender = threading.Thread(target=self._send, name="coursepack-requests", daemon=True)
        self._reader = threading.Thread(target=self._read_answers, name="coursepack-answers", daemon=True)
        self._sender.start()
        self._reader.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is shut down")
            self._next += 1
            self._futures[self._next] = future
            self._waiting.append((self._next, fn, args))
            self._send_waiting()
        return future

    def shutdown(self, wait: bool = True) -> None:
        """No more jobs: the zygote ends once those it runs have (``wait``: this returns then)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for job, _, _ in self._waiting:
                self._futures.pop(job).cancel()  # those the zygote never had
            self._waiting.clear()
            self._outbox.put(None)
        if wait:
            self._zygote.join()
            self._sender.join()
            self._reader.join()

    def kill(self) -> None:
        """Kill the jobs' processes and the zygote now (an interrupt or a failure); the futures
        still pending raise ``BrokenProcessPool``."""
        with self._lock:
            self._closed = True
            self._waiting.clear()
            for pid in self._pids.values():
                _kill(pid)
            self._pids.clear()
            self._outbox.put(_LAST)
        self._zygote.kill()  # children it forked and had not yet named die with it (PDEATHSIG)
        self._zygote.join()
        self._sender.join()
        self._reader.join()

    def _send_waiting(self) -> None:
        """Hand the zygote the next jobs, up to ``jobs`` running (call holding the lock)."""
        while self._waiting and len(self._running) < self._jobs:
            job, fn, args = self._waiting.popleft()
            self._running.add(job)
            self._outbox.put((job, fn, args))

    def _send(self) -> None:
        """Pass on requests until the last; None (no more jobs) is the zygote's last too."""
        while (request := self._outbox.get()) is not _LAST:
            try:
                self._requests.put(request)
            except OSError:  # the zygote has ended: the reader breaks what is left
                return
            if request is None:
                return

    def _read_answers(self) -> None:
        """Settle each job's future as its answer comes; once the zygote has ended (told to,
        killed, or killed from outside) and said all it will, break those left."""
        answers = self._answers._reader
        while True:
            # what the zygote said is read before its end counts (both may be ready at once)
            answer = self._answers.get() if answers in wait([answers, self._zygote.sentinel]) else ("closed",)
            with self._lock:
                if answer[0] == "started":
                    self._pids[answer[1]] = answer[2]
                    continue
                if answer[0] == "closed":
                    for future in self._futures.values():
                        future.set_exception(BrokenProcessPool("a build process ended before answering"))
                    self._futures.clear()
                    self._running.clear()
                    self._waiting.clear()
                    self._closed = True
                    return
                job = answer[1]
                self._running.discard(job)
                self._pids.pop(job, None)
                future = self._futures.pop(job, None)
                if future is not None:
                    _settle(future, answer)
                self._send_waiting()


def _settle(future: Future, answer: tuple) -> None:
    if answer[0] == "died":
        future.set_exception(BrokenProcessPool(f"a build process ended with status {answer[2]} before answering"))
    elif answer[2]:
        future.set_result(answer[3])
    else:
        future.set_exception(answer[3])


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def die_with_parent() -> None:
    """This process is killed when the one that forked it dies (Linux's ``PR_SET_PDEATHSIG``;
    elsewhere nothing: an orphan then ends when its work does)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass


# --- in the zygote ------------------------------------------------------------------------------

def _zygote(requests: Any, answers: Any, initializer: Callable[..., None], initargs: tuple,
            idle: Callable[..., None]) -> None:
    """Run the initializer once (and ``idle`` if no job waits yet), then fork a child for each
    job until told to stop; reap the children, and say which died without answering."""
    initializer(*initargs)
    reader = requests._reader
    if not reader.poll(0):
        idle(*initargs)
    children: dict[int, int] = {}
    stopping = False
    while not stopping or children:
        if not stopping and reader.poll(0.02 if children else None):
            request = requests.get()
            if request is None:
                stopping = True
            else:
                job, fn, args = request
                pid = os.fork()
                if pid == 0:
                    _child(answers, job, fn, args)
                children[pid] = job
                answers.put(("started", job, pid))
        elif stopping:
            pid, status = os.waitpid(-1, 0)
            _reaped(children, answers, pid, status)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            _reaped(children, answers, pid, status)
    answers.put(("closed",))


def _reaped(children: dict[int, int], answers: Any, pid: int, status: int) -> None:
    job = children.pop(pid, None)
    code = os.waitstatus_to_exitcode(status)
    if job is not None and code != 0:
        answers.put(("died", job, code))


def _child(answers: Any, job: int, fn: Callable, args: tuple) -> None:
    """Run one job, send back what it returned or raised, and leave without any clean-up of the
    zygote's (its buffers, its exit handlers); with status 1 if nothing could be sent."""
    die_with_parent()
    # the zygote is a daemon (it must not outlive the build); a job is not: it may start processes
    # of its own (the PDF parts), which multiprocessing refuses to a daemon
    multiprocessing.current_process()._config["daemon"] = False
    code = 1
    try:
        try:
            answer = ("done", job, True, fn(*args))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller
            answer = ("done", job, False, exc)
        try:
            answers.put(answer)
        except Exception as exc:  # noqa: BLE001 - what it returned or raised does not pickle
            answers.put(("done", job, False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        code = 0
    finally:
        os._exit(code)
