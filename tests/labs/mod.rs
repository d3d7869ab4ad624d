//! Integration tests: labs.

mod conformance;
