//! Integration tests: adr.
