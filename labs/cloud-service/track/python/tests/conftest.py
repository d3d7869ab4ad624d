"""Shared fixtures: the service started as a subprocess, the way EC2 or a
container runtime starts it (environment variables, PORT=0 so the system picks
a free port, HOST=127.0.0.1 so nothing listens beyond this machine). The
address comes from the "listening on HOST:PORT" line it prints."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

READY = re.compile(r"listening on (127\.0\.0\.1:\d+)")
BASE_ENV = {"PORT": "0", "HOST": "127.0.0.1", "APP_SECRET_KEY": "lab-only-secret", "LOG_LEVEL": "info"}


class Service:
    """A running service: its URL, its output lines, and ways to stop it."""

    def __init__(self, env: dict[str, str]) -> None:
        full = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", **env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service"], cwd=ROOT, env=full,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._addr: list[str] = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True).start()

    def _read(self, stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))
            m = READY.search(line)
            if m and not self._addr:
                self._addr.append(m.group(1))

    def wait_ready(self, timeout: float = 15.0) -> "Service":
        deadline = time.monotonic() + timeout
        while not self._addr and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.01)
        if not self._addr:
            self.kill()
            out = "\n".join(self.stdout[-20:] + self.stderr[-20:])
            raise AssertionError(
                "the service printed no line matching 'listening on 127.0.0.1:PORT'"
                f" (exit code {self.proc.returncode}). Its output:\n{out}"
            )
        return self

    @property
    def url(self) -> str:
        return "http://" + self._addr[0]

    def json_lines(self) -> list[dict]:
        records = []
        for i, line in enumerate(self.stdout, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                raise AssertionError(f"stdout line {i} is not JSON: {line!r}") from None
        return records

    def terminate(self, timeout: float = 5.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the service did not exit within {timeout} s after SIGTERM") from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_service(**env: str) -> Service:
    return Service({**BASE_ENV, **env}).wait_ready()


@pytest.fixture
def service():
    svc = start_service(GIT_SHA="abc1234", APP_ENV="lab")
    try:
        yield svc
    finally:
        svc.kill()
