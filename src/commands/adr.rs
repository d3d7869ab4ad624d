//! `labforge adr …` and the `adr` executable: both hand their raw arguments to
//! the adr-tools compatible parser in `crate::adr::cli`, then call the
//! library and print: paths and generated text on stdout, notes on stderr.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::adr::cli::{self, AdrCommand};
use crate::adr::create::{self, read_record};
use crate::adr::help;
use crate::adr::lint::{self, Finding, LintOptions, Profile};
use crate::adr::parse::{self, Record};
use crate::adr::team::{self, LintConfig};
use std::collections::HashSet;
use crate::adr::repo::{RecordFile, Repo, find_in};
use crate::adr::{generate, integrity, status};
use crate::error::{Error, Result, Status};

#[derive(Debug, Args)]
pub struct AdrArgs {
    /// adr-tools arguments: init, new, link, list, generate, upgrade-repository, status, lint, renumber, help
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<OsString>,
}

pub fn run(args: AdrArgs) -> Result<Status> {
    run_adr_tools(args.args)
}

/// Runs adr-tools style arguments (without the program name).
pub fn run_adr_tools(args: Vec<OsString>) -> Result<Status> {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| {
            a.into_string().map_err(|a| {
                Error::new(format!(
                    "argument `{}` is not valid UTF-8",
                    a.to_string_lossy()
                ))
                .with_help("write titles and references as UTF-8 text")
            })
        })
        .collect::<Result<_>>()?;
    let no_args = args.is_empty();
    let command = cli::parse(&args)?;
    let cwd = std::env::current_dir()
        .map_err(|e| Error::io("read the current folder", &PathBuf::from("."), e))?;
    let locate = || Repo::locate(&cwd).map(Repo::relative_to_process);
    let mut out = std::io::stdout().lock();
    match command {
        AdrCommand::Help(None) => {
            print(&mut out, &help::help_overview())?;
            return Ok(if no_args { Status::No } else { Status::Success });
        }
        // adr-tools shows the overview for a command it does not know.
        AdrCommand::Help(Some(c)) => match help::help_text(&c) {
            Some(h) => print(&mut out, h)?,
            None => print(&mut out, &help::help_overview())?,
        },
        AdrCommand::Generators => print(&mut out, "toc\ngraph\nmermaid\n")?,
        AdrCommand::Init { dir, format } => {
            let path = create::init(&cwd, dir.as_deref(), format)?;
            print(&mut out, &format!("{}\n", path.display()))?;
        }
        AdrCommand::New(opts) => {
            if opts.title.trim().is_empty() {
                // adr-tools' text exactly, and nothing after it.
                print(&mut out, &format!("{}\n", cli::NO_TITLE))?;
                return Ok(Status::No);
            }
            let repo = locate()?;
            let path = create::new_record(&repo, &opts)?;
            create::edit(&cwd, &path)?;
            print(&mut out, &format!("{}\n", path.display()))?;
        }
        AdrCommand::Link {
            source,
            forward,
            target,
            reverse,
        } => {
            create::link(&locate()?, &source, &forward, &target, &reverse)?;
        }
        AdrCommand::List => {
            let repo = locate()?;
            if !repo.exists() {
                print(
                    &mut out,
                    &format!("The {} directory does not exist\n", repo.dir.display()),
                )?;
                return Ok(Status::No);
            }
            let mut s = String::new();
            for r in repo.records()? {
                s.push_str(&r.path.to_string_lossy());
                s.push('\n');
            }
            print(&mut out, &s)?;
        }
        AdrCommand::Toc(opts) => print(&mut out, &generate::toc(&locate()?, &opts)?)?,
        AdrCommand::Graph { opts, mermaid } => {
            let repo = locate()?;
            let text = if mermaid {
                generate::mermaid(&repo, &opts)?
            } else {
                generate::graph(&repo, &opts)?
            };
            print(&mut out, &text)?;
        }
        AdrCommand::Upgrade => status::upgrade(&locate()?)?,
        AdrCommand::Status {
            reference,
            new: None,
            ..
        } => {
            let s = status::get(&locate()?, &reference)?;
            print(&mut out, &format!("{s}\n"))?;
        }
        AdrCommand::Status {
            reference,
            new: Some(new),
            by,
        } => {
            let path = status::set(&locate()?, &reference, &new, by.as_deref())?;
            eprintln!("{}: status is now {}", path.display(), new.to_lowercase());
        }
        AdrCommand::Lint {
            refs,
            json,
            opts,
            profile,
        } => return run_lint(&locate()?, &refs, json, &opts, profile),
        AdrCommand::Renumber { reference, new } => {
            let path = status::renumber(&locate()?, &reference, new)?;
            print(&mut out, &format!("{}\n", path.display()))?;
        }
    }
    Ok(Status::Success)
}

