"""Cursor pagination (exercise 3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import ApiClient


def iter_items(client: "ApiClient", path: str, *, limit: int = 10, params: Mapping[str, Any] | None = None) -> Iterator[dict]:
    """Yields every item of a paginated list endpoint, one page at a time.

    Sends ``GET path?limit=N`` and then ``?limit=N&cursor=<next_cursor>``
    until ``next_cursor`` is null. Lazy: a page is fetched only when the
    caller asks for an item on it.
    """
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        query: dict[str, Any] = {**(params or {})}
        if cursor is not None:
            query["cursor"] = cursor
        else:
            query["limit"] = limit
        page = client.request("GET", path, params=query).json()
        yield from page["data"]
        cursor = page.get("next_cursor")
        if not cursor:
            return
        if cursor in seen:
            raise RuntimeError(f"the server returned cursor {cursor!r} twice; stopping to avoid a loop")
        seen.add(cursor)
