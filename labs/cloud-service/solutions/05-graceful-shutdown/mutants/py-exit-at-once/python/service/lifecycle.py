"""Exercise 5: readiness and graceful shutdown.

A supervisor (systemd, Docker, ECS) stops a service with SIGTERM, waits a
while, then kills it. On SIGTERM the service must: report not ready
(GET /readyz answers 503, so a load balancer stops sending traffic), stop
accepting new connections, let in-flight requests finish, and exit 0.
"""

from __future__ import annotations

import os
import signal
import threading


class Lifecycle:
    """Ready once the socket listens; not ready from the first SIGTERM on."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._stopping = threading.Event()

    def mark_ready(self) -> None:
        if not self._stopping.is_set():
            self._ready.set()

    def begin_shutdown(self) -> None:
        self._stopping.set()
        self._ready.clear()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()


def readyz(lc: Lifecycle) -> tuple[int, dict]:
    """GET /readyz: 200 {"status": "ready"}, or 503 {"status": "stopping"} (or "starting")."""
    if lc.ready:
        return 200, {"status": "ready"}
    return 503, {"status": "stopping" if lc.stopping else "starting"}


def install_signal_handlers(server, lc: Lifecycle, log) -> None:
    """On SIGTERM and SIGINT: begin the shutdown and stop `server` gracefully.

    `server.shutdown()` stops serve_forever() but waits for it to return, so it
    must not run in the signal handler itself (that is the thread running
    serve_forever): call it from a new thread. server_close() in server.main()
    then waits for the in-flight requests.
    """

    def on_signal(signum: int, _frame: object) -> None:
        if lc.stopping:
            return  # a second signal changes nothing: we are already draining
        lc.begin_shutdown()
        log.info("shutting down", signal=signal.Signals(signum).name)
        os._exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
