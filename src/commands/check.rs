//! Learner commands: `setup`, `check`, `hint`, `next`, `status`, `reset`,
//! `solution`, `restore`.

use clap::Args;
use clap_complete::ArgValueCandidates;

use super::completions::exercise_candidates;

use crate::check::session::{Session, shown};
use crate::check::{Context, Report, progress, tamper};
use crate::error::{Error, Result, Status};
use crate::manifest::Exercise;

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Run the commands of a lab that is not built in without asking
    #[arg(long)]
    pub trust: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exercise to check: id, number or start of its name (default: the current one)
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
    pub exercise: Option<String>,
    /// Check every exercise (and rebuild progress from the results)
    #[arg(long, conflicts_with = "exercise")]
    pub all: bool,
    /// Print results as JSON on stdout (every run writes them to .labforge/results.json)
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
    /// The exercise: id, number or start of its name (default: the current one)
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
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
    /// The exercise whose starter files to restore (an id, its number or
    /// the start of its name; without one, lists the exercises)
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
    pub exercise: Option<String>,
}

#[derive(Debug, Args)]
pub struct SolutionArgs {
    /// The exercise: id, number or start of its name
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
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

pub fn setup(a: SetupArgs) -> Result<Status> {
    let s = Session::open_to_write(true, a.trust, "setup")?;
    let cx = Context::new(&s.lab, &s.root, s.track());
    cx.check_track_needs()?;
    let track = s.track().unwrap_or("-").to_string();
    if crate::check::setup::commands(&cx).is_empty() {
        eprintln!("nothing to set up: the `{track}` track has no setup commands");
        return Ok(Status::Success);
    }
    let ran = crate::check::setup::run(&cx, crate::check::setup::Output::Shown, |cmd| {
        eprintln!("$ {cmd}")
    })?;
    if let Err(f) = ran {
        return Err(
            Error::new(format!("the setup command `{}` {}", f.cmd, f.how))
                .with_help("fix the problem shown above, then run `labforge setup` again"),
        );
    }
    eprintln!("set up: run `labforge check` to check the first exercise");
    Ok(Status::Success)
}

pub fn check(a: CheckArgs) -> Result<Status> {
    if a.watch {
        return crate::check::watch::watch(|| check_once(&a));
    }
    check_once(&a)
}

fn check_once(a: &CheckArgs) -> Result<Status> {
    let mut s = Session::open_to_write(true, a.trust, "check")?;
    if s.lab.manifest.exercise.is_empty() {
        eprintln!(
            "{} has no exercises: there is nothing to check",
            s.state.lab
        );
        return Ok(Status::Success);
    }
    let cx = Context::new(&s.lab, &s.root, s.track());
    cx.check_track_needs()?;
    let exercises: Vec<&Exercise> = if a.all {
        s.lab.manifest.exercises().collect()
    } else {
        vec![s.exercise(a.exercise.as_deref())?]
    };
    if let Some(w) = tamper::warning(&s.root, &s.state) {
        eprint!("{w}");
    }
    if s.lab.digest() != s.state.template {
        eprintln!(
            "warning: the template of this lab changed since it was generated, so the checks are the new version's\nhelp: `labforge update` brings your files to the new version"
        );
    }
    let results = crate::check::run_exercises(&cx, &exercises);
    let mut report = Report::new(s.state.lab.clone(), s.state.track.clone(), results);
    report.current = s.state.current.clone();
    drop(cx);
    let manifest = s.lab.manifest.clone();
    let before = s.state.clone();
    if crate::interrupt::requested().is_some() {
        // Only the exercises that ran to the end count; `--all` does not
        // rebuild progress from a partial run.
        progress::record(&mut s.state, &manifest, &report.exercises, false);
        if s.state != before {
            s.save()?;
        }
        return Err(crate::interrupt::interrupted());
    }
    // Progress first: a closed pipe or a signal while printing loses nothing.
    // state.toml is committed: it changes when progress does (a first pass),
    // never because checks ran, so `git status` stays quiet while working.
    progress::record(&mut s.state, &manifest, &report.exercises, a.all);
    if s.state != before {
        s.save()?;
    }
    // The last run's results, for tools, in a file the lab's .gitignore ignores.
    let json = report.to_json();
    crate::fsx::write_atomic(&s.root.join(".labforge/results.json"), &json)?;
    if a.json {
        crate::out!("{json}")?;
    } else {
        crate::out!("{}", report.render())?;
    }
    Ok(report.exit_status())
}

pub fn hint(a: HintArgs) -> Result<Status> {
    let mut s = Session::open_to_write(false, false, "hint")?;
    let ex = s.exercise(a.exercise.as_deref())?.clone();
    let cx = Context::new(&s.lab, &s.root, s.track());
    let hints: Vec<String> = ex.hints.iter().map(|h| cx.expand(h)).collect();
    let adr_todo = adr_findings(&cx, &ex);
    drop(cx);
    let before = s.state.hints.clone();
    let doc = ex.doc_for(s.track()).map(str::to_string);
    let text = progress::reveal_hint(&mut s.state, ex.id(), &hints, doc.as_deref());
    // Saved before printing: a closed pipe or a signal never loses the count.
    if s.state.hints != before {
        s.save()?;
    }
    crate::out!("{text}{adr_todo}")?;
    Ok(Status::Success)
}

/// What the exercise's `adr` checks still find, every finding (reading
/// ADRs runs nothing, so `hint` can show it without trust).
fn adr_findings(cx: &Context, ex: &Exercise) -> String {
    let mut out = String::new();
    for (i, check) in ex.checks().enumerate() {
        if *check.kind.get_ref() != crate::manifest::CheckKind::Adr {
            continue;
        }
        // `hint` runs without trust: only an ADR inside the lab, reached
        // through no link, is read.
        let rel = cx.expand(check.path.as_deref().unwrap_or_default());
        if crate::pathgate::resolve(&cx.root, &rel, crate::pathgate::Last::NoLink).is_err() {
            continue;
        }
        let id = check.id_or(i);
        let job = crate::check::kinds::Job {
            exercise: ex,
            check,
            id: &id,
            timeout: crate::check::kinds::default_timeout(crate::manifest::CheckKind::Adr),
            services: &[],
        };
        if let Ok(o) = crate::check::kinds::adr::run(cx, &job)
            && let Some(m) = o.message
        {
            out.push_str(&format!("\nstill to do for check `{id}`:\n"));
            for l in m.lines() {
                out.push_str(&format!("  {l}\n"));
            }
        }
    }
    out
}

pub fn next(_a: NextArgs) -> Result<Status> {
    let mut s = Session::open_to_write(false, false, "next")?;
    let current = s.exercise(None)?.id().to_string();
    let m = s.lab.manifest.clone();
    if !s.state.done.contains_key(&current) {
        return Err(Error::new(format!("{current} does not pass yet"))
            .with_status(Status::No)
            .with_help(format!("run `labforge check` until it passes (`labforge hint` helps); to look ahead anyway: `labforge check {}`", progress::after(&m, &current).unwrap_or(current.clone()))));
    }
    let next = progress::after(&m, &current)
        .filter(|n| !s.state.done.contains_key(n))
        .or_else(|| progress::first_not_done(&s.state, &m));
    let Some(next) = next else {
        crate::outln!("every exercise of {} passes: well done", m.lab.title)?;
        return Ok(Status::Success);
    };
    s.state.current = Some(next.clone());
    s.save()?;
    let ex = m.exercise_by_id(&next).expect("a known exercise");
    crate::outln!("now: {next}: {}", ex.title)?;
    if let Some(doc) = ex.doc_for(s.track()) {
        match doc_text(&s, doc) {
            Some(text) => crate::outln!("\n{}", text.trim_end())?,
            None => crate::outln!("read {doc}")?,
        }
    }
    crate::outln!("\nwhen you are done: `labforge check` (hints: `labforge hint`)")?;
    Ok(Status::Success)
}

/// An exercise's doc: from the lab folder, else from the template.
fn doc_text(s: &Session, doc: &str) -> Option<String> {
    std::fs::read_to_string(s.root.join(doc)).ok().or_else(|| {
        s.lab
            .tree
            .get(doc)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    })
}

pub fn status(a: StatusArgs) -> Result<Status> {
    let s = Session::open(false, false)?;
    let report = progress::StatusReport::new(&s.state, &s.lab.manifest);
    if a.json {
        crate::outln!(
            "{}",
            serde_json::to_string_pretty(&report).expect("status serializes")
        )?;
    } else {
        crate::out!("{}", report.render())?;
    }
    Ok(Status::Success)
}

pub fn reset(a: ResetArgs) -> Result<Status> {
    let mut s = Session::open_to_write(false, false, "reset")?;
    let Some(typed) = a.exercise.as_deref() else {
        // A lab without exercises says so; otherwise, which ones there are.
        s.exercise(None)?;
        return Err(which_exercise(&s));
    };
    let ex = s.exercise(Some(typed))?.clone();
    let paths = edit_paths(&s, &ex)?;
    if paths.is_empty() {
        return Err(
            Error::new(format!("{} has no starter files to restore", ex.id()))
                .with_help("its `edit` list names no file this lab was generated with"),
        );
    }
    let (backup, saved) = restore_and_report(&s, &paths)?;
    // A file that later exercises edit too holds their work: say so, and how to get it back.
    let m = &s.lab.manifest;
    let later: Vec<&Exercise> = m
        .exercises()
        .skip_while(|e| e.id() != ex.id())
        .skip(1)
        .collect();
    let mut warned = false;
    for p in &saved {
        let users: Vec<&str> = later
            .iter()
            .filter(|e| edit_paths(&s, e).unwrap_or_default().contains(p))
            .map(|e| e.id())
            .collect();
        if !users.is_empty() {
            eprintln!(
                "warning: {p} is also edited in {}: the starter copy took back that work too",
                users.join(", ")
            );
            warned = true;
        }
    }
    if warned {
        eprintln!(
            "help: to undo the reset: `cp -R {}/. .` puts your files back",
            shown(&s.root, &backup)
        );
    }
    s.state.done.remove(ex.id());
    s.state.current = Some(ex.id().to_string());
    s.save()?;
    Ok(Status::Success)
}

/// The lab's files an exercise's `edit` globs name.
fn edit_paths(s: &Session, ex: &Exercise) -> Result<Vec<String>> {
    let cx = Context::new(&s.lab, &s.root, s.track());
    let globs: Vec<String> = ex.edit.iter().map(|g| cx.expand(g)).collect();
    let edit = crate::glob::set(&globs)?;
    Ok(s.state
        .files
        .keys()
        .filter(|p| edit.is_match(p.as_str()))
        .cloned()
        .collect())
}

/// `reset` without an exercise: which ones there are, and what each restores.
fn which_exercise(s: &Session) -> Error {
    let mut err = Error::new("name the exercise whose starter files to restore");
    let w = s
        .lab
        .manifest
        .exercises()
        .map(|e| e.id().len())
        .max()
        .unwrap_or(0);
    for e in s.lab.manifest.exercises() {
        let files = edit_paths(s, e).unwrap_or_default();
        let files = if files.is_empty() {
            "no starter files".to_string()
        } else {
            files.join(", ")
        };
        err = err.with_detail(format!("{:<w$}  {files}", e.id()));
    }
    let first = s.lab.manifest.exercises().next().map_or("01", |e| e.id());
    err.with_help(format!(
        "`labforge reset {first}` (or by number: `labforge reset 1`); your edited files are backed up first"
    ))
}

pub fn solution(a: SolutionArgs) -> Result<Status> {
    let s = Session::open(false, false)?;
    let ex = s.exercise(Some(&a.exercise))?;
    let id = ex.id();
    if !a.reveal && !s.state.done.contains_key(id) {
        return Err(Error::new(format!("{id} does not pass yet, so its solution stays hidden"))
            .with_status(Status::No)
            .with_help(format!("solve it first (`labforge check {id}`, `labforge hint {id}`), or pass --reveal to look anyway")));
    }
    let track = s.track();
    let index = s
        .lab
        .manifest
        .exercises()
        .position(|e| e.id() == id)
        .expect("the session found the exercise");
    let sol = crate::solution::cumulative(&s.lab, index, track, &s.state.answers)?;
    let entries = sol.entries;
    if entries.is_empty() && sol.deleted.is_empty() {
        return Err(
            Error::new(format!("{id} has no reference solution in this lab"))
                .with_help("ask the lab's author, or compare with a classmate"),
        );
    }
    let mut out = String::new();
    for (path, entry) in &entries {
        out.push_str(&format!("==> {path} <==\n"));
        match entry {
            crate::template::Entry::File { bytes, .. } => match std::str::from_utf8(bytes) {
                Ok(t) => out.push_str(&format!("{}\n", t.trim_end_matches('\n'))),
                Err(_) => out.push_str(&format!("(binary, {} bytes)\n", bytes.len())),
            },
            crate::template::Entry::Symlink(t) => out.push_str(&format!("(symlink to {t})\n")),
        }
    }
    for path in &sol.deleted {
        out.push_str(&format!("==> {path} <==\n(deleted)\n"));
    }
    crate::out!("{out}")?;
    Ok(Status::Success)
}

pub fn restore(a: RestoreArgs) -> Result<Status> {
    let s = Session::open_to_write(false, false, "restore")?;
    let paths = if a.what == "tests" {
        tamper::edited_template_files(&s.root, &s.state)
    } else {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
        let full = std::path::absolute(cwd.join(&a.what))
            .map_err(|e| Error::io("resolve", std::path::Path::new(&a.what), e))?;
        let rel = full
            .strip_prefix(&s.root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or(a.what.clone());
        vec![rel]
    };
    if paths.is_empty() {
        crate::outln!("every protected file is pristine: nothing to restore")?;
        return Ok(Status::Success);
    }
    restore_and_report(&s, &paths)?;
    Ok(Status::Success)
}

/// Restores `paths` to their pristine copies (edited ones backed up first)
/// and says what was backed up and restored.
fn restore_and_report(s: &Session, paths: &[String]) -> Result<(std::path::PathBuf, Vec<String>)> {
    let backup = s.backup_dir();
    let saved = s.restore_paths(paths, &backup)?;
    if !saved.is_empty() {
        crate::outln!(
            "backed up {} file{} to {}/",
            saved.len(),
            if saved.len() == 1 { "" } else { "s" },
            shown(&s.root, &backup)
        )?;
    }
    for p in paths {
        crate::outln!("restored {p}")?;
    }
    Ok((backup, saved))
}
