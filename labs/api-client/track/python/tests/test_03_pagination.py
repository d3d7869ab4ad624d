"""Exercise 3: paginate. See exercises/03-pagination.md."""

from itertools import islice

from client.api import ApiClient
from client.auth import StaticToken
from client.pagination import iter_items
from conftest import query

LIST = "/v1/products"


def test_all_137_products_arrive_once(api):
    client = ApiClient(auth=StaticToken(api.token()))
    ids = [p.id for p in client.iter_products(limit=10)]
    assert len(ids) == 137 and len(set(ids)) == 137, (
        f"expected 137 distinct products, got {len(ids)} items ({len(set(ids))} distinct): "
        "follow next_cursor until it is null"
    )
    assert ids == sorted(ids), "keep the server's order"


def test_fourteen_list_calls_with_no_cursor_repeated(api):
    client = ApiClient(auth=StaticToken(api.token()))
    list(client.iter_products(limit=10))
    calls = api.journal(LIST)
    queries = [query(c) for c in calls]
    assert len(calls) == 14, f"137 products at 10 a page take 14 list calls; the journal shows {len(calls)}"
    assert all(q.get("limit") == "10" for q in queries), f"send limit=10 on every page: {[c['query'] for c in calls]}"
    assert "cursor" not in queries[0], "the first page has no cursor"
    cursors = [q.get("cursor") for q in queries[1:]]
    assert None not in cursors, "every page after the first passes ?cursor=<next_cursor>"
    assert len(set(cursors)) == len(cursors), f"a cursor was requested twice: {cursors}"


def test_pages_are_fetched_lazily(api):
    client = ApiClient(auth=StaticToken(api.token()))
    first = list(islice(client.iter_products(limit=10), 5))
    assert len(first) == 5
    calls = api.journal(LIST)
    assert len(calls) == 1, f"taking 5 items must fetch only the first page; the journal shows {len(calls)} list calls (yield, do not collect)"


def test_iter_items_passes_the_page_size(api):
    client = ApiClient(auth=StaticToken(api.token()))
    items = list(iter_items(client, LIST, limit=50))
    assert len(items) == 137 and isinstance(items[0], dict), "iter_items yields the raw JSON items"
    assert [query(c).get("limit") for c in api.journal(LIST)] == ["50", "50", "50"]


def test_a_repeated_cursor_is_never_requested_again(api):
    # Scenario repeat-cursor: the page after a cursor names that same cursor
    # again, a server bug that would make a naive loop run forever.
    api.scenario("repeat-cursor")
    client = ApiClient(auth=StaticToken(api.token()))
    items = []
    try:
        for item in islice(iter_items(client, LIST, limit=10), 100):
            items.append(item)
    except Exception:  # stopping with an error is fine; looping is not
        pass
    cursors = [query(c).get("cursor") for c in api.journal(LIST)[1:]]
    assert len(set(cursors)) == len(cursors), (
        f"the server handed out the same next_cursor twice and the client requested it again: {cursors}; "
        "remember the cursors you sent and stop when one comes back"
    )
    assert len(items) <= 20, f"the scan must stop at the repeated cursor, it yielded {len(items)} items"
