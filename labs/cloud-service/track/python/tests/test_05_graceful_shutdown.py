"""Exercise 5: readiness and graceful shutdown on SIGTERM."""

import threading
import time

import requests

from service.lifecycle import Lifecycle, readyz


def test_readyz_follows_the_lifecycle():
    lc = Lifecycle()
    assert readyz(lc)[0] == 503, "not ready before the socket listens"
    lc.mark_ready()
    assert readyz(lc) == (200, {"status": "ready"})
    lc.begin_shutdown()
    status, body = readyz(lc)
    assert status == 503 and body["status"] == "stopping"


def test_running_service_is_ready(service):
    resp = requests.get(service.url + "/readyz", timeout=5)
    assert resp.status_code == 200, f"GET /readyz answered {resp.status_code}: {resp.text}"


def test_sigterm_lets_the_in_flight_request_finish(service):
    result = {}

    def slow():
        try:
            result["status"] = requests.get(service.url + "/slow?ms=1500", timeout=10).status_code
        except requests.RequestException as exc:
            result["error"] = exc

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)  # the request is in flight (it takes 1.5 s)
    started = time.monotonic()
    code = service.terminate(timeout=5)
    t.join()
    assert "error" not in result, f"the in-flight request failed: {result.get('error')}"
    assert result["status"] == 200
    assert code == 0, f"exit code {code} after SIGTERM, expected 0"
    assert time.monotonic() - started < 5


def test_sigterm_on_an_idle_service_exits_0_quickly(service):
    started = time.monotonic()
    assert service.terminate(timeout=5) == 0
    assert time.monotonic() - started < 2, "an idle service has nothing to wait for"
