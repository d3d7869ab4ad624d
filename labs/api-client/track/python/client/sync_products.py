"""``python -m client.sync_products``: the capstone (exercise 8).

Downloads every product into a JSON file and prints a one-line JSON summary:
``{"count": 137, "requests": 3, "retries": 0, "rate_limited": 0, "output": "products.json"}``.
Exit status: 0 on success, 1 when the API failed, 2 on a configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import requests

from .api import ApiClient
from .config import ConfigError
from .errors import ApiError


def run_sync(client: ApiClient, out: Path, *, limit: int = 50) -> dict:
    """Fetches all products (client.iter_products), writes them sorted by
    id to `out` as a JSON list of ``{id, name, price_cents, updated_at}``
    (updated_at as "YYYY-MM-DDTHH:MM:SSZ"), without leaving a half-written
    file behind, and returns the summary: ``count``, and from
    ``client.stats``: ``requests``, ``retries``, ``rate_limited``; plus
    ``output`` (the path as a string)."""
    # TODO(lab): exercise 8.
    raise NotImplementedError("TODO(lab): exercise 8, run_sync in client/sync_products.py")


def main(argv: list[str] | None = None) -> int:
    """Parses ``--out`` (default products.json) and ``--limit`` (default
    50), runs the sync with ``ApiClient()`` (configured from the
    environment), prints the summary as one JSON line on stdout and returns
    0. Errors go to stderr as ``error: ...``: exit 2 for ConfigError, 1 for
    ApiError or a requests exception."""
    # TODO(lab): exercise 8.
    raise NotImplementedError("TODO(lab): exercise 8, main in client/sync_products.py")


if __name__ == "__main__":
    sys.exit(main())
