//! Learner commands: `setup`, `check`, `hint`, `next`, `status`, `reset`,
//! `solution`, `restore`.

use clap::Args;
use clap_complete::ArgValueCandidates;

use super::completions::exercise_candidates;

use crate::check::session::Session;
use crate::check::{Context, progress, tamper};
use crate::error::{Error, Result, Status};
use crate::manifest::Exercise;

#[derive(Debug, Args)]
pub(crate) struct SetupArgs {
    /// Run the commands of a lab that is not built in without asking
    #[arg(long)]
    pub(crate) trust: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The exercise to check: id, number or start of its name (default: the current one)
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
    pub(crate) exercise: Option<String>,
    /// Check every exercise (and rebuild progress from the results)
    #[arg(long, conflicts_with = "exercise")]
    pub(crate) all: bool,
    /// Print results as JSON on stdout (every run writes them to .labforge/results.json)
    #[arg(long)]
    pub(crate) json: bool,
    /// Re-run whenever a file changes
    #[arg(long)]
    pub(crate) watch: bool,
    /// Run the commands of a lab that is not built in without asking
    #[arg(long)]
    pub(crate) trust: bool,
}

#[derive(Debug, Args)]
pub(crate) struct HintArgs {
    /// The exercise: id, number or start of its name (default: the current one)
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
    pub(crate) exercise: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct NextArgs {}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ResetArgs {
    /// The exercise whose starter files to restore (an id, its number or
    /// the start of its name; without one, lists the exercises)
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
    pub(crate) exercise: Option<String>,
    /// Take back the last reset: put your files back from its backup (as `labforge undo`)
    #[arg(long, conflicts_with = "exercise")]
    pub(crate) undo: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SolutionArgs {
    /// The exercise: id, number or start of its name
    #[arg(add = ArgValueCandidates::new(exercise_candidates))]
    pub(crate) exercise: String,
    /// Show it even though the exercise does not pass yet
    #[arg(long)]
    pub(crate) reveal: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// What to restore: `tests` (every template-owned file) or a path
    #[arg(default_value = "tests")]
    pub(crate) what: String,
}

pub(crate) fn setup(a: SetupArgs) -> Result<Status> {
    let s = Session::open_to_write(true, a.trust, "setup")?;
    let cx = Context::new(&s.lab, &s.root, s.track());
    cx.check_track_needs()?;
    if !crate::check::setup::run_shown(&cx, |cmd| crate::eoutln!("$ {cmd}"))? {
        let track = s.track().unwrap_or("-");
        crate::eoutln!("nothing to set up: the `{track}` track has no setup commands");
        return Ok(Status::Success);
    }
    crate::eoutln!("set up: run `labforge check` to check the first exercise");
    Ok(Status::Success)
}

pub(crate) fn check(a: CheckArgs) -> Result<Status> {
    if a.watch {
        return crate::check::watch::watch(|| check_once(&a));
    }
    check_once(&a)
}

fn check_once(a: &CheckArgs) -> Result<Status> {
    let mut s = Session::open_to_write(true, a.trust, "check")?;
    if s.lab.manifest.exercise.is_empty() {
        crate::eoutln!(
            "{} has no exercises: there is nothing to check",
            s.state.lab
        );
        return Ok(Status::Success);
    }
    let report = crate::check::check_and_record(&mut s, a.exercise.as_deref(), a.all, |w| {
        crate::eout!("{w}")
    })?;
    if a.json {
        crate::out!("{}", report.to_json())?;
    } else {
        crate::out!("{}", report.render())?;
    }
    Ok(report.exit_status())
}

pub(crate) fn hint(a: HintArgs) -> Result<Status> {
    let mut s = Session::open_to_write(false, false, "hint")?;
    let ex = s.exercise(a.exercise.as_deref())?.clone();
    let cx = Context::new(&s.lab, &s.root, s.track());
    let hints: Vec<String> = ex.hints.iter().map(|h| cx.expand(h)).collect();
    let mut adr_todo = String::new();
    for (id, findings) in crate::check::kinds::adr::open_findings(&cx, &ex) {
        adr_todo.push_str(&format!("\nstill to do for check `{id}`:\n"));
        for l in findings.lines() {
            adr_todo.push_str(&format!("  {l}\n"));
        }
    }
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

pub(crate) fn next(_a: NextArgs) -> Result<Status> {
    let mut s = Session::open_to_write(false, false, "next")?;
    let current = s.exercise(None)?.id().to_string();
    let m = s.lab.manifest.clone();
    let progress::Next::Now(next) = progress::advance(&mut s.state, &m, &current)? else {
        crate::outln!("every exercise of {} passes: well done", m.lab.title)?;
        return Ok(Status::Success);
    };
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

/// An exercise's doc: from the lab folder, else from the template. A
/// `.hbs` doc is rendered over the lab's track and answers (one text with
/// `{{#if (eq track "rust")}}` serves every track), as the copy in the
/// learner's `exercises/` folder was.
fn doc_text(s: &Session, doc: &str) -> Option<String> {
    let text = std::fs::read_to_string(s.root.join(doc)).ok().or_else(|| {
        s.lab
            .tree
            .get(doc)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    })?;
    if !doc.ends_with(".hbs") {
        return Some(text);
    }
    crate::render::render_str(&text, &s.lab, s.track(), &s.state.answers).ok()
}

pub(crate) fn status(a: StatusArgs) -> Result<Status> {
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

pub(crate) fn reset(a: ResetArgs) -> Result<Status> {
    if a.undo {
        return super::undo::undo_last(Some("reset"));
    }
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
    let done = restore_and_report(&s, "reset", &format!("reset of {}", ex.id()), &paths)?;
    // A file that later exercises edit too holds their work: say so, and how to get it back.
    let m = &s.lab.manifest;
    let later: Vec<&Exercise> = m
        .exercises()
        .skip_while(|e| e.id() != ex.id())
        .skip(1)
        .collect();
    let mut warned = false;
    for p in &done.saved {
        let users: Vec<&str> = later
            .iter()
            .filter(|e| edit_paths(&s, e).unwrap_or_default().contains(p))
            .map(|e| e.id())
            .collect();
        if !users.is_empty() {
            crate::eoutln!(
                "warning: {p} is also edited in {}: the starter copy took back that work too",
                users.join(", ")
            );
            warned = true;
        }
    }
    if warned && let Some(name) = &done.backup {
        crate::eoutln!(
            "help: `labforge reset --undo` puts your files back (they are in {})",
            crate::backup::shown(name)
        );
    }
    s.state.done.remove(ex.id());
    s.state.current = Some(ex.id().to_string());
    s.save()?;
    Ok(Status::Success)
}

/// The lab's files an exercise's `edit` globs name.
fn edit_paths(s: &Session, ex: &Exercise) -> Result<Vec<String>> {
    Context::new(&s.lab, &s.root, s.track()).edit_paths(&s.state, ex)
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

pub(crate) fn solution(a: SolutionArgs) -> Result<Status> {
    let s = Session::open(false, false)?;
    let ex = s.exercise(Some(&a.exercise))?;
    let id = ex.id();
    let passed = s.state.done.contains_key(id);
    let sol =
        crate::solution::for_learner(&s.lab, id, s.track(), &s.state.answers, passed, a.reveal)?;
    crate::out!("{}", sol.render())?;
    Ok(Status::Success)
}

pub(crate) fn restore(a: RestoreArgs) -> Result<Status> {
    let s = Session::open_to_write(false, false, "restore")?;
    let paths = tamper::restore_targets(&s.root, &s.state, &a.what)?;
    if paths.is_empty() {
        crate::outln!("every protected file is pristine: nothing to restore")?;
        return Ok(Status::Success);
    }
    let what = if a.what == "tests" {
        "restore of tests".to_string()
    } else {
        format!("restore of {}", paths.join(", "))
    };
    restore_and_report(&s, "restore", &what, &paths)?;
    Ok(Status::Success)
}

/// Restores `paths` to their pristine copies (the changed ones backed up
/// first) and says what was backed up and restored.
fn restore_and_report(
    s: &Session,
    kind: &str,
    what: &str,
    paths: &[String],
) -> Result<crate::check::session::Restored> {
    let done = s.restore_paths(kind, what, paths)?;
    if let Some(name) = &done.backup
        && !done.saved.is_empty()
    {
        let n = done.saved.len();
        crate::outln!(
            "backed up {n} file{} to {} (`labforge undo` puts {} back)",
            if n == 1 { "" } else { "s" },
            crate::backup::shown(name),
            if n == 1 { "it" } else { "them" }
        )?;
    }
    for p in paths {
        crate::outln!("restored {p}")?;
    }
    Ok(done)
}
