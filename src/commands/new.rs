//! `labforge new LAB [DEST]`: generate a lab from a built-in id, a folder, or
//! (see `source`) a git repository, tarball or catalog entry.

use std::path::PathBuf;

use clap::Args;

use crate::answers::{self, Given, Mode};
use crate::error::{Result, Status};
use crate::render::paths;
use crate::scaffold::{self, Generated, NewOptions};
use crate::source::{self, FetchOptions};
use crate::template::{Entry, Lab};

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// A built-in lab id (see `labforge list`), a lab template folder, a git or tarball URL, or CATALOG/LAB
    #[arg(add = clap_complete::ArgValueCompleter::new(super::completions::lab_completer))]
    pub(crate) lab: String,
    /// The folder to create (default: the `project_name` answer if the lab asks for one, else the lab id)
    pub(crate) dest: Option<PathBuf>,
    /// The track to generate (for example python or rust)
    #[arg(long)]
    pub(crate) track: Option<String>,
    /// Answer a variable (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub(crate) set: Vec<String>,
    /// Read answers from a TOML file
    #[arg(long, value_name = "FILE")]
    pub(crate) answers: Option<PathBuf>,
    /// Use the default of every variable not answered otherwise
    #[arg(long)]
    pub(crate) defaults: bool,
    /// Print what would be written, and write nothing
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Do not make the new lab a git repository
    #[arg(long)]
    pub(crate) no_git: bool,
    /// Use only the cache for remote sources
    #[arg(long)]
    pub(crate) offline: bool,
    /// Fetch remote sources again even when cached
    #[arg(long)]
    pub(crate) refresh: bool,
    /// Trust this lab's commands now, so `setup` and `check` run them without asking (remembered for this source at exactly this commit or archive)
    #[arg(long, conflicts_with = "dry_run")]
    pub(crate) trust: bool,
}

pub(crate) fn run(args: NewArgs) -> Result<Status> {
    let fetch = FetchOptions {
        offline: args.offline,
        refresh: args.refresh,
    };
    let mut lab = source::load(&args.lab, &fetch)?;
    let mut given = Given {
        track: args.track.clone(),
        ..Given::default()
    };
    given.add_sets(&args.set)?;
    if let Some(file) = &args.answers {
        given.add_file(file)?;
    }
    let resolved = answers::resolve(&lab, &given, Mode::detect(args.defaults))?;
    let dest = args
        .dest
        .clone()
        .unwrap_or_else(|| default_dest(&lab, &resolved.answers));
    let opts = NewOptions {
        dest,
        track: resolved.track,
        answers: resolved.answers,
        git: !args.no_git,
        dry_run: args.dry_run,
    };
    // The template's files move into the project: `lab` keeps its manifest
    // and origin (all that is used below), not its file contents.
    let generated = scaffold::generate_taking(&mut lab, &opts)?;
    if args.trust && !args.dry_run {
        crate::trust::record(&crate::trust::Subject::of(&lab.origin))?;
    }
    if args.dry_run {
        print_plan(&generated)?;
    } else {
        print_summary(&lab, &opts, &generated);
    }
    Ok(Status::Success)
}

/// The folder made when DEST is not given: the `project_name` answer when
/// the lab asks for one (and it is a plain name), else the lab id.
fn default_dest(lab: &Lab, answers: &toml::Table) -> PathBuf {
    match answers.get("project_name").and_then(toml::Value::as_str) {
        Some(name) if paths::check_component(name).is_ok() => PathBuf::from(name),
        _ => PathBuf::from(lab.manifest.id()),
    }
}

/// `--dry-run`: one line per file on stdout (size, path), then a total.
fn print_plan(g: &Generated) -> Result<()> {
    let mut out = String::new();
    let mut total = 0usize;
    for (path, entry) in &g.entries {
        match entry {
            Entry::File { bytes, executable } => {
                total += bytes.len();
                let mode = if *executable { " (executable)" } else { "" };
                out.push_str(&format!("{:>9}  {path}{mode}\n", bytes.len()));
            }
            Entry::Symlink(t) => out.push_str(&format!("{:>9}  {path} -> {t}\n", "link")),
        }
    }
    out.push_str(&format!(
        "{} files, {total} bytes, into {} (dry run: nothing written)\n",
        g.entries.len(),
        g.dest.display()
    ));
    crate::out::print_bytes(out.as_bytes())
}

fn print_summary(lab: &Lab, opts: &NewOptions, g: &Generated) {
    let m = &lab.manifest;
    let track = opts
        .track
        .as_deref()
        .map(|t| format!(", track {t}"))
        .unwrap_or_default();
    let git = if g.commit.is_some() {
        ", git repository with one commit"
    } else {
        ""
    };
    let mut msg = format!(
        "Created `{}` from {} {}{track}: {} files{git}.\n\nNext steps:\n  cd {}\n",
        g.dest.display(),
        m.id(),
        m.version(),
        g.entries.len(),
        g.dest.display()
    );
    if let Some(t) = opts.track.as_deref().and_then(|t| m.track.get(t)) {
        for cmd in &t.setup {
            msg.push_str(&format!("  {cmd}\n"));
        }
    }
    if m.exercises().next().is_some() {
        msg.push_str("  labforge check\n");
    }
    crate::eout!("{msg}");
}
