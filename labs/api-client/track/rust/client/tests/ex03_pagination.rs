//! Exercise 3: paginate. See exercises/03-pagination.md.

mod common;

use std::collections::HashSet;

use client::pagination::iter_items;
use common::{lab, query};

const LIST: &str = "/v1/products";

#[test]
fn all_137_products_arrive_once() {
    let lab = lab();
    let client = lab.client();
    let ids: Vec<u64> = client
        .iter_products(10)
        .map(|p| p.expect("product").id)
        .collect();
    let distinct: HashSet<_> = ids.iter().collect();
    assert!(
        ids.len() == 137 && distinct.len() == 137,
        "expected 137 distinct products, got {} items ({} distinct): follow next_cursor until it is null",
        ids.len(),
        distinct.len()
    );
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "keep the server's order"
    );
}

#[test]
fn fourteen_list_calls_with_no_cursor_repeated() {
    let lab = lab();
    let client = lab.client();
    assert_eq!(client.iter_products(10).count(), 137);
    let calls = lab.journal(Some(LIST));
    let queries: Vec<_> = calls.iter().map(query).collect();
    assert_eq!(
        calls.len(),
        14,
        "137 products at 10 a page take 14 list calls; the journal shows {}",
        calls.len()
    );
    assert!(
        queries
            .iter()
            .all(|q| q.get("limit").map(String::as_str) == Some("10")),
        "send limit=10 on every page: {:?}",
        calls.iter().map(|c| &c.query).collect::<Vec<_>>()
    );
    assert!(
        !queries[0].contains_key("cursor"),
        "the first page has no cursor"
    );
    let cursors: Vec<_> = queries[1..]
        .iter()
        .map(|q| q.get("cursor").cloned())
        .collect();
    assert!(
        cursors.iter().all(Option::is_some),
        "every page after the first passes ?cursor=<next_cursor>"
    );
    let distinct: HashSet<_> = cursors.iter().collect();
    assert_eq!(
        distinct.len(),
        cursors.len(),
        "a cursor was requested twice: {cursors:?}"
    );
}

#[test]
fn pages_are_fetched_lazily() {
    let lab = lab();
    let client = lab.client();
    let first: Vec<_> = client.iter_products(10).take(5).collect();
    assert_eq!(first.len(), 5);
    let calls = lab.journal(Some(LIST)).len();
    assert_eq!(
        calls, 1,
        "taking 5 items must fetch only the first page; the journal shows {calls} list calls (fetch a page when it is needed)"
    );
}

#[test]
fn iter_items_passes_the_page_size() {
    let lab = lab();
    let client = lab.client();
    let items: Vec<_> = iter_items(&client, LIST, 50)
        .collect::<Result<_, _>>()
        .expect("items");
    assert!(
        items.len() == 137 && items[0].is_object(),
        "iter_items yields the raw JSON items"
    );
    let limits: Vec<_> = lab
        .journal(Some(LIST))
        .iter()
        .map(|c| query(c).get("limit").cloned().unwrap_or_default())
        .collect();
    assert_eq!(limits, ["50", "50", "50"]);
}

#[test]
fn a_repeated_cursor_is_never_requested_again() {
    // Scenario repeat-cursor: the page after a cursor names that same cursor
    // again, a server bug that would make a naive loop run forever.
    let lab = lab();
    lab.scenario("repeat-cursor");
    let client = lab.client();
    let items = iter_items(&client, LIST, 10)
        .take(100)
        .take_while(Result::is_ok)
        .count();
    let cursors: Vec<_> = lab.journal(Some(LIST))[1..]
        .iter()
        .map(|c| query(c).get("cursor").cloned())
        .collect();
    let distinct: HashSet<_> = cursors.iter().collect();
    assert_eq!(
        distinct.len(),
        cursors.len(),
        "the server handed out the same next_cursor twice and the client requested it again: {cursors:?}; remember the cursors you sent and stop when one comes back"
    );
    assert!(
        items <= 20,
        "the scan must stop at the repeated cursor, it yielded {items} items"
    );
}
