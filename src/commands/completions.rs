//! `labforge completions SHELL` and `labforge man`: generated from the clap
//! definitions, so they never drift from the real command line.

use std::path::PathBuf;

use clap::Args;

use crate::error::{Result, Status};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write the man pages to (default: print labforge.1 on stdout)
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn completions(_args: CompletionsArgs) -> Result<Status> {
    Err(super::not_built("labforge completions"))
}

pub fn man(_args: ManArgs) -> Result<Status> {
    Err(super::not_built("labforge man"))
}
