"""Exercise 7: safe writes. See exercises/07-safe-writes.md."""

import pytest

from client.api import ApiClient
from client.auth import StaticToken
from client.errors import ServerError, ValidationError
from client.orders import Order, create_order, new_idempotency_key


def test_keys_are_fresh_and_unguessable():
    keys = {new_idempotency_key() for _ in range(100)}
    assert len(keys) == 100, "every call must return a new key"
    assert all(isinstance(k, str) and len(k) >= 16 for k in keys), "use a long random key, such as str(uuid.uuid4())"


def test_an_order_is_created_with_a_key(api):
    client = ApiClient(auth=StaticToken(api.token()))
    order = create_order(client, product_id=3, quantity=2)
    assert isinstance(order, Order) and order.product_id == 3 and order.quantity == 2
    posts = api.journal("/v1/orders")
    assert len(posts) == 1 and posts[0]["status"] == 201
    assert posts[0]["idempotency_key"], "send an Idempotency-Key header with every order"


def test_two_orders_get_two_keys(api):
    client = ApiClient(auth=StaticToken(api.token()))
    a = create_order(client, 1, 1)
    b = create_order(client, 1, 1)
    assert a.id != b.id, "two logical orders are two orders"
    keys = [p["idempotency_key"] for p in api.journal("/v1/orders")]
    assert len(set(keys)) == 2, f"each logical order needs its own key, got {keys}"


def test_a_given_key_is_used(api):
    client = ApiClient(auth=StaticToken(api.token()))
    a = create_order(client, 2, 1, key="order-from-cart-77")
    b = create_order(client, 2, 1, key="order-from-cart-77")
    assert a == b, "repeating a key returns the first result"
    assert len(api.orders()) == 1


def test_an_ambiguous_failure_creates_exactly_one_order(api, clock):
    api.scenario("ambiguous-write")  # the first POST with a new key commits, then answers 502
    client = ApiClient(auth=StaticToken(api.token()), sleep=clock.sleep, clock=clock.now)
    try:
        order = create_order(client, product_id=5, quantity=3, note="gift")
    except ServerError as err:
        raise AssertionError(
            f"create_order raised {err!r}: a POST that carries an Idempotency-Key is safe to repeat, "
            "so the retry loop of exercise 5 must retry its 502 (see is_idempotent)"
        ) from err
    orders = api.orders()
    assert len(orders) == 1, f"/__admin/orders shows {len(orders)} orders for one logical order: reuse the key on the retry"
    assert order.id == orders[0]["id"], "the retry must return the order the first attempt created"
    posts = api.journal("/v1/orders")
    assert [p["status"] for p in posts] == [502, 201], f"expected a 502 then the replayed 201, got {[p['status'] for p in posts]}"
    assert posts[0]["idempotency_key"] == posts[1]["idempotency_key"], "the retry must send the same Idempotency-Key"


def test_an_invalid_order_is_not_created(api):
    client = ApiClient(auth=StaticToken(api.token()))
    with pytest.raises(ValidationError):
        create_order(client, product_id=1, quantity=0)
    assert api.orders() == []
