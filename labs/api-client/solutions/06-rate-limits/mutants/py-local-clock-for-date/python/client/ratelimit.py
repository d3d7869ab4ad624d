"""Respecting rate limits (exercise 6): honour Retry-After (seconds or an
HTTP-date), give up when the server asks for too long a wait, and throttle
ahead of time using X-RateLimit-Remaining / X-RateLimit-Reset.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

import requests

from .errors import RateLimited

DEFAULT_WAIT = 1.0  # seconds, when a 429 carries no usable Retry-After


def _http_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait according to ``Retry-After``, or None when absent or
    unreadable. An HTTP-date is measured against the response's own ``Date``
    header (immune to clock skew), else against `now` (Unix time, default
    time.time()). A date in the past means 0."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    at = _http_date(value)
    if at is None:
        return None
    reference = time.time() if now is None else now
    return max(0.0, at - reference)


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
        429. Raises RateLimited when the wait asked for exceeds max_wait or
        after max_retries 429s in a row."""
        for _ in range(self.max_retries + 1):
            with self._lock:
                pause, self._pause = self._pause, 0.0
            if pause > 0:
                sleep(pause)
            resp = send()
            self.observe(resp)
            if resp.status_code != 429:
                return resp
            wait = retry_after_seconds(resp.headers)
            if wait is None:
                wait = DEFAULT_WAIT
            if wait > self.max_wait:
                raise RateLimited(429, "rate limited", f"the server asked to wait {wait:.0f} s (more than {self.max_wait:.0f} s)", retry_after=wait)
            sleep(wait)
        raise RateLimited(429, "rate limited", f"still limited after {self.max_retries} waits", retry_after=None)

    def observe(self, resp: requests.Response) -> None:
        """Plans a pause when the bucket is empty, from X-RateLimit-Reset."""
        remaining = resp.headers.get("X-RateLimit-Remaining")
        reset = resp.headers.get("X-RateLimit-Reset")
        if remaining is None or reset is None or resp.status_code == 429:
            return
        try:
            if int(remaining) <= 0:
                with self._lock:
                    self._pause = min(float(reset), self.max_wait)
        except ValueError:
            pass
