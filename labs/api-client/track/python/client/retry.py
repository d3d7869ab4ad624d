"""Retrying transient failures (exercise 5): exponential backoff with full
jitter, a maximum number of attempts, a total time budget, and only for
requests that are safe to repeat.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import requests

from .errors import ServerError

T = TypeVar("T")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4  # attempts in total, the first one included
    base_delay: float = 0.25  # seconds; the cap of the first backoff
    max_delay: float = 4.0  # seconds; no single backoff is longer
    budget: float = 20.0  # seconds for all attempts and waits together


def is_idempotent(method: str, headers: Mapping[str, str] | None = None) -> bool:
    """True when repeating the request cannot do the work twice: an
    idempotent method (IDEMPOTENT_METHODS), or any request that carries an
    Idempotency-Key header (header names are case-insensitive)."""
    # TODO(lab): exercise 5.
    raise NotImplementedError("TODO(lab): exercise 5, is_idempotent in client/retry.py")


def is_transient(exc: BaseException) -> bool:
    """True for failures that may succeed when tried again: connection
    errors, timeouts (requests.ConnectionError, requests.Timeout) and
    ServerError with status 500, 502, 503 or 504. Never a 4xx."""
    # TODO(lab): exercise 5.
    raise NotImplementedError("TODO(lab): exercise 5, is_transient in client/retry.py")


def backoff_delay(attempt: int, policy: RetryPolicy, random: Callable[[], float] = _random.random) -> float:
    """The wait before retry number `attempt` (1 = the first retry): full
    jitter, ``random() * min(max_delay, base_delay * 2**(attempt-1))``."""
    # TODO(lab): exercise 5.
    raise NotImplementedError("TODO(lab): exercise 5, backoff_delay in client/retry.py")


def call_with_retries(
    attempt: Callable[[], T],
    *,
    policy: RetryPolicy,
    method: str,
    headers: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    random: Callable[[], float] = _random.random,
) -> T:
    """Calls `attempt` until it returns, retrying transient failures of
    requests that are safe to repeat (``is_idempotent(method, headers)``)
    with backoff_delay, sleeping with `sleep` (never time.sleep directly).
    Honours a server's ``retry_after`` attribute (a 503's Retry-After) when
    longer than the backoff. Gives up, re-raising the last error, after
    ``policy.max_attempts`` attempts, or when the next wait would end past
    ``policy.budget`` seconds (measured with `clock`) since the first
    attempt."""
    # TODO(lab): exercise 5. Until you write this, every call is tried once.
    return attempt()
