"""Exercise 8: the sync-products CLI. See exercises/08-capstone.md."""

import json
import os
import subprocess
import sys

from client.api import ApiClient
from client.sync_products import run_sync
from conftest import ROOT


def check_file(path):
    rows = json.loads(path.read_text())
    assert [r["id"] for r in rows] == list(range(1, 138)), "write all 137 products, sorted by id"
    assert set(rows[0]) == {"id", "name", "price_cents", "updated_at"}, f"unexpected fields: {sorted(rows[0])}"
    assert rows[0]["updated_at"].endswith("Z"), "write updated_at as YYYY-MM-DDTHH:MM:SSZ"


def test_the_cli_writes_the_file_and_prints_a_summary(api, tmp_path):
    out = tmp_path / "products.json"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-m", "client.sync_products", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"exit {proc.returncode}; stderr:\n{proc.stderr}"
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, f"print exactly one JSON line on stdout, got:\n{proc.stdout}"
    summary = json.loads(lines[0])
    assert summary["count"] == 137
    sent = [e for e in api.journal() if e["path"].startswith("/v1/")]
    assert summary["requests"] == len(sent), f"requests={summary['requests']} but the journal shows {len(sent)} requests to /v1"
    assert summary["retries"] == 0 and summary["rate_limited"] == 0
    assert summary["output"] == str(out)
    check_file(out)


def test_the_summary_counts_retries_and_429s(api, clock, tmp_path):
    api.scenario("flaky")
    client = ApiClient(sleep=clock.sleep, clock=clock.now)
    summary = run_sync(client, tmp_path / "p.json", limit=10)
    assert summary["count"] == 137
    sent = [e for e in api.journal() if e["path"].startswith("/v1/")]
    assert summary["requests"] == len(sent), f"requests={summary['requests']} but the journal shows {len(sent)}"
    assert summary["retries"] == len(sent) - 14 > 0, f"14 pages, {len(sent)} requests: retries should be {len(sent) - 14}"
    check_file(tmp_path / "p.json")

    api.reset()
    api.scenario("rate-limit")
    client = ApiClient(sleep=clock.sleep, clock=clock.now)
    client.limiter.call = lambda send, sleep: _reactive(send, sleep)  # no throttling: let 429s happen
    summary = run_sync(client, tmp_path / "q.json", limit=5)
    limited = sum(1 for e in api.journal() if e["status"] == 429)
    assert limited > 0 and summary["rate_limited"] == limited, f"rate_limited={summary['rate_limited']}, the journal shows {limited} 429s"


def _reactive(send, sleep):
    for _ in range(10):
        resp = send()
        if resp.status_code != 429:
            return resp
        sleep(float(resp.headers["Retry-After"]))
    return resp


def test_a_missing_setting_exits_2_with_a_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PRACTICE_API_URL"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, "-m", "client.sync_products", "--out", str(tmp_path / "x.json")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, f"a configuration error exits 2, got {proc.returncode}; stderr:\n{proc.stderr}"
    assert "PRACTICE_API_URL" in proc.stderr and "Traceback" not in proc.stderr, f"print `error: ...` naming the variable, got:\n{proc.stderr}"
    assert not (tmp_path / "x.json").exists()
