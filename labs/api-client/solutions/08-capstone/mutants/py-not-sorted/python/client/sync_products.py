"""``python -m client.sync_products``: the capstone (exercise 8).

Downloads every product into a JSON file and prints a one-line JSON summary:
``{"count": 137, "requests": 3, "retries": 0, "rate_limited": 0, "output": "products.json"}``.
Exit status: 0 on success, 1 when the API failed, 2 on a configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import requests

from .api import ApiClient
from .config import ConfigError
from .errors import ApiError


def run_sync(client: ApiClient, out: Path, *, limit: int = 50) -> dict:
    """Fetches all products, writes them (sorted by id) to `out`
    atomically, and returns the summary dict."""
    products = list(client.iter_products(limit=limit))[::-1]
    rows = [{**asdict(p), "updated_at": p.updated_at.isoformat().replace("+00:00", "Z")} for p in products]
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=2)
        f.write("\n")
    os.replace(tmp, out)
    return {
        "count": len(rows),
        "requests": client.stats.requests,
        "retries": client.stats.retries,
        "rate_limited": client.stats.rate_limited,
        "output": str(out),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m client.sync_products", description="Download every product into a JSON file.")
    p.add_argument("--out", type=Path, default=Path("products.json"), help="where to write (default products.json)")
    p.add_argument("--limit", type=int, default=50, help="page size, 1..50 (default 50)")
    args = p.parse_args(argv)
    try:
        client = ApiClient()
        summary = run_sync(client, args.out, limit=args.limit)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ApiError, requests.RequestException) as exc:
        print(f"error: the sync failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
