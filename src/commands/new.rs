//! `labforge new LAB [DEST]`: generate a lab from a built-in id, a folder, or
//! (see `source`) a git repository, tarball or catalog entry.

use std::path::PathBuf;

use clap::Args;

use crate::error::{Result, Status};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// A built-in lab id (see `labforge list`), a lab template folder, a git or tarball URL, or CATALOG/LAB
    pub lab: String,
    /// The folder to create (default: the lab id)
    pub dest: Option<PathBuf>,
    /// The track to generate (for example python or rust)
    #[arg(long)]
    pub track: Option<String>,
    /// Answer a variable (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Read answers from a TOML file
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Use the default of every variable not answered otherwise
    #[arg(long)]
    pub defaults: bool,
    /// Print what would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not make the new lab a git repository
    #[arg(long)]
    pub no_git: bool,
    /// Use only the cache for remote sources
    #[arg(long)]
    pub offline: bool,
    /// Fetch remote sources again even when cached
    #[arg(long)]
    pub refresh: bool,
    /// Run commands of a lab that is not built in without asking
    #[arg(long)]
    pub trust: bool,
}

pub fn run(_args: NewArgs) -> Result<Status> {
    Err(super::not_built("labforge new"))
}
