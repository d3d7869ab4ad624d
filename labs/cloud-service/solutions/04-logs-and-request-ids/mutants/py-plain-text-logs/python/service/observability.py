"""Exercise 4: logs a machine can search, and request ids.

Every log record is ONE line of JSON on stdout, for example

{"ts": "2026-11-25T10:00:00.123Z", "level": "info", "msg": "request", "method": "GET",
 "path": "/healthz", "status": 200, "duration_ms": 0.4, "request_id": "3f2a..."}

(journald, CloudWatch, Loki and friends index such fields). Records below the
configured level are dropped. The listening line, too, must be JSON: its
"msg" is "listening on HOST:PORT".
"""

from __future__ import annotations

import json
import sys
import threading
import uuid
from datetime import datetime, timezone

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40}
MAX_REQUEST_ID = 128


class Logger:
    def __init__(self, level: str = "info", stream=None) -> None:
        self.threshold = LEVELS.get(level, 20)
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()  # one record per line, even from many threads

    def log(self, level: str, msg: str, **fields: object) -> None:
        if LEVELS[level] < self.threshold:
            return
        ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record = {"ts": ts, "level": level, "msg": msg, **fields}
        line = f"{ts} {level.upper()} {msg} " + " ".join(f"{k}={v}" for k, v in fields.items())
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def debug(self, msg: str, **fields: object) -> None:
        self.log("debug", msg, **fields)

    def info(self, msg: str, **fields: object) -> None:
        self.log("info", msg, **fields)

    def warning(self, msg: str, **fields: object) -> None:
        self.log("warning", msg, **fields)

    def error(self, msg: str, **fields: object) -> None:
        self.log("error", msg, **fields)


def request_id(incoming: str | None) -> str | None:
    """The id of this request: the caller's X-Request-Id when it is usable
    (1..128 printable ASCII characters), else a new random one."""
    if incoming and len(incoming) <= MAX_REQUEST_ID and incoming.isascii() and incoming.isprintable():
        return incoming
    return uuid.uuid4().hex


def log_request(log: Logger, method: str, path: str, status: int, duration_ms: float, request_id: str | None) -> None:
    """One access-log record per request (msg "request")."""
    level = "error" if status >= 500 else "info"
    log.log(level, "request", method=method, path=path, status=status, duration_ms=duration_ms, request_id=request_id)
