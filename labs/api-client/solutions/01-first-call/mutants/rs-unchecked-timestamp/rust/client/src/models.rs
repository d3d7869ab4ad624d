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
        let field = |name: &str| {
            value
                .get(name)
                .ok_or_else(|| ApiError::Decode(format!("product: `{name}` is missing")))
        };
        let uint = |name: &str| {
            field(name)?.as_u64().ok_or_else(|| {
                ApiError::Decode(format!("product: `{name}` is not a non-negative integer"))
            })
        };
        let string = |name: &str| {
            field(name)?
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| ApiError::Decode(format!("product: `{name}` is not a string")))
        };
        let updated_at = string("updated_at")?;
        if updated_at.is_empty() {
            return Err(ApiError::Decode(format!(
                "product: `updated_at` is not YYYY-MM-DDTHH:MM:SSZ: {updated_at:?}"
            )));
        }
        Ok(Product {
            id: uint("id")?,
            name: string("name")?,
            price_cents: uint("price_cents")?,
            updated_at,
        })
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn is_utc_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}
