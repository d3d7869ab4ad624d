//! Cursor pagination (exercise 3).

use std::collections::VecDeque;

use serde_json::Value;

use crate::api::ApiClient;
use crate::errors::ApiError;

/// Every item of a paginated list endpoint, one page at a time.
pub fn iter_items<'a>(client: &'a ApiClient, path: &str, limit: u32) -> Items<'a> {
    Items {
        client,
        path: path.to_string(),
        limit,
        buffer: VecDeque::new(),
        cursor: None,
        finished: false,
    }
}

/// Sends `GET path?limit=N`, then `?limit=N&cursor=<next_cursor>` until
/// `next_cursor` is null. Lazy: a page is fetched only when the caller asks for
/// an item on it. After an error, the iterator ends.
pub struct Items<'a> {
    client: &'a ApiClient,
    path: String,
    limit: u32,
    /// Items of the current page not yet handed out.
    buffer: VecDeque<Value>,
    /// The cursor of the next page (`None` before the first page).
    cursor: Option<String>,
    /// No page left to fetch.
    finished: bool,
}

impl Iterator for Items<'_> {
    type Item = Result<Value, ApiError>;

    fn next(&mut self) -> Option<Self::Item> {
        // TODO(lab): exercise 3. While the buffer is empty and pages are left, fetch
        // the next page: self.client.get(&self.path, &[("limit", ..), ("cursor", ..)]),
        // push its `data` items into self.buffer, and keep `next_cursor` (null: finished).
        // Then hand out one item. Never request the same cursor twice; after an
        // error, return it once and end.
        let _ = (
            self.client,
            &self.path,
            self.limit,
            &mut self.buffer,
            &mut self.cursor,
            &mut self.finished,
        );
        todo!("exercise 3: write Items::next in client/src/pagination.rs")
    }
}
