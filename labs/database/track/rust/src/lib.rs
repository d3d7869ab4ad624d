//! The shop: a small store on SQLite, built up one exercise at a time.
//!
//! Modules you write: [`queries`] (exercise 4), [`credit`] (5),
//! [`migrate`] (7), [`report`] (8). Provided by the lab: [`db`] (connections
//! and building a fresh shop) and [`error`].

pub mod credit;
pub mod db;
pub mod error;
pub mod migrate;
pub mod queries;
pub mod report;

pub use error::{Error, Result};
