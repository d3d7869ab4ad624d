"""Exercise 1: first call. See exercises/01-first-call.md."""

import time
from datetime import datetime, timezone

import pytest
import requests

from client.api import ApiClient
from client.auth import StaticToken
from client.config import ConfigError, base_url_from_env
from client.models import Product
from client.retry import RetryPolicy


class RecordingSession(requests.Session):
    """A real session that remembers the keyword arguments of each request."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[dict] = []

    def request(self, method, url, **kwargs):
        self.calls.append({"method": method, "url": url, **kwargs})
        return super().request(method, url, **kwargs)


def test_base_url_comes_from_the_environment():
    assert base_url_from_env({"PRACTICE_API_URL": "http://127.0.0.1:9999/"}) == "http://127.0.0.1:9999", (
        "base_url_from_env must return PRACTICE_API_URL without its trailing '/'"
    )


def test_a_missing_base_url_is_a_config_error_that_names_the_variable():
    with pytest.raises(ConfigError) as err:
        base_url_from_env({})
    assert "PRACTICE_API_URL" in str(err.value), "say which variable is missing, so the user can fix it"


def test_product_from_json_builds_a_typed_model():
    p = Product.from_json({"id": 7, "name": "Keen Easel", "price_cents": 1999, "updated_at": "2026-06-03T08:01:18Z"})
    assert p == Product(7, "Keen Easel", 1999, datetime(2026, 6, 3, 8, 1, 18, tzinfo=timezone.utc))
    assert p.updated_at.tzinfo is not None, "updated_at must be timezone-aware (the API sends UTC, 'Z')"


def test_default_timeouts_are_explicit():
    from client import config

    t = config.DEFAULT_TIMEOUT
    assert isinstance(t, tuple) and len(t) == 2, f"DEFAULT_TIMEOUT must be a (connect, read) tuple, not {t!r}"
    assert all(isinstance(x, (int, float)) and 0 < x <= 30 for x in t), f"both timeouts must be between 0 and 30 s, got {t!r}"


def test_get_product_returns_the_product(api):
    client = ApiClient(auth=StaticToken(api.token()))  # base URL from PRACTICE_API_URL
    product = client.get_product(42)
    expected = api.product(42)
    assert isinstance(product, Product), f"get_product must return a Product, not {type(product).__name__}"
    assert (product.id, product.name, product.price_cents) == (expected["id"], expected["name"], expected["price_cents"])
    assert product.updated_at == datetime.fromisoformat(expected["updated_at"].replace("Z", "+00:00"))
    calls = api.journal("/v1/products/{id}")
    assert [c["auth"] for c in calls][:1] == ["present"], "send the token as 'Authorization: Bearer <token>'"


def test_every_request_carries_the_explicit_timeouts(api):
    from client import config

    session = RecordingSession()
    client = ApiClient(api.url, auth=StaticToken(api.token()), session=session)
    client.get_product(1)
    assert session.calls, "_send must use self.session (so the client reuses connections)"
    assert session.calls[-1].get("timeout") == config.DEFAULT_TIMEOUT, (
        f"pass timeout=self.timeout to every request; this one had timeout={session.calls[-1].get('timeout')!r}"
    )


def test_a_slow_response_raises_a_timeout_quickly(api):
    # The one real wait of this exercise: about 1 s.
    client = ApiClient(api.url, auth=StaticToken(api.token()), timeout=(1.0, 1.0), retry=RetryPolicy(max_attempts=1))
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        client.request("GET", "/v1/slow", params={"ms": 3000})
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"the read timeout of 1 s took {elapsed:.1f} s to fire: is timeout passed to the request?"
