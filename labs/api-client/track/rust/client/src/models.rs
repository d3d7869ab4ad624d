//! Typed models of the API's JSON (exercise 1).

use serde_json::Value;

use crate::errors::ApiError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: u64,
    pub name: String,
    pub price_cents: u64,
    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC), as the API sends it.
    pub updated_at: String,
}

impl Product {
    /// Builds a Product from one item of `GET /v1/products[/{id}]`, for example
    /// `{"id": 1, "name": "Keen Easel", "price_cents": 85418, "updated_at": "2026-06-03T08:01:18Z"}`.
    /// A missing or mistyped field is `ApiError::Decode` naming the field.
    pub fn from_json(value: &Value) -> Result<Product, ApiError> {
        // TODO(lab): exercise 1. Read each field (value.get("id").and_then(Value::as_u64), ...)
        // and return ApiError::Decode("product: `price_cents` is missing") and the like
        // when one is missing or has the wrong type.
        let _ = value;
        todo!("exercise 1: write Product::from_json in client/src/models.rs")
    }
}
