//! The notes service: a small HTTP API built to run on a machine you do not sit at.
//!
//! One module per exercise: [`health`] (1), [`config`] (2), [`notes`] (3),
//! [`observability`] (4), [`lifecycle`] (5). [`server`] is the HTTP plumbing
//! (template code) that wires them together.

pub mod config;
pub mod health;
pub mod lifecycle;
pub mod notes;
pub mod observability;
pub mod server;
pub mod util;
