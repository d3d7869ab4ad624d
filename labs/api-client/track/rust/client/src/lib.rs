//! A resilient client for the practice API. See `exercises/` for what to build.
//!
//! Each exercise fills in one module; the request pipeline in [`api`] is given:
//!
//! ```text
//! ApiClient::request()               one logical call (stats.calls)
//!   retry::call_with_retries(..)     exercise 5: transient failures, backoff
//!     RateLimiter::call(..)          exercise 6: Retry-After and throttling
//!       send_authorized(..)          bearer token, one refresh on 401 (exercise 2)
//!         ApiClient::send(..)        exercise 1: one HTTP request with timeouts
//!     errors::error_for_response(..) exercise 4: typed errors
//! ```
//!
//! Until you write a piece, its starter passes the call straight through, so
//! earlier exercises keep working.

pub mod api;
pub mod auth;
pub mod config;
pub mod errors;
pub mod models;
pub mod orders;
pub mod pagination;
pub mod ratelimit;
pub mod retry;
pub mod sync_products;

pub use api::{ApiClient, Stats};
pub use auth::{ClientCredentials, StaticToken, TokenSource};
pub use errors::{ApiError, FieldError};
pub use models::Product;
pub use orders::Order;
pub use ratelimit::RateLimiter;
pub use retry::{RealSleeper, RetryPolicy, Sleeper};
