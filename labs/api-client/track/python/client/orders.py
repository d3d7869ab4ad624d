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
    """A fresh, unguessable key for one logical operation (uuid4 is fine)."""
    # TODO(lab): exercise 7.
    raise NotImplementedError("TODO(lab): exercise 7, new_idempotency_key in client/orders.py")


def create_order(client: "ApiClient", product_id: int, quantity: int, *, note: str | None = None, key: str | None = None) -> Order:
    """``POST /v1/orders`` with body ``{"product_id", "quantity"[, "note"]}``
    and an ``Idempotency-Key`` header (a new key unless `key` is given), sent
    through ``client.request`` so its retries reuse the same key. Returns
    the created Order (``Order.from_json``)."""
    # TODO(lab): exercise 7.
    raise NotImplementedError("TODO(lab): exercise 7, create_order in client/orders.py")
