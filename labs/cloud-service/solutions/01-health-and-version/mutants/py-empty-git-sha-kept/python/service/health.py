"""Exercise 1: health and version endpoints.

Each function returns `(status, body)`; `server.py` turns the body into JSON.
"""

from __future__ import annotations

from collections.abc import Mapping


def healthz() -> tuple[int, dict]:
    """GET /healthz: 200 and {"status": "ok"} while the process can serve."""
    return 200, {"status": "ok"}


def version(environ: Mapping[str, str]) -> tuple[int, dict]:
    """GET /version: which build is running, and where.

    {"git_sha": GIT_SHA, "app_env": APP_ENV}, read from `environ` at request
    time; "unknown" and "development" when they are not set.
    """
    return 200, {
        "git_sha": environ.get("GIT_SHA", "unknown"),
        "app_env": environ.get("APP_ENV", "development"),
    }
