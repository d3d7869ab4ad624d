"""Exercise 6: respect rate limits. See exercises/06-rate-limits.md."""

import time

import pytest
from requests.structures import CaseInsensitiveDict

from client.api import ApiClient
from client.auth import StaticToken
from client.errors import RateLimited
from client.ratelimit import retry_after_seconds


def h(**kw) -> CaseInsensitiveDict:
    return CaseInsensitiveDict({k.replace("_", "-"): v for k, v in kw.items()})


def test_retry_after_in_seconds():
    assert retry_after_seconds(h(Retry_After="3")) == 3.0
    assert retry_after_seconds(h(Retry_After=" 0 ")) == 0.0


def test_retry_after_as_an_http_date_is_measured_from_the_date_header():
    headers = h(Retry_After="Wed, 25 Nov 2026 10:00:05 GMT", Date="Wed, 25 Nov 2026 10:00:00 GMT")
    assert retry_after_seconds(headers, now=0.0) == 5.0, "measure against the response's Date header, not your own clock"


def test_retry_after_as_an_http_date_without_date_uses_now():
    at = 1_795_600_000  # some Unix time
    from email.utils import formatdate

    assert retry_after_seconds(h(Retry_After=formatdate(at, usegmt=True)), now=at - 7) == 7.0
    assert retry_after_seconds(h(Retry_After=formatdate(at, usegmt=True)), now=at + 60) == 0.0, "a date in the past means no wait"


def test_missing_or_garbage_retry_after_is_none():
    assert retry_after_seconds(h()) is None
    assert retry_after_seconds(h(Retry_After="soon")) is None


def get_waiting(client, pid):
    try:
        return client.get_product(pid)
    except RateLimited as err:
        raise AssertionError(
            f"got {err!r}: RateLimiter.call must sleep for Retry-After and send again "
            "(raise RateLimited only when the wait is longer than max_wait)"
        ) from err


def assert_waited(api, entries):
    for i, e in enumerate(entries):
        if e["status"] == 429 and i + 1 < len(entries):
            nxt = entries[i + 1]
            assert nxt["t_ms"] >= e["retry_at_ms"], (
                f"a request at t={nxt['t_ms']} ms followed a 429 at t={e['t_ms']} ms that asked to wait until "
                f"t={e['retry_at_ms']} ms: sleep for the Retry-After time before trying again"
            )


def test_fifty_calls_stay_under_the_limit(api, clock):
    api.scenario("rate-limit")  # a bucket of 10 requests per 10 s
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    for i in range(50):
        get_waiting(client, 1 + i % 137)
    entries = api.journal("/v1/products/{id}")
    limited = sum(1 for e in entries if e["status"] == 429)
    assert limited <= 2, (
        f"{limited} of {len(entries)} responses were 429: throttle ahead, pausing for X-RateLimit-Reset "
        "seconds when X-RateLimit-Remaining reaches 0"
    )
    assert_waited(api, entries)


def test_a_429_is_waited_out(api, clock):
    api.scenario("rate-limit")
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    api.drain()
    assert get_waiting(client, 5).id == 5
    entries = api.journal("/v1/products/{id}")[-2:]
    assert [e["status"] for e in entries] == [429, 200], f"expected a 429 then a success, got {[e['status'] for e in entries]}"
    assert_waited(api, entries)
    assert clock.sleeps and clock.sleeps[0] >= 1.0, f"Retry-After was 1 s; slept {clock.sleeps}"


def test_an_http_date_retry_after_is_waited_out(api, clock):
    api.scenario("retry-after-date")
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    api.drain()
    assert get_waiting(client, 6).id == 6
    entries = api.journal("/v1/products/{id}")[-2:]
    assert [e["status"] for e in entries] == [429, 200], f"expected a 429 then a success, got {[e['status'] for e in entries]}"
    assert_waited(api, entries)


def test_a_one_hour_wait_raises_quickly(api, clock):
    api.scenario("long-wait")  # the server answers 429 with Retry-After: 3600
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    started = time.monotonic()
    with pytest.raises(RateLimited) as err:
        client.get_product(1)
    assert time.monotonic() - started < 2, "give up at once when the wait is longer than max_wait"
    assert not [s for s in clock.sleeps if s >= 30], f"slept {clock.sleeps} although the cap is 30 s"
    assert err.value.retry_after is not None and err.value.retry_after >= 3000, "RateLimited.retry_after tells the caller how long the server asked for"


def test_a_real_wait(api):
    # The one real wait of this exercise: Retry-After: 1.
    api.scenario("rate-limit")
    client = ApiClient(auth=StaticToken(api.token()))
    api.drain()
    started = time.monotonic()
    assert get_waiting(client, 9).id == 9
    assert 0.9 <= time.monotonic() - started < 2.0
    assert_waited(api, api.journal("/v1/products/{id}"))
