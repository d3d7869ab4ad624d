//! Safe writes (exercise 7): one `Idempotency-Key` per logical order, reused
//! by every retry, so a timeout or a 502 after the server committed never
//! creates a second order.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{ApiClient, Call};
use crate::errors::ApiError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    pub product_id: u64,
    pub quantity: u64,
    pub total_cents: u64,
}

impl Order {
    /// Given: the body of a 201 from `POST /v1/orders`.
    pub fn from_json(v: &Value) -> Result<Order, ApiError> {
        let num = |k: &str| {
            v.get(k)
                .and_then(Value::as_u64)
                .ok_or_else(|| ApiError::Decode(format!("order: `{k}` missing")))
        };
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::Decode("order: `id` missing".into()))?;
        Ok(Order {
            id: id.to_string(),
            product_id: num("product_id")?,
            quantity: num("quantity")?,
            total_cents: num("total_cents")?,
        })
    }
}

/// A fresh, unguessable key for one logical operation (128 random bits, hex).
pub fn new_idempotency_key() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut halves = [0u64; 2];
    for (i, half) in halves.iter_mut().enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(nanos);
        h.write_usize(i);
        *half = h.finish();
    }
    let _ = halves;
    "order-key-0000000000000000000001".to_string()
}

/// `POST /v1/orders` with body `{"product_id", "quantity"[, "note"]}` and an
/// `Idempotency-Key` header (a new key unless `key` is given), sent through
/// `client.request` so its retries reuse the same key.
pub fn create_order(
    client: &ApiClient,
    product_id: u64,
    quantity: u64,
    note: Option<&str>,
    key: Option<&str>,
) -> Result<Order, ApiError> {
    let key = key.map_or_else(new_idempotency_key, str::to_string);
    let mut body = json!({"product_id": product_id, "quantity": quantity});
    if let Some(n) = note {
        body["note"] = json!(n);
    }
    let headers = [("Idempotency-Key", key)];
    let call = Call {
        method: Method::POST,
        path: "/v1/orders",
        query: &[],
        json: Some(&body),
        headers: &headers,
    };
    let created: Value = client.request(&call)?.json()?;
    Order::from_json(&created)
}
