"""The check of exercise 8: scripts/smoke_test.sh must pass against your
service (APP_URL) and fail against every broken decoy (decoy_server.py).

    APP_URL=http://127.0.0.1:8080 python3 harness/smoke_check.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import decoy_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "scripts/smoke_test.sh"


def smoke(url: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["bash", SCRIPT, url], cwd=ROOT, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess([SCRIPT, url], 124, "", f"{SCRIPT} did not finish within 60 s (a curl without --max-time?)")


def last_lines(done: subprocess.CompletedProcess) -> str:
    text = (done.stdout + done.stderr).strip().splitlines()[-5:]
    return "\n".join("    " + line for line in text) or "    (no output)"


def main() -> int:
    url = os.environ.get("APP_URL")
    if not url:
        print("APP_URL is not set: start the service and run APP_URL=http://127.0.0.1:PORT python3 harness/smoke_check.py")
        return 2
    problems = 0
    done = smoke(url)
    if done.returncode == 0:
        print(f"ok   {SCRIPT} passes against your service ({url})")
    else:
        problems += 1
        print(f"FAIL {SCRIPT} exited {done.returncode} against your service ({url}); it must pass there:\n{last_lines(done)}")
    for mode, fault in decoy_server.MODES.items():
        server = decoy_server.start(mode)
        host, port = server.server_address[:2]
        try:
            done = smoke(f"http://{host}:{port}")
        finally:
            server.shutdown()
        if done.returncode != 0:
            print(f"ok   {SCRIPT} fails against the decoy `{mode}` ({fault})")
        else:
            problems += 1
            print(f"FAIL {SCRIPT} passed against the decoy `{mode}`, where {fault}: a smoke test must catch that")
    if problems:
        print(f"{problems} problem(s); try one decoy by hand: python3 harness/decoy_server.py --mode MODE")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
