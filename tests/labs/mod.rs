//! Integration tests: labs.
