"""The HTTP plumbing (template code, you do not need to change it).

`ThreadingHTTPServer` from the standard library runs one thread per request.
Every request goes through `Handler.dispatch`, which asks `route()` for a
status and a JSON body, adds the `X-Request-Id` header and writes one access
log record. The functions it calls are the ones you write in the exercises.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import health, lifecycle, notes, observability
from .config import Config, ConfigError, load_config

MAX_BODY = 64 * 1024
MAX_SLOW_MS = 10_000


class App:
    """What the request handlers share."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.store = notes.NoteStore()
        self.lifecycle = lifecycle.Lifecycle()
        self.log = observability.Logger(config.log_level)


def route(app: App, method: str, path: str, query: dict[str, list[str]], body: bytes) -> tuple[int, object]:
    """Returns (status, JSON body) for one request."""
    if method == "GET" and path == "/healthz":
        return health.healthz()
    if method == "GET" and path == "/version":
        return health.version(os.environ)
    if method == "GET" and path == "/readyz":
        return lifecycle.readyz(app.lifecycle)
    if method == "GET" and path == "/slow":
        # A slow endpoint for the graceful-shutdown check: it answers after ?ms=N.
        try:
            ms = min(int(query.get("ms", ["500"])[0]), MAX_SLOW_MS)
        except ValueError:
            return 400, {"error": "ms must be a whole number of milliseconds"}
        time.sleep(ms / 1000)
        return 200, {"slept_ms": ms}
    if path == "/notes" and method == "POST":
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return 400, {"error": "the body is not valid JSON"}
        return notes.create_note(app.store, payload)
    if path == "/notes" and method == "GET":
        return notes.list_notes(app.store)
    if path.startswith("/notes/") and method == "GET":
        return notes.get_note(app.store, path.removeprefix("/notes/"))
    return 404, {"error": f"no route for {method} {path}"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "notes-service"
    # An idle keep-alive connection is closed after 2 s, so it cannot hold up
    # a graceful shutdown (server_close() waits for every request thread).
    timeout = 2
    server: "Server"

    def do_GET(self) -> None:  # noqa: N802 (the standard library's naming)
        self.dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self.dispatch("POST")

    def dispatch(self, method: str) -> None:
        app = self.server.app
        started = time.monotonic()
        url = urlsplit(self.path)
        request_id = observability.request_id(self.headers.get("X-Request-Id"))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY)) if length else b""
        try:
            status, payload = route(app, method, url.path, parse_qs(url.query), body)
        except NotImplementedError as exc:
            status, payload = 501, {"error": f"not implemented yet: {exc}"}
        except Exception as exc:  # a bug must not kill the server: answer 500 and log it
            status, payload = 500, {"error": "internal error"}
            app.log.error("unhandled error", error=repr(exc), path=url.path, request_id=request_id)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if request_id:
            self.send_header("X-Request-Id", request_id)
        if app.lifecycle.stopping:
            self.close_connection = True  # shutting down: no keep-alive
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        observability.log_request(app.log, method, url.path, status, duration_ms, request_id)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silences the standard library's own stderr access log (we write our own)."""


class Server(ThreadingHTTPServer):
    # Wait for in-flight request threads in server_close() (graceful shutdown).
    block_on_close = True
    daemon_threads = False
    # A backlog of 128 pending connections (the standard library's default is
    # 5): a burst of concurrent clients is queued, not reset.
    request_queue_size = 128
    app: App

    def shutdown(self) -> None:
        """Stops serve_forever(), after the drain: for DRAIN_MS milliseconds
        (default 0) the listener stays open and GET /readyz keeps answering
        (503 once your signal handler began the shutdown), so a load balancer
        sees "not ready" before connections are refused."""
        time.sleep(drain_seconds())
        super().shutdown()


def drain_seconds() -> float:
    try:
        return max(0, min(int(os.environ.get("DRAIN_MS") or 0), 30_000)) / 1000
    except ValueError:
        return 0.0


def main() -> int:
    try:
        config = load_config(dict(os.environ))
    except ConfigError as exc:
        print(f"error: invalid configuration: {exc}", file=sys.stderr)
        return 2
    app = App(config)
    server = Server((config.host, config.port), Handler)
    server.app = app
    lifecycle.install_signal_handlers(server, app.lifecycle, app.log)
    host, port = server.server_address[:2]
    app.lifecycle.mark_ready()
    app.log.info(f"listening on {host}:{port}", host=host, port=port, app_env=os.environ.get("APP_ENV", "development"))
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()  # joins the threads of in-flight requests
    app.log.info("stopped", threads_left=threading.active_count() - 1)
    return 0
