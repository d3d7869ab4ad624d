//! Safe writes (exercise 7): one `Idempotency-Key` per logical order, reused
//! by every retry, so a timeout or a 502 after the server committed never
//! creates a second order.

use serde_json::Value;

use crate::api::ApiClient;
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

/// A fresh, unguessable key for one logical operation (at least 16 characters).
pub fn new_idempotency_key() -> String {
    // TODO(lab): exercise 7. No uuid crate here: std's RandomState gives random
    // hasher keys (see random_unit in retry.rs), hex-format 128 bits of them.
    todo!("exercise 7: write new_idempotency_key in client/src/orders.rs")
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
    // TODO(lab): exercise 7. Build the body with serde_json::json!, then
    // client.request(&Call { method: Method::POST, path: "/v1/orders", .. }) and
    // Order::from_json on the 201's body.
    let _ = (client, product_id, quantity, note, key);
    todo!("exercise 7: write create_order in client/src/orders.rs")
}
