"""Exercise 4: JSON-lines logs and X-Request-Id."""

import io
import json
import time

import requests

from service.observability import Logger, request_id

REQUIRED = {"ts", "level", "msg", "method", "path", "status", "duration_ms", "request_id"}


def wait_for(predicate, what, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no {what} within {timeout} s")


def test_incoming_request_id_is_echoed(service):
    resp = requests.get(service.url + "/healthz", headers={"X-Request-Id": "lab-4"}, timeout=5)
    assert resp.headers.get("X-Request-Id") == "lab-4"


def test_a_request_id_is_created_when_missing(service):
    a = requests.get(service.url + "/healthz", timeout=5).headers.get("X-Request-Id")
    b = requests.get(service.url + "/healthz", timeout=5).headers.get("X-Request-Id")
    assert a and b, "every response carries an X-Request-Id, created when the caller sent none"
    assert a != b, "two requests got the same id"


def test_unusable_ids_are_replaced():
    assert request_id("x" * 500) != "x" * 500
    assert request_id("ok-123") == "ok-123"
    assert request_id("a space ok") == "a space ok", "a space is printable ASCII: keep the id"
    for bad in ("tab\there", "new\nline", "bell\x07", "del\x7f", "caf\u00e9"):
        assert request_id(bad) != bad, f"{bad!r} holds a control or non-ASCII character: replace it"
    assert request_id(None)


def test_every_stdout_line_is_json_with_the_fields(service):
    requests.get(service.url + "/healthz", headers={"X-Request-Id": "trace-me"}, timeout=5)
    record = wait_for(
        lambda: next((r for r in service.json_lines() if r.get("request_id") == "trace-me"), None),
        "access-log record with request_id trace-me",
    )
    missing = REQUIRED - record.keys()
    assert not missing, f"the access-log record lacks {sorted(missing)}: {record}"
    assert record["method"] == "GET" and record["path"] == "/healthz" and record["status"] == 200
    assert isinstance(record["duration_ms"], (int, float))
    assert record["ts"].endswith("Z") or record["ts"].endswith("+00:00"), "timestamps are UTC"
    first = service.json_lines()[0]
    assert "listening on" in first["msg"], "the first line says where the service listens"


def test_levels_below_the_threshold_are_dropped():
    out = io.StringIO()
    log = Logger("warning", stream=out)
    log.info("hidden")
    log.error("shown", code=7)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["level"] == "error" and record["msg"] == "shown" and record["code"] == 7
