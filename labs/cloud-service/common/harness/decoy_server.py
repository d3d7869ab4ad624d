"""A broken notes service, for exercise 8: a smoke test that passes against
it cannot fail, so it does not protect anyone.

Each mode is a believable fault; everything else answers like the real service.

    python3 harness/decoy_server.py --mode healthz-500    # prints "listening on 127.0.0.1:PORT"
    scripts/smoke_test.sh http://127.0.0.1:PORT           # must exit non-zero
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = {
    "healthz-500": "GET /healthz answers 500 (the process is up, the app is not)",
    "wrong-json": "GET /healthz answers 200 with {\"status\": \"down\"}",
    "html-health": "GET /healthz answers 200 with an HTML error page from a proxy",
    "not-ready": "GET /readyz answers 503 {\"status\": \"stopping\"} (the instance is draining)",
    "notes-lost": "POST /notes answers 201, but the note cannot be read back",
    "no-validation": "POST /notes accepts a note without a title (201 instead of 422)",
}


def make_handler(mode: str):
    notes: dict[str, dict] = {}

    class Decoy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def send(self, status: int, body: object, content_type: str = "application/json") -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/healthz":
                if mode == "healthz-500":
                    return self.send(500, {"error": "database unreachable"})
                if mode == "wrong-json":
                    return self.send(200, {"status": "down"})
                if mode == "html-health":
                    return self.send(200, "<html><body>502 Bad Gateway</body></html>", "text/html")
                return self.send(200, {"status": "ok"})
            if self.path == "/readyz":
                if mode == "not-ready":
                    return self.send(503, {"status": "stopping"})
                return self.send(200, {"status": "ready"})
            if self.path == "/version":
                return self.send(200, {"git_sha": "decoy", "app_env": "decoy"})
            if self.path.startswith("/notes/"):
                note = notes.get(self.path.removeprefix("/notes/"))
                if note is None or mode == "notes-lost":
                    return self.send(404, {"error": "not found"})
                return self.send(200, note)
            if self.path == "/notes":
                return self.send(200, {"notes": list(notes.values())})
            return self.send(404, {"error": "no route"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                return self.send(400, {"error": "bad json"})
            if self.path != "/notes":
                return self.send(404, {"error": "no route"})
            if not isinstance(payload, dict) or not payload.get("title"):
                if mode != "no-validation":
                    return self.send(422, {"error": "validation failed", "errors": [{"field": "title", "msg": "is required"}]})
            note = {"id": str(len(notes) + 1), "title": (payload or {}).get("title", ""), "body": "", "created_at": "2026-01-01T00:00:00Z"}
            notes[note["id"]] = note
            return self.send(201, note)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Decoy


def start(mode: str) -> ThreadingHTTPServer:
    """Starts a decoy on 127.0.0.1 and a free port, in a background thread."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; modes: {', '.join(MODES)}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(mode))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=sorted(MODES), default="healthz-500")
    args = parser.parse_args()
    server = start(args.mode)
    host, port = server.server_address[:2]
    print(f"listening on {host}:{port} (decoy: {MODES[args.mode]})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
