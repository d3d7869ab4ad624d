//! The one integration-test binary: every test runs the real `labforge` (or
//! `adr`) binary on real folders. See `tests/README.md` for how to add a test.

// Tests may print notes on stderr; the library may not (clippy print_stderr).
#![allow(clippy::print_stderr)]

mod support;

mod adr;
mod check;
mod cohort;
mod engine;
mod format;
mod fuzz;
mod labs;
mod security;
mod signals;
mod site;
mod sources;
mod undo;
mod update;
mod ux;
