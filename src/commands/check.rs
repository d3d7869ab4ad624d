//! Learner commands: `setup`, `check`, `hint`, `next`, `status`, `reset`,
//! `solution`, `restore`.

use clap::Args;

use crate::error::{Result, Status};

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Run the commands of a lab that is not built in without asking
    #[arg(long)]
    pub trust: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exercise to check (default: the current one)
    pub exercise: Option<String>,
    /// Check every exercise (and rebuild progress from the results)
    #[arg(long, conflicts_with = "exercise")]
    pub all: bool,
    /// Print results as JSON on stdout (also written to .labforge/results.json)
    #[arg(long)]
    pub json: bool,
    /// Re-run whenever a file changes
    #[arg(long)]
    pub watch: bool,
    /// Run the commands of a lab that is not built in without asking
    #[arg(long)]
    pub trust: bool,
}

#[derive(Debug, Args)]
pub struct HintArgs {
    /// The exercise (default: the current one)
    pub exercise: Option<String>,
}

#[derive(Debug, Args)]
pub struct NextArgs {}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The exercise whose starter files to restore
    pub exercise: String,
}

#[derive(Debug, Args)]
pub struct SolutionArgs {
    /// The exercise
    pub exercise: String,
    /// Show it even though the exercise does not pass yet
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// What to restore: `tests` (every template-owned file) or a path
    #[arg(default_value = "tests")]
    pub what: String,
}

pub fn setup(_a: SetupArgs) -> Result<Status> {
    Err(super::not_built("labforge setup"))
}
pub fn check(_a: CheckArgs) -> Result<Status> {
    Err(super::not_built("labforge check"))
}
pub fn hint(_a: HintArgs) -> Result<Status> {
    Err(super::not_built("labforge hint"))
}
pub fn next(_a: NextArgs) -> Result<Status> {
    Err(super::not_built("labforge next"))
}
pub fn status(_a: StatusArgs) -> Result<Status> {
    Err(super::not_built("labforge status"))
}
pub fn reset(_a: ResetArgs) -> Result<Status> {
    Err(super::not_built("labforge reset"))
}
pub fn solution(_a: SolutionArgs) -> Result<Status> {
    Err(super::not_built("labforge solution"))
}
pub fn restore(_a: RestoreArgs) -> Result<Status> {
    Err(super::not_built("labforge restore"))
}
