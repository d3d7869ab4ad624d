//! labforge: scaffold hands-on mini-project labs.
//!
//! `main.rs` parses the command line and calls [`main`]; everything else is
//! this library, one module per concept (see `docs/architecture.md`).

pub mod adr;
pub mod answers;
pub mod authoring;
pub mod cache;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod cohort;
pub mod commands;
pub mod error;
pub mod fsx;
pub mod gitrepo;
pub mod glob;
pub mod html;
pub mod labinfo;
pub mod lablock;
pub mod manifest;
pub mod parallel;
pub mod pathgate;
pub mod prompt;
pub mod render;
pub mod scaffold;
pub mod selftest;
pub mod solution;
pub mod source;
pub mod state;
pub mod template;
pub mod trust;
pub mod update;
pub mod version;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use error::{Error, Result, Status};

/// Entry point of the `labforge` binary.
pub fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    finish(commands::dispatch(cli))
}

/// Entry point of the `adr` binary (adr-tools compatible).
pub fn adr_main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    finish(commands::adr::run_adr_tools(args))
}

/// Prints an error the one way errors are printed, and maps to an exit code.
pub fn finish(result: Result<Status>) -> ExitCode {
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) => {
            let _ = std::io::stdout().flush();
            let _ = write!(std::io::stderr(), "{}", err.render());
            ExitCode::from(err.exit_code())
        }
    }
}
