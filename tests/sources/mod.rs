//! Integration tests: sources.
