//! The command line, as clap derive types only. Each subcommand's arguments
//! live beside its implementation in `commands/`; this file only lists them.
//! Nothing below `commands/` sees a clap type.

use clap::{Parser, Subcommand};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "labforge",
    version,
    about = "Scaffold hands-on mini-project labs: exercises, checks, practice environments and ADRs",
    long_about = "labforge scaffolds hands-on mini-project labs: starter code with marked exercises, tests, \
an offline practice environment, a README that teaches, and architecture decision records (ADRs) to fill in.\n\n\
Start with `labforge list`, then `labforge new api-client my-lab --track python --defaults`
(`--track rust` for Rust; without `--defaults` it asks for each answer).",
    after_help = "Exit codes: 0 success, 1 the answer is no (checks failed, lint findings, conflicts), 2 could not do it."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// `defer`: a subcommand's arguments are built only when it is the one
/// run (or for help, completions and man pages, which build them all), so
/// `labforge new` does not pay for the other commands' options at start-up.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub(crate) enum Command {
    /// Generate a new lab (or project) from a built-in lab or a template
    New(commands::new::NewArgs),
    /// List built-in and catalog labs
    List(commands::list::ListArgs),
    /// Describe a lab: summary, tracks, variables, exercises, ADR stubs
    Show(commands::show::ShowArgs),
    /// Run the lab's setup commands for its track (venv, dependencies, build)
    Setup(commands::check::SetupArgs),
    /// Check your work on the current exercise (or one, or all)
    Check(commands::check::CheckArgs),
    /// Reveal the next hint of an exercise
    Hint(commands::check::HintArgs),
    /// Move on to the next exercise and show what it asks
    Next(commands::check::NextArgs),
    /// Show your progress: exercise, state, hints used
    Status(commands::check::StatusArgs),
    /// Restore an exercise's starter files (your files are backed up first)
    Reset(commands::check::ResetArgs),
    /// Show the reference solution of an exercise you have passed
    Solution(commands::check::SolutionArgs),
    /// Restore protected files (tests, practice servers) to their pristine copies
    Restore(commands::check::RestoreArgs),
    /// Bring the lab up to a newer template version, keeping your edits
    Update(commands::update::UpdateArgs),
    /// Take back the last reset, restore or update from its backup (--list shows the backups)
    Undo(commands::undo::UndoArgs),
    /// Write and manage architecture decision records (adr-tools compatible, plus MADR 4)
    #[command(disable_help_subcommand = true)]
    Adr(commands::adr::AdrArgs),
    /// Author lab templates: init, lint, test, pack
    #[command(subcommand)]
    Template(commands::template::TemplateCommand),
    /// Manage team catalogs of labs
    #[command(subcommand)]
    Catalog(commands::catalog::CatalogCommand),
    /// A mentor's view of a cohort: sync learners' labs, grade them by re-running the checks, report
    #[command(subcommand)]
    Cohort(commands::cohort::CohortCommand),
    /// Print a shell completion script
    Completions(commands::completions::CompletionsArgs),
    /// Write the man pages (labforge.1 and one per subcommand)
    Man(commands::completions::ManArgs),
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks, on every (deferred) subcommand.
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
