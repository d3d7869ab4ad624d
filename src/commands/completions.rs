//! `labforge completions SHELL` and `labforge man`: generated from the clap
//! definitions, so they never drift from the real command line.
//!
//! Completions are dynamic (clap_complete's `CompleteEnv`): the script the
//! shell sources calls `COMPLETE=SHELL labforge …` back on each Tab, so lab
//! ids (built-in and catalog labs) and the exercise ids of the lab in the
//! current folder complete too. The candidate functions are below.

use std::path::PathBuf;

use clap::Args;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result, Status};
use crate::fsx;

#[derive(Debug, Args)]
#[command(
    after_help = "Install (completes commands, options, lab ids and the exercise ids of the lab you are in):
  bash:  echo 'source <(labforge completions bash)' >> ~/.bashrc
  zsh:   echo 'source <(labforge completions zsh)' >> ~/.zshrc
  fish:  echo 'labforge completions fish | source' >> ~/.config/fish/config.fish
Then open a new shell. The script calls labforge back on each Tab, so it stays current after an upgrade."
)]
pub(crate) struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Folder to write the man pages to (default: print labforge.1 on stdout)
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

pub(crate) fn completions(args: CompletionsArgs) -> Result<Status> {
    let name = args.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let shell = shells.completer(&name).ok_or_else(|| {
        Error::new(format!("no completion script for `{name}`"))
            .with_help("use bash, zsh, fish, elvish or powershell")
    })?;
    let mut out = Vec::new();
    shell
        .write_registration(COMPLETE_VAR, "labforge", "labforge", "labforge", &mut out)
        .map_err(|e| Error::new(format!("could not write the completion script: {e}")))?;
    write_stdout(&out)
}

/// The variable the completion script sets when it calls labforge back.
pub(crate) const COMPLETE_VAR: &str = "COMPLETE";

/// Answers a completion request (when `COMPLETE` is set) and exits;
/// otherwise returns and labforge runs as usual.
pub(crate) fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

/// What `new` and `show` take: lab ids starting with `current`, then
/// folders (a lab template on disk).
pub(crate) fn lab_completer(current: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    use clap_complete::engine::ValueCompleter;
    let typed = current.to_string_lossy();
    let mut out: Vec<_> = lab_candidates()
        .into_iter()
        .filter(|c| c.get_value().to_string_lossy().starts_with(typed.as_ref()))
        .collect();
    out.extend(clap_complete::engine::PathCompleter::dir().complete(current));
    out
}

/// Lab ids: the built-in labs, then catalog labs.
pub(crate) fn lab_candidates() -> Vec<clap_complete::CompletionCandidate> {
    let mut out: Vec<clap_complete::CompletionCandidate> = crate::template::builtin_ids()
        .into_iter()
        .map(clap_complete::CompletionCandidate::new)
        .collect();
    for lab in crate::catalog::catalog_labs().unwrap_or_default() {
        out.push(clap_complete::CompletionCandidate::new(lab.name).help(Some(lab.title.into())));
    }
    out
}

/// The exercise ids of the lab that holds the current folder, with their
/// titles (nothing outside a lab, and never the network).
pub(crate) fn exercise_candidates() -> Vec<clap_complete::CompletionCandidate> {
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let Some(state) = crate::state::State::find_root(&cwd)
        .and_then(|root| crate::state::State::load(&root))
        .ok()
    else {
        return Vec::new();
    };
    let offline = crate::source::FetchOptions {
        offline: true,
        ..Default::default()
    };
    let Ok(lab) = crate::source::load(&state.source, &offline) else {
        return Vec::new();
    };
    lab.manifest
        .exercises()
        .map(|e| clap_complete::CompletionCandidate::new(e.id()).help(Some(e.title.clone().into())))
        .collect()
}

/// Without `--out`, prints `labforge.1` on stdout; with it, writes
/// `labforge.1` and one page per subcommand (`labforge-new.1`,
/// `labforge-adr-lint.1`, …) there, and the `adr` executable's pages
/// (`adr.1`, `adr-new.1`, …).
pub(crate) fn man(args: ManArgs) -> Result<Status> {
    let cmd = Cli::command();
    match args.out {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(|e| Error::new(format!("could not render the man page: {e}")))?;
            write_stdout(&out)
        }
        Some(dir) => {
            fsx::create_dir_all(&dir)?;
            clap_mangen::generate_to(cmd, &dir)
                .map_err(|e| Error::io("write the man pages into", &dir, e))?;
            // The `adr` executable's own pages (adr.1, adr-new.1, …).
            clap_mangen::generate_to(crate::commands::adr::adr_command(), &dir)
                .map_err(|e| Error::io("write the man pages into", &dir, e))?;
            let count = fsx::read_dir_sorted(&dir)?
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "1"))
                .count();
            crate::eoutln!(
                "Wrote {count} man pages into `{}` (try `man {}/labforge.1`).",
                dir.display(),
                dir.display()
            );
            Ok(Status::Success)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Result<Status> {
    crate::out::print_bytes(bytes)?;
    Ok(Status::Success)
}
