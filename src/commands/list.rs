//! `labforge list`: built-in and catalog labs.

use clap::Args;

use crate::error::{Result, Status};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: ListArgs) -> Result<Status> {
    Err(super::not_built("labforge list"))
}
