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
        """Builds a Product from one item of ``GET /v1/products[/{id}]``.

        Raises KeyError / ValueError / TypeError on a malformed item.
        """
        updated = datetime.fromisoformat(str(data["updated_at"]).replace("Z", ""))
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            price_cents=int(data["price_cents"]),
            updated_at=updated,
        )
