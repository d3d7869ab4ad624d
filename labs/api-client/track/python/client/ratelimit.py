"""Respecting rate limits (exercise 6): honour Retry-After (seconds or an
HTTP-date), give up when the server asks for too long a wait, and throttle
ahead of time using X-RateLimit-Remaining / X-RateLimit-Reset.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

import requests

from .errors import RateLimited

DEFAULT_WAIT = 1.0  # seconds, when a 429 carries no usable Retry-After


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait according to ``Retry-After``, or None when absent or
    unreadable. The value is either seconds ("3") or an HTTP-date ("Wed, 25
    Nov 2026 10:00:05 GMT", see email.utils.parsedate_to_datetime). Measure
    an HTTP-date against the response's own ``Date`` header (immune to clock
    skew), else against `now` (Unix time, default time.time()). A date in
    the past means 0."""
    # TODO(lab): exercise 6.
    raise NotImplementedError("TODO(lab): exercise 6, retry_after_seconds in client/ratelimit.py")


class RateLimiter:
    """Wraps sending so that 429s are waited out (up to `max_wait` seconds
    each) and the client slows down before the server has to say no."""

    def __init__(self, max_wait: float = 30.0, max_retries: int = 5) -> None:
        self.max_wait = max_wait
        self.max_retries = max_retries
        self._pause = 0.0  # seconds to wait before the next request
        self._lock = threading.Lock()

    def call(self, send: Callable[[], requests.Response], *, sleep: Callable[[float], None] = time.sleep) -> requests.Response:
        """Sends (via `send`) and returns the first response that is not a
        429, sleeping (with `sleep`) as Retry-After asks between tries.
        Raises RateLimited (with retry_after) when the wait asked for exceeds
        max_wait, or after max_retries 429s in a row. Before sending, waits
        out a pause planned from X-RateLimit-Remaining: 0 and
        X-RateLimit-Reset (seconds until the bucket is full again)."""
        # TODO(lab): exercise 6. Until you write this, a 429 is returned as is
        # (and raise_for_response turns it into RateLimited).
        return send()
