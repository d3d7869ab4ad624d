//! `labforge completions SHELL` and `labforge man`: generated from the clap
//! definitions, so they never drift from the real command line.

use std::path::PathBuf;

use clap::Args;

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::{Error, Result, Status};
use crate::fsx;

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

pub fn completions(args: CompletionsArgs) -> Result<Status> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "labforge", &mut out);
    write_stdout(&out)
}

/// Without `--out`, prints `labforge.1` on stdout; with it, writes
/// `labforge.1` and one page per subcommand (`labforge-new.1`,
/// `labforge-adr-lint.1`, …) there, and the `adr` executable's pages
/// (`adr.1`, `adr-new.1`, …).
pub fn man(args: ManArgs) -> Result<Status> {
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
            eprintln!(
                "Wrote {count} man pages into `{}` (try `man {}/labforge.1`).",
                dir.display(),
                dir.display()
            );
            Ok(Status::Success)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Result<Status> {
    std::io::stdout()
        .write_all(bytes)
        .map_err(|e| Error::new(format!("could not write to stdout: {e}")))?;
    Ok(Status::Success)
}
