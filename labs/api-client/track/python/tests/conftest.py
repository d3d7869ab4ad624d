"""Shared fixtures: a practice API per test session, started on port 0 as a
subprocess, and helpers to reset it, pick a scenario, read the journal and
move its clock forward (so no test waits for real unless it says so)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "lab-client"
CLIENT_SECRET = "practice-secret-5f2c9a"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class PracticeApi:
    """A handle on the running practice API, talking to it with urllib only
    (so a broken client never breaks the harness)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: object = None, headers: dict | None = None, form: dict | None = None):
        data = None
        hdrs = dict(headers or {})
        if form is not None:
            data = urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                raw = resp.read()
                return resp.status, dict(resp.headers), json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            return err.code, dict(err.headers), json.loads(raw) if raw else None

    def admin(self, method: str, path: str, body: object = None):
        status, _, data = self.call(method, "/__admin/" + path, body)
        assert status == 200, f"admin {path} answered {status}: {data}"
        return data

    def reset(self) -> None:
        self.admin("POST", "reset")

    def scenario(self, name: str) -> None:
        self.admin("POST", "scenario", {"name": name})

    def advance(self, seconds: float) -> None:
        self.admin("POST", "clock", {"advance_ms": seconds * 1000})

    def journal(self, route: str | None = None) -> list[dict]:
        entries = self.admin("GET", "journal")["entries"]
        return [e for e in entries if route is None or e["route"] == route]

    def orders(self) -> list[dict]:
        return self.admin("GET", "orders")["orders"]

    def token(self) -> str:
        status, _, body = self.call("POST", "/oauth/token", form={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
        assert status == 200, body
        return body["access_token"]

    def product(self, pid: int) -> dict:
        status, _, body = self.call("GET", f"/v1/products/{pid}", headers={"Authorization": "Bearer " + self.token()})
        assert status == 200, body
        return body

    def drain(self) -> None:
        """Empties the rate-limit bucket with direct requests (never a 429)."""
        token = self.token()
        for _ in range(100):
            status, headers, _ = self.call("GET", "/v1/products/1", headers={"Authorization": "Bearer " + token})
            assert status == 200, f"drain got {status}"
            if headers.get("X-RateLimit-Remaining") == "0":
                return
        raise AssertionError("the bucket never emptied")


def query(entry: dict) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(entry["query"]).items()}


class LabClock:
    """A fake clock and sleep for the client: sleeping records the wait and
    moves the practice API's clock forward instead of waiting for real."""

    def __init__(self, api: PracticeApi) -> None:
        self.api = api
        self.offset = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"sleep({seconds}) with a negative duration"
        self.sleeps.append(seconds)
        self.offset += seconds
        self.api.advance(seconds)


def _start_server() -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "practice_api", "--port", "0", "--seed", "7", "--rate-limit", "1000/1s"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(r"listening on (127\.0\.0\.1:\d+)", line)
            if m and not found:
                found.append(m.group(1))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 20
    while not found and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    if not found:
        proc.kill()
        raise RuntimeError(f"the practice API did not start (`{' '.join(cmd)}` in {ROOT}); run it by hand to see why")
    return proc, "http://" + found[0]


@pytest.fixture(scope="session")
def practice_api():
    proc, url = _start_server()
    os.environ["PRACTICE_API_URL"] = url
    os.environ["PRACTICE_API_CLIENT_ID"] = CLIENT_ID
    os.environ["PRACTICE_API_CLIENT_SECRET"] = CLIENT_SECRET
    try:
        yield PracticeApi(url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def api(practice_api: PracticeApi) -> PracticeApi:
    """The practice API, reset: empty journal, scenario default, clock at 0."""
    practice_api.reset()
    os.environ["PRACTICE_API_URL"] = practice_api.url
    os.environ["PRACTICE_API_CLIENT_ID"] = CLIENT_ID
    os.environ["PRACTICE_API_CLIENT_SECRET"] = CLIENT_SECRET
    return practice_api


@pytest.fixture
def clock(api: PracticeApi) -> LabClock:
    return LabClock(api)
