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

impl Items<'_> {
    fn fetch_page(&mut self) -> Result<(), ApiError> {
        let mut query = vec![("limit", self.limit.to_string())];
        if let Some(c) = &self.cursor {
            query.push(("cursor", c.clone()));
        }
        let page: Value = self.client.get(&self.path, &query)?.json()?;
        let data = page
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::Decode("page without `data` list".into()))?;
        self.buffer.extend(data.iter().cloned());
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(next) if Some(next) != self.cursor.as_deref() => {
                self.cursor = Some(next.to_string())
            }
            _ => self.finished = true,
        }
        Ok(())
    }
}

impl Iterator for Items<'_> {
    type Item = Result<Value, ApiError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            if let Err(e) = self.fetch_page() {
                self.finished = true;
                return Some(Err(e));
            }
        }
        self.buffer.pop_front().map(Ok)
    }
}
