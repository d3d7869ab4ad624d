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
    caller asks for an item on it. Use ``client.request("GET", path,
    params=...)``, which returns a requests.Response.
    """
    # TODO(lab): exercise 3. Loop: request the page, yield its items, follow
    # next_cursor until it is null. Never request the same cursor twice.
    raise NotImplementedError("TODO(lab): exercise 3, iter_items in client/pagination.py")
