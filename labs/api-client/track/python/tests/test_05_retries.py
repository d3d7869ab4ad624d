"""Exercise 5: retry transient failures. See exercises/05-retries.md."""

from collections import Counter

import pytest
import requests

from client.api import ApiClient
from client.auth import StaticToken
from client.errors import NotFound, RateLimited, ServerError, ValidationError
from client.retry import RetryPolicy, backoff_delay, call_with_retries, is_idempotent, is_transient

POLICY = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0, budget=30.0)


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.t += s


def failing(times: int, exc: Exception, result: str = "ok"):
    calls = []

    def attempt():
        calls.append(1)
        if len(calls) <= times:
            raise exc
        return result

    return attempt, calls


def test_backoff_grows_exponentially_up_to_the_cap():
    delays = [backoff_delay(n, POLICY, random=lambda: 1.0) for n in range(1, 7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0], f"with random()=1 the delays are the caps, got {delays}"


def test_backoff_uses_full_jitter():
    assert [backoff_delay(n, POLICY, random=lambda: 0.25) for n in (1, 2, 3)] == [0.125, 0.25, 0.5]
    assert backoff_delay(3, POLICY, random=lambda: 0.0) == 0.0, "full jitter draws from [0, cap], so 0 is possible"


@pytest.mark.parametrize(
    "method,headers,expected",
    [("GET", {}, True), ("get", {}, True), ("PUT", {}, True), ("DELETE", {}, True), ("HEAD", {}, True), ("POST", {}, False), ("PATCH", {}, False), ("POST", {"Idempotency-Key": "k"}, True), ("POST", {"idempotency-key": "k"}, True)],
)
def test_which_requests_are_safe_to_repeat(method, headers, expected):
    assert is_idempotent(method, headers) is expected, f"is_idempotent({method!r}, {headers}) should be {expected}"


@pytest.mark.parametrize(
    "exc,expected",
    [
        (requests.ConnectionError("reset"), True),
        (requests.Timeout("slow"), True),
        (ServerError(500), True),
        (ServerError(502), True),
        (ServerError(503), True),
        (ServerError(504), True),
        (ServerError(501), False),
        (NotFound(404), False),
        (ValidationError(422), False),
        (RateLimited(429), False),
        (ValueError("bug"), False),
    ],
)
def test_which_failures_are_transient(exc, expected):
    assert is_transient(exc) is expected, f"is_transient({exc!r}) should be {expected}"


def test_transient_failures_are_retried_with_the_backoff_delays():
    clock = FakeClock()
    attempt, calls = failing(3, ServerError(503))
    assert call_with_retries(attempt, policy=POLICY, method="GET", sleep=clock.sleep, clock=clock.now, random=lambda: 1.0) == "ok"
    assert len(calls) == 4
    assert clock.sleeps == [0.5, 1.0, 2.0], f"sleep backoff_delay(1), (2), (3) between attempts; slept {clock.sleeps}"


def test_at_most_max_attempts():
    clock = FakeClock()
    attempt, calls = failing(10, requests.ConnectionError("reset"))
    with pytest.raises(requests.ConnectionError):
        call_with_retries(attempt, policy=POLICY, method="GET", sleep=clock.sleep, clock=clock.now, random=lambda: 1.0)
    assert len(calls) == 4, f"max_attempts=4 means 4 attempts in total; made {len(calls)}"


def test_the_time_budget_stops_retrying():
    clock = FakeClock()
    attempt, calls = failing(10, ServerError(500))
    with pytest.raises(ServerError):
        call_with_retries(attempt, policy=RetryPolicy(max_attempts=10, base_delay=1.0, max_delay=8.0, budget=5.0), method="GET", sleep=clock.sleep, clock=clock.now, random=lambda: 1.0)
    assert clock.sleeps == [1.0, 2.0], f"with a 5 s budget, waits of 1 + 2 fit and the next (4) would not; slept {clock.sleeps}"


def test_permanent_failures_and_unsafe_requests_are_not_retried():
    clock = FakeClock()
    attempt, calls = failing(1, NotFound(404))
    with pytest.raises(NotFound):
        call_with_retries(attempt, policy=POLICY, method="GET", sleep=clock.sleep, clock=clock.now)
    assert len(calls) == 1, "a 404 is not transient"
    attempt, calls = failing(1, ServerError(502))
    with pytest.raises(ServerError):
        call_with_retries(attempt, policy=POLICY, method="POST", sleep=clock.sleep, clock=clock.now)
    assert len(calls) == 1, "a POST without Idempotency-Key must not be repeated: the first one may have worked"
    assert clock.sleeps == []


def test_a_server_retry_after_is_honoured():
    clock = FakeClock()
    err = ServerError(503)
    err.retry_after = 2.0
    attempt, _ = failing(1, err)
    call_with_retries(attempt, policy=POLICY, method="GET", sleep=clock.sleep, clock=clock.now, random=lambda: 0.1)
    assert clock.sleeps == [2.0], f"the 503 said Retry-After: 2, longer than the backoff; slept {clock.sleeps}"


def test_the_full_list_survives_a_flaky_server(api, clock):
    api.scenario("flaky")  # every 5th list call 503, every 7th 500, one connection reset
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    try:
        ids = [p.id for p in client.iter_products(limit=10)]
    except (requests.RequestException, ServerError) as err:
        faults = [c["fault"] for c in api.journal("/v1/products") if c["fault"]]
        raise AssertionError(
            f"the list failed with {err!r} after the faults {faults}: connection errors and 5xx "
            "of a GET are transient, so call_with_retries must retry them"
        ) from err
    assert len(set(ids)) == 137, f"got {len(set(ids))} of 137 products"
    calls = api.journal("/v1/products")
    faults = [c for c in calls if c["fault"]]
    assert faults, "the flaky scenario did not inject faults (is the scenario set?)"
    per_page = Counter(c["query"] for c in calls)
    worst = max(per_page.values())
    assert worst <= 4, f"a page was tried {worst} times; at most 4 attempts per request"


def test_a_post_without_a_key_is_not_retried(api, clock):
    api.scenario("ambiguous-write")  # commits the order, then answers 502
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    with pytest.raises(ServerError):
        client.request("POST", "/v1/orders", json={"product_id": 1, "quantity": 1})
    posts = api.journal("/v1/orders")
    assert len(posts) == 1, f"a POST without Idempotency-Key was sent {len(posts)} times: the retry created a duplicate order"
    assert len(api.orders()) == 1
