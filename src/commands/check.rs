//! Learner commands: `setup`, `check`, `hint`, `next`, `status`, `reset`,
//! `solution`, `restore`.

use std::io::Write;
use std::process::Stdio;

use clap::Args;

use crate::check::session::{Session, shown};
use crate::check::{Context, Report, progress, tamper, tools};
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

pub fn setup(a: SetupArgs) -> Result<Status> {
    let s = Session::open(true, a.trust)?;
    let cx = Context::new(&s.lab, &s.root, s.track());
    cx.check_track_needs()?;
    let track = s.track().unwrap_or("-").to_string();
    let cmds = s
        .track()
        .and_then(|t| s.lab.manifest.track.get(t))
        .map(|t| t.setup.clone())
        .unwrap_or_default();
    if cmds.is_empty() {
        eprintln!("nothing to set up: the `{track}` track has no setup commands");
        return Ok(Status::Success);
    }
    for cmd in cmds.iter().map(|c| cx.expand(c)) {
        tools::check_command(&cmd, &format!("the setup of the `{track}` track"), &s.root)?;
        eprintln!("$ {cmd}");
        let status = crate::check::exec::shell(&cmd, &s.root, &cx.env)
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| Error::new(format!("could not run `{cmd}`: {e}")))?;
        if !status.success() {
            let how = status
                .code()
                .map_or("was killed by a signal".to_string(), |c| {
                    format!("exited with {c}")
                });
            return Err(Error::new(format!("the setup command `{cmd}` {how}"))
                .with_help("fix the problem shown above, then run `labforge setup` again"));
        }
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
    let mut s = Session::open(true, a.trust)?;
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
    let report = Report::new(s.state.lab.clone(), s.state.track.clone(), results);
    drop(cx);
    if a.json {
        let json = report.to_json();
        crate::fsx::write_atomic(&s.root.join(".labforge/results.json"), &json)?;
        print!("{json}");
    } else {
        print!("{}", report.render());
    }
    let manifest = s.lab.manifest.clone();
    progress::record(&mut s.state, &manifest, &report.exercises, a.all);
    s.save()?;
    Ok(report.exit_status())
}

pub fn hint(a: HintArgs) -> Result<Status> {
    let mut s = Session::open(false, false)?;
    let ex = s.exercise(a.exercise.as_deref())?.clone();
    let cx = Context::new(&s.lab, &s.root, s.track());
    let hints: Vec<String> = ex.hints.iter().map(|h| cx.expand(h)).collect();
    drop(cx);
    let id = ex.id().to_string();
    if hints.is_empty() {
        println!(
            "{id} has no hints: its exercise text ({}) says what is checked",
            ex.doc.as_deref().unwrap_or("README.md")
        );
        return Ok(Status::Success);
    }
    let used = s.state.hints.get(&id).copied().unwrap_or(0) as usize;
    if used >= hints.len() {
        println!("every hint of {id} is shown already:");
        for (i, h) in hints.iter().enumerate() {
            println!("  {}. {h}", i + 1);
        }
        println!("once it passes, `labforge solution {id}` shows the reference solution");
        return Ok(Status::Success);
    }
    println!(
        "hint {}/{} for {id}: {}",
        used + 1,
        hints.len(),
        hints[used]
    );
    if used + 1 < hints.len() {
        println!("(run `labforge hint` again for the next one)");
    }
    s.state.hints.insert(id, (used + 1) as u32);
    s.save()?;
    Ok(Status::Success)
}

pub fn next(_a: NextArgs) -> Result<Status> {
    let mut s = Session::open(false, false)?;
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
        println!("every exercise of {} passes: well done", m.lab.title);
        return Ok(Status::Success);
    };
    s.state.current = Some(next.clone());
    s.save()?;
    let ex = m.exercise_by_id(&next).expect("a known exercise");
    println!("now: {next}: {}", ex.title);
    if let Some(doc) = &ex.doc {
        match doc_text(&s, doc) {
            Some(text) => println!("\n{}", text.trim_end()),
            None => println!("read {doc}"),
        }
    }
    println!("\nwhen you are done: `labforge check` (hints: `labforge hint`)");
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

#[derive(serde::Serialize)]
struct StatusJson<'a> {
    lab: &'a str,
    track: Option<&'a str>,
    current: Option<&'a str>,
    exercises: Vec<ExerciseStatus<'a>>,
}

