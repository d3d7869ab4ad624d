//! `labforge show LAB`: what a lab contains.

use clap::Args;

use crate::error::{Result, Status};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A built-in lab id, a lab template folder, a git or tarball URL, or CATALOG/LAB
    pub lab: String,
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Use only the cache for remote sources
    #[arg(long)]
    pub offline: bool,
}

pub fn run(_args: ShowArgs) -> Result<Status> {
    Err(super::not_built("labforge show"))
}
