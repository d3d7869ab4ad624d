//! Integration tests: update.