#[derive(serde::Serialize)]
struct ExerciseStatus<'a> {
    id: &'a str,
    title: &'a str,
    state: &'a str,
    done_at: Option<String>,
    hints_used: u32,
    hints: usize,
}

pub fn status(a: StatusArgs) -> Result<Status> {
    let s = Session::open(false, false)?;
    let m = &s.lab.manifest;
    let current = s
        .state
        .current
        .clone()
        .or_else(|| m.exercises().next().map(|e| e.id().to_string()));
    let rows: Vec<(String, String, &str, u32, usize)> = m
        .exercises()
        .map(|e| {
            let id = e.id().to_string();
            let state = if s.state.done.contains_key(&id) {
                "done"
            } else if current.as_deref() == Some(id.as_str()) {
                "current"
            } else {
                "todo"
            };
            (
                id.clone(),
                e.title.clone(),
                state,
                s.state.hints.get(&id).copied().unwrap_or(0),
                e.hints.len(),
            )
        })
        .collect();
    if a.json {
        let exercises: Vec<ExerciseStatus> = rows
            .iter()
            .map(|(id, title, state, used, total)| ExerciseStatus {
                id,
                title,
                state,
                done_at: s.state.done.get(id).map(|d| d.to_string()),
                hints_used: *used,
                hints: *total,
            })
            .collect();
        let v = StatusJson {
            lab: &s.state.lab,
            track: s.state.track.as_deref(),
            current: current.as_deref(),
            exercises,
        };
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return Ok(Status::Success);
    }
    let w = rows
        .iter()
        .map(|r| r.0.len())
        .max()
        .unwrap_or(0)
        .max("exercise".len());
    let track = s
        .state
        .track
        .as_deref()
        .map_or(String::new(), |t| format!(" ({t} track)"));
    let mut out = format!(
        "{}{track}\n  {:<w$}  {:<7}  hints  title\n",
        s.state.lab, "exercise", "state"
    );
    for (id, title, state, used, total) in &rows {
        let mark = if *state == "current" { ">" } else { " " };
        out.push_str(&format!(
            "{mark} {id:<w$}  {state:<7}  {:<5}  {title}\n",
            format!("{used}/{total}")
        ));
    }
    let done = rows.iter().filter(|r| r.2 == "done").count();
    out.push_str(&format!("{done} of {} exercises done\n", rows.len()));
    print!("{out}");
    let _ = std::io::stdout().flush();
    Ok(Status::Success)
}

pub fn reset(a: ResetArgs) -> Result<Status> {
    let mut s = Session::open(false, false)?;
    let ex = s.exercise(Some(&a.exercise))?.clone();
    let cx = Context::new(&s.lab, &s.root, s.track());
    let globs: Vec<String> = ex.edit.iter().map(|g| cx.expand(g)).collect();
    drop(cx);
    let paths: Vec<String> = s
        .state
        .files
        .keys()
        .filter(|p| crate::check::files::matches_any(&globs, p))
        .cloned()
        .collect();
    if paths.is_empty() {
        return Err(
            Error::new(format!("{} has no starter files to restore", ex.id()))
                .with_help("its `edit` list names no file this lab was generated with"),
        );
    }
    let backup = s.backup_dir();
    let saved = s.restore_paths(&paths, &backup)?;
    if !saved.is_empty() {
        println!(
            "backed up {} file{} to {}/",
            saved.len(),
            if saved.len() == 1 { "" } else { "s" },
            shown(&s.root, &backup)
        );
    }
    for p in &paths {
        println!("restored {p}");
    }
    s.state.done.remove(ex.id());
    s.state.current = Some(ex.id().to_string());
    s.save()?;
    Ok(Status::Success)
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
    let layers = crate::render::solution_layers(ex, track);
    let entries = crate::render::render_layers(&s.lab, &layers, track, &s.state.answers)?;
    if entries.is_empty() {
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
    print!("{out}");
    Ok(Status::Success)
}

pub fn restore(a: RestoreArgs) -> Result<Status> {
    let s = Session::open(false, false)?;
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
        println!("every protected file is pristine: nothing to restore");
        return Ok(Status::Success);
    }
    let backup = s.backup_dir();
    let saved = s.restore_paths(&paths, &backup)?;
    if !saved.is_empty() {
        println!(
            "backed up {} file{} to {}/",
            saved.len(),
            if saved.len() == 1 { "" } else { "s" },
            shown(&s.root, &backup)
        );
    }
    for p in &paths {
        println!("restored {p}");
    }
    Ok(Status::Success)
}
