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
    idempotent method, or any request that carries an Idempotency-Key."""
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    return any(k.lower() == "idempotency-key" and v for k, v in (headers or {}).items())


def is_transient(exc: BaseException) -> bool:
    """True for failures that may succeed when tried again: connection
    errors, timeouts and 5xx responses (500, 502, 503, 504)."""
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return True
    return isinstance(exc, ServerError) and exc.status in (500, 502, 503, 504)


def backoff_delay(attempt: int, policy: RetryPolicy, random: Callable[[], float] = _random.random) -> float:
    """The wait before retry number `attempt` (1 = the first retry): full
    jitter, a uniform draw in [0, min(max_delay, base_delay * 2**(attempt-1))]."""
    cap = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return cap


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
    with backoff. Honours a server's ``retry_after`` (a 503's Retry-After)
    when longer than the backoff. Gives up, re-raising the last error, after
    ``max_attempts`` attempts or when the next wait would end past the time
    budget."""
    start = clock()
    tries = 0
    while True:
        tries += 1
        try:
            return attempt()
        except Exception as exc:
            if not is_idempotent(method, headers) or not is_transient(exc) or tries >= policy.max_attempts:
                raise
            delay = backoff_delay(tries, policy, random)
            asked = getattr(exc, "retry_after", None)
            if asked is not None:
                delay = max(delay, float(asked))
            if clock() - start + delay > policy.budget:
                raise
            sleep(delay)
