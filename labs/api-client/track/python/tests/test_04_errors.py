"""Exercise 4: errors. See exercises/04-errors.md."""

import json

import pytest
import requests

from client.api import ApiClient
from client.auth import StaticToken
from client.errors import (
    ApiError,
    FieldError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    ValidationError,
    raise_for_response,
)


def response(status: int, body: object = None, headers: dict | None = None) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r.reason = "Reason"
    r.headers.update(headers or {})
    if body is not None:
        r._content = json.dumps(body).encode()
        r.headers.setdefault("Content-Type", "application/problem+json")
    else:
        r._content = b""
    return r


def raised(resp: requests.Response, cls: type) -> ApiError:
    """The error raise_for_response raises for `resp`; fails the test when it returns."""
    try:
        raise_for_response(resp)
    except ApiError as err:
        assert type(err) is cls, f"status {resp.status_code} must raise {cls.__name__}, not {type(err).__name__}"
        return err
    pytest.fail(f"raise_for_response returned for status {resp.status_code}; it must raise {cls.__name__}")


def expect(cls: type, call, what: str) -> ApiError:
    """Runs `call`, which must raise `cls` (the API answered with its status)."""
    try:
        call()
    except cls as err:
        return err
    except Exception as err:
        pytest.fail(f"{what} must raise {cls.__name__}, but raised {err!r}: map the status in raise_for_response (client/errors.py)")
    pytest.fail(f"{what} returned instead of raising {cls.__name__}")


def problem(status, title="T", detail="D", **extra):
    return {"type": "/problems/x", "title": title, "status": status, "detail": detail, **extra}


@pytest.mark.parametrize(
    "status,cls",
    [(401, Unauthorized), (404, NotFound), (422, ValidationError), (429, RateLimited), (500, ServerError), (503, ServerError), (409, ApiError), (400, ApiError)],
)
def test_each_status_maps_to_its_error(status, cls):
    err = raised(response(status, problem(status, title="Some title", detail="some detail")), cls)
    assert err.status == status
    assert err.detail == "some detail" and err.title == "Some title", "copy title and detail from the problem+json body"


def test_success_passes():
    assert raise_for_response(response(200, {"ok": True})) is None
    assert raise_for_response(response(201, {"id": "x"})) is None


def test_a_body_that_is_not_json_still_maps():
    raised(response(502), ServerError)


def test_validation_errors_carry_the_field_errors():
    body = problem(422, errors=[{"field": "quantity", "msg": "must be an integer from 1 to 100"}])
    err = raised(response(422, body), ValidationError)
    assert err.errors == [FieldError("quantity", "must be an integer from 1 to 100")], "turn each {field, msg} into a FieldError"


def test_retry_after_seconds_is_kept():
    err = raised(response(503, problem(503), {"Retry-After": "1"}), ServerError)
    assert err.retry_after == 1.0, "keep a numeric Retry-After as retry_after (seconds)"


def test_not_found_is_raised_after_one_attempt(api):
    client = ApiClient(auth=StaticToken(api.token()))
    expect(NotFound, lambda: client.get_product(9999), "get_product(9999) (a 404)")
    calls = api.journal("/v1/products/{id}")
    assert len(calls) == 1, f"a 404 will not change on a retry: expected 1 attempt, the journal shows {len(calls)}"


def test_invalid_order_is_a_validation_error_after_one_attempt(api):
    client = ApiClient(auth=StaticToken(api.token()))
    err = expect(
        ValidationError,
        lambda: client.request("POST", "/v1/orders", json={"product_id": 1, "quantity": 0}, headers={"Idempotency-Key": "test-422"}),
        "an order with quantity 0 (a 422)",
    )
    assert [e.field for e in err.errors] == ["quantity"]
    calls = api.journal("/v1/orders")
    assert len(calls) == 1, f"a 422 will not change on a retry: expected 1 attempt, the journal shows {len(calls)}"
    assert api.orders() == []


def test_a_bad_token_is_unauthorized_after_one_attempt(api):
    client = ApiClient(auth=StaticToken("not-a-token"))
    expect(Unauthorized, lambda: client.get_product(1), "a call with a bad token (a 401)")
    assert len(api.journal("/v1/products/{id}")) == 1
