"""Typed models of the API's JSON (exercise 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    price_cents: int
    updated_at: datetime  # timezone-aware (UTC)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Product":
        """Builds a Product from one item of ``GET /v1/products[/{id}]``,
        for example ``{"id": 1, "name": "Keen Easel", "price_cents": 85418,
        "updated_at": "2026-06-03T08:01:18Z"}``.

        Raises KeyError / ValueError / TypeError on a malformed item.
        """
        # TODO(lab): exercise 1. Convert each field; `updated_at` becomes a
        # timezone-aware datetime (datetime.fromisoformat accepts "+00:00").
        raise NotImplementedError("TODO(lab): exercise 1, Product.from_json in client/models.py")
