//! `labforge adr …` and the `adr` executable: both hand their raw arguments to
//! the adr-tools compatible parser in `crate::adr`.

use std::ffi::OsString;

use clap::Args;

use crate::error::{Result, Status};

#[derive(Debug, Args)]
pub struct AdrArgs {
    /// adr-tools arguments: init, new, link, list, generate, upgrade-repository, status, lint, renumber, help
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<OsString>,
}

pub fn run(args: AdrArgs) -> Result<Status> {
    run_adr_tools(args.args)
}

/// Runs adr-tools style arguments (without the program name).
pub fn run_adr_tools(_args: Vec<OsString>) -> Result<Status> {
    Err(super::not_built("adr"))
}
