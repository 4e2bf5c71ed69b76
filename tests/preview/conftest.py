"""Fixtures of the preview tests: ``coursepack serve`` in a child process on a free port, over a
temporary copy of a course, and a browser tab that fails the test on any script error."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, ROOTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(course: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "builders", "serve", str(course), "--port", str(port), *extra]


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


@dataclass
class Server:
    course: Path
    port: int
    process: subprocess.Popen
    cwd: Path

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def status(self) -> dict:
        return json.loads(self.get("/_coursepack/status")[1])

    def wait_for(self, test, timeout: float = 20.0) -> dict:  # noqa: ANN001
        """Poll /_coursepack/status until ``test(status)`` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status()
            if test(status):
                return status
            time.sleep(0.05)
        raise AssertionError(f"status never matched; last: {status}")

    def edit(self, relative: str, old: str, new: str) -> int:
        """Change a file of the course; returns the generation before the change."""
        before = self.status()["generation"]
        path = self.course / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return before

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)


def start_server(course: Path, cwd: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(serve_command(course, port), cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = Server(course, port, process, cwd)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.stderr.read()}")
        try:
            server.status()
            return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


@pytest.fixture
def serve_copy(tmp_path: Path):  # noqa: ANN201
    """``serve_copy(source)``: serve a temporary copy of a course; stopped after the test."""
    servers: list[Server] = []

    def start(source: Path = ROOTS / "all-features") -> Server:
        course = tmp_path / source.name
        shutil.copytree(source, course)
        servers.append(start_server(course, tmp_path))
        return servers[-1]

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """One server over an unchanged copy of all-features, for the tests that only read."""
    base = tmp_path_factory.mktemp("preview")
    course = base / "all-features"
    shutil.copytree(ROOTS / "all-features", course)
    server = start_server(course, base)
    yield server
    server.stop()