fn print(out: &mut impl Write, s: &str) -> Result<()> {
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| Error::io("write to", &PathBuf::from("stdout"), e))
}

/// `adr lint`: every record (plus links and numbers across records) or the
/// named ones, in the learner or the team profile. Exit 1 when anything is
/// found.
fn run_lint(
    repo: &Repo,
    refs: &[String],
    json: bool,
    opts: &LintOptions,
    profile: Option<Profile>,
) -> Result<Status> {
    let profile = profile.unwrap_or(if repo.lab.is_some() {
        Profile::Learner
    } else {
        Profile::Team
    });
    let all = repo.records_or_missing()?;
    let cfg = LintConfig::load(&repo.abs(&repo.dir), &repo.dir)?;
    let chosen: Vec<RecordFile> = if refs.is_empty() {
        all.clone()
    } else {
        refs.iter()
            .map(|r| find_in(&all, r, &repo.dir))
            .collect::<Result<_>>()?
    };
    let is_chosen = |r: &RecordFile| refs.is_empty() || chosen.iter().any(|c| c.path == r.path);
    let mut findings: Vec<Finding> = Vec::new();
    let mut texts: Vec<(RecordFile, Option<String>)> = Vec::new();
    for r in &all {
        match read_record(repo, r) {
            Ok(text) => texts.push((r.clone(), Some(text))),
            Err(e) => {
                if is_chosen(r) {
                    findings.push(Finding {
                        file: r.path.clone(),
                        section: None,
                        code: "unreadable",
                        message: e.message.clone(),
                        hint: e
                            .help
                            .clone()
                            .unwrap_or_else(|| "make the file a readable UTF-8 text file".into()),
                        line: None,
                    });
                }
                texts.push((r.clone(), None));
            }
        }
    }
    let records = texts.iter().filter(|(r, _)| is_chosen(r)).count();
    match profile {
        Profile::Learner => {
            for (r, text) in &texts {
                let Some(text) = text.as_ref().filter(|_| is_chosen(r)) else {
                    continue;
                };
                // Inside a lab, a record an `adr` check names is linted
                // with that check's options, so both agree.
                let lab_opts = repo.lab.as_ref().and_then(|l| {
                    l.checks
                        .iter()
                        .find(|(name, _)| *name == r.file_name)
                        .map(|(_, o)| o)
                });
                let o = match lab_opts {
                    Some(lo) if *opts == LintOptions::default() => lo,
                    _ => opts,
                };
                findings.extend(lint::lint_text(text, &r.path, o));
            }
            if refs.is_empty() {
                findings.append(&mut integrity::check(&texts));
            }
        }
        Profile::Team => {
            let parsed: Vec<(PathBuf, Record)> = texts
                .iter()
                .filter_map(|(r, t)| Some((r.path.clone(), parse::parse(&r.file_name, t.as_ref()?))))
                .collect();
            let entries: Vec<team::Entry<'_>> = parsed
                .iter()
                .map(|(p, rec)| team::Entry { path: p, record: rec })
                .collect();
            let only: Option<HashSet<PathBuf>> =
                (!refs.is_empty()).then(|| chosen.iter().map(|c| c.path.clone()).collect());
            findings.extend(team::lint(&entries, &cfg, only.as_ref()));
        }
    }
    findings.retain(|f| cfg.enabled(f.code));
    findings.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then(a.line.unwrap_or(0).cmp(&b.line.unwrap_or(0)))
    });
    let mut out = std::io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(&findings)
            .map_err(|e| Error::new(format!("could not write JSON: {e}")))?;
        print(&mut out, &format!("{text}\n"))?;
    } else {
        let mut s = String::new();
        for f in &findings {
            let at = match f.line {
                Some(l) => format!("{}:{l}", f.file.display()),
                None => f.file.display().to_string(),
            };
            s.push_str(&format!(
                "{at}: {}: {}\n  hint: {}\n",
                f.code, f.message, f.hint
            ));
        }
        print(&mut out, &s)?;
    }
    let with: std::collections::BTreeSet<_> = findings.iter().map(|f| &f.file).collect();
    if findings.is_empty() {
        eprintln!("adr lint: {records} record(s), no findings");
        Ok(Status::Success)
    } else {
        eprintln!(
            "adr lint: {} finding(s) in {} of {records} record(s)",
            findings.len(),
            with.len()
        );
        Ok(Status::No)
    }
}
