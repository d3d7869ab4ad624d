//! `labforge template init|lint|test|pack`: tools for lab authors.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::error::{Result, Status};

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Create a working skeleton lab: one exercise, one check, one ADR stub, a solution
    Init(InitArgs),
    /// Check a lab template without running anything
    Lint(LintArgs),
    /// Prove a lab works: every check fails on the starter and passes with the solutions
    Test(TestArgs),
    /// Pack a lab template into a reproducible tarball and print its sha256
    Pack(PackArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create
    pub dir: PathBuf,
    /// The lab id (default: the folder name)
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The lab template (folder, built-in id or source)
    pub lab: String,
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The lab template (folder, built-in id or source)
    pub lab: String,
    /// Test only this track
    #[arg(long)]
    pub track: Option<String>,
    /// Write the expected CSVs of `sql` checks from the reference solution
    #[arg(long)]
    pub bless: bool,
    /// Keep the rendered folders for inspection
    #[arg(long)]
    pub keep: bool,
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Run commands of a lab that is not built in without asking
    #[arg(long)]
    pub trust: bool,
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// The lab template folder
    pub dir: PathBuf,
    /// Where to write the tarball (default: ID-VERSION.tar.gz)
    #[arg(short, long)]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: TemplateCommand) -> Result<Status> {
    match cmd {
        TemplateCommand::Init(_) => Err(super::not_built("labforge template init")),
        TemplateCommand::Lint(_) => Err(super::not_built("labforge template lint")),
        TemplateCommand::Test(_) => Err(super::not_built("labforge template test")),
        TemplateCommand::Pack(_) => Err(super::not_built("labforge template pack")),
    }
}
