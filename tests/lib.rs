//! The one integration-test binary: every test runs the real `labforge` (or
//! `adr`) binary on real folders. See `tests/README.md` for how to add a test.

mod support;

mod adr;
mod check;
mod cohort;
mod engine;
mod format;
mod labs;
mod security;
mod site;
mod sources;
mod update;
