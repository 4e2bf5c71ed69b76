"""Run the preview: load the course, bind the port, start the watcher, serve until stopped.

The socket is bound here, before uvicorn starts, so that a port in use is a clear usage error
(exit 2). Ctrl+C and SIGTERM make uvicorn finish its requests; then the watcher thread and any
build child process are stopped and the build folder is removed: nothing is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn

from ..diagnostics import SourceError, UsageError
from .app import create_app
from .jobs import Jobs
from .state import PreviewState
from .watcher import Watcher

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a UsageError naming the port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot serve on host '{host}': {exc.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a recent stop leaves TIME_WAIT, not a listener
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is already in use on {host}: stop the program that uses it, "
                             f"or choose another port (--port {port + 1})") from None
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(False)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, stopped by our signals without re-raising them afterwards."""

    def __init__(self, config: uvicorn.Config, on_start: Callable[[], None], on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_start = on_start
        self.on_stop = on_stop

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            self.on_start()  # now the signals stop the server cleanly, and the URL answers

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_stop()  # ends the event streams, so that no connection keeps the server waiting
        await super().shutdown(sockets=sockets)


def serve(course_dir: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          say: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serve the preview of ``course_dir`` until Ctrl+C or SIGTERM. A folder without course.yml
    is an error (SourceError, as ``coursepack check`` reports it); any other error in the course
    is shown in the browser."""
    loopback = is_loopback(host)
    with contextlib.ExitStack() as stack:
        jobs = Jobs(course_dir.absolute())
        stack.callback(jobs.close)
        state = PreviewState(course_dir, store=jobs.store)
        sock = bind(host, port)
        stack.callback(sock.close)
        first = state.rebuild()
        if not first.ok and not (state.course_dir / "course.yml").is_file():
            raise SourceError(first.errors)
        app = create_app(state, jobs, loopback)
        url = f"http://{host if ':' not in host else f'[{host}]'}:{sock.getsockname()[1]}/"

        def started() -> None:
            if not loopback:
                warn(f"--host {host}: the preview is visible to the network, to anyone who can reach this machine")
            say(f'Serving "{state.title()}" at {url} (Ctrl+C to stop)')
            if open_browser:
                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2, server_header=False)
        server = _Server(config, on_start=started, on_stop=app.state.stop_events)
        watcher = Watcher(state)
        watcher.start()
        stack.callback(watcher.stop)
        server.run(sockets=[sock])
    say("stopped")
