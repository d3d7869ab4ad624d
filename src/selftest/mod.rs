//! `labforge template test`: proves a lab works. Per track: render the
//! starter with default answers into a temporary folder, run `setup`, require
//! every check to fail on the starter (with a message or hint) unless it
//! starts passing, then lay the solution overlays one by one (cumulative:
//! [`crate::solution::lay`], the same for v1 copies and v2 deltas) and
//! require exercises 1..k to pass after overlay k (k+1 should still fail).
//! `sql` checks' expected CSVs are written from the reference solution with
//! `--bless`, and a stale one is a violation. After overlay k passes, every
//! wrong solution of exercise k ([`mutants`]) is laid on top in turn and
//! its named check must fail. Lint runs first ([`lint`]); the report
//! ([`report`]) has timings per track.

pub(crate) mod lint;
pub(crate) mod migrate;
pub(crate) mod mutants;
pub(crate) mod patch;
pub(crate) mod report;
pub(crate) mod topatch;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::check::{self, Context, ExerciseResult, Status};
use crate::error::{Error, Result};
use crate::manifest::Exercise;
use crate::scaffold::{self, NewOptions};
use crate::template::{Entry, Lab, Origin};

pub(crate) use report::{Report, Step, TrackReport};

/// How long one setup command may take.
const SETUP_TIMEOUT: Duration = Duration::from_secs(1800);

#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) track: Option<String>,
    pub(crate) bless: bool,
    pub(crate) keep: bool,
}

/// Tests every track (or the one asked for) of `lab`.
pub(crate) fn test_lab(lab: &Lab, opts: &Options) -> Result<Report> {
    let m = &lab.manifest;
    let tracks = match &opts.track {
        Some(t) if m.track.contains_key(t) => vec![Some(t.clone())],
        Some(t) => {
            return Err(Error::new(format!("lab `{}` has no track `{t}`", m.id()))
                .with_help(format!("its tracks: {}", m.lab.tracks.join(", "))));
        }
        None => lint::tracks(m),
    };
    if opts.bless && !matches!(lab.origin, Origin::Local(_)) {
        return Err(Error::new(
            "--bless writes into the template folder, so it needs a lab template folder",
        )
        .with_help(
            "run it on the folder, for example `labforge template test labs/database --bless`",
        ));
    }
    let findings = lint::lint(lab);
    let mut lab = lab.clone();
    let mut tracks_out = Vec::new();
    for t in tracks {
        tracks_out.push(test_track(&mut lab, t.as_deref(), opts)?);
    }
    Ok(Report {
        lab: lab.manifest.lab_ref(),
        lint: findings,
        tracks: tracks_out,
    })
}

struct Run {
    rep: TrackReport,
    root: PathBuf,
}

fn test_track(lab: &mut Lab, track: Option<&str>, opts: &Options) -> Result<TrackReport> {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("labforge-selftest-")
        .tempdir()
        .map_err(|e| Error::new(format!("could not create a temporary folder: {e}")))?;
    let root = tmp.path().join(lab.manifest.id());
    let mut run = Run {
        rep: TrackReport::new(track),
        root: root.clone(),
    };
    let answers = crate::answers::default_answers(lab, track)?;
    let new_opts = NewOptions {
        dest: root.clone(),
        track: track.map(str::to_string),
        answers: answers.clone(),
        git: false,
        dry_run: false,
    };
    scaffold::generate(lab, &new_opts)?;
    if opts.keep {
        run.rep.kept = Some(root.display().to_string());
        let _ = tmp.keep();
    }
    let cx = Context::new(lab, &root, track);
    if let Err(e) = cx.check_track_needs() {
        run.rep.error = Some(e.text());
        run.rep.total = started.elapsed();
        return Ok(run.rep);
    }
    if !setup(&cx, &mut run) {
        run.rep.total = started.elapsed();
        return Ok(run.rep);
    }
    drop(cx);
    if !lab.manifest.exercise.is_empty() {
        starter(lab, &mut run);
    }
    let exercises: Vec<Exercise> = lab.manifest.exercises().cloned().collect();
    let adr_layers = adr_layers(lab, track);
    let (all_mutants, _) = mutants::load(lab);
    for k in 0..exercises.len() {
        let t0 = Instant::now();
        let ex = &exercises[k];
        crate::solution::lay(lab, ex, &adr_layers, &root, track, &answers)?;
        if opts.bless {
            bless(lab, ex, &mut run)?;
        }
        let passed = overlay(lab, &exercises, k, &mut run);
        let wrong: Vec<&mutants::Mutant> = all_mutants
            .iter()
            .filter(|mu| mu.exercise == ex.id() && mu.applies_to(track))
            .collect();
        if !wrong.is_empty() {
            let note = if passed {
                try_mutants(lab, &wrong, &answers, &mut run)
            } else {
                "mutants not tried (the reference solution fails)".to_string()
            };
            if let Some(step) = run.rep.steps.last_mut() {
                step.summary.push_str(&format!("; {note}"));
            }
        }
        if let Some(step) = run.rep.steps.last_mut() {
            step.duration = t0.elapsed();
        }
    }
    run.rep.total = started.elapsed();
    Ok(run.rep)
}

/// `solutions/adr/` (common and track layers): ADRs filled in, laid with every overlay.
pub(crate) fn adr_layers(lab: &Lab, track: Option<&str>) -> Vec<String> {
    let mut out = vec!["solutions/adr/common".to_string()];
    out.extend(track.map(|t| format!("solutions/adr/{t}")));
    out.retain(|l| {
        lab.tree
            .entries
            .keys()
            .any(|k| k.starts_with(&format!("{l}/")))
    });
    out
}

fn setup(cx: &Context, run: &mut Run) -> bool {
    let t0 = Instant::now();
    let output = check::setup::Output::Captured {
        timeout: SETUP_TIMEOUT,
    };
    match check::setup::run(cx, output, |_| {}) {
        Err(e) => {
            run.rep.error = Some(e.text());
            false
        }
        Ok(Err(f)) => {
            run.rep
                .violation(format!("setup: `{}` {}\n{}", f.cmd, f.how, f.tail));
            run.rep.steps.push(Step {
                name: "setup".into(),
                summary: format!("`{}` failed", f.cmd),
                duration: t0.elapsed(),
            });
            false
        }
        Ok(Ok(0)) => true,
        Ok(Ok(n)) => {
            run.rep.steps.push(Step {
                name: "setup".into(),
                summary: format!("{n} command(s) ran"),
                duration: t0.elapsed(),
            });
            true
        }
    }
}

fn context<'a>(lab: &'a Lab, run: &Run) -> Context<'a> {
    let mut cx = Context::new(lab, &run.root, run.rep.track.as_deref());
    cx.record_rows = true;
    cx
}

fn starter(lab: &Lab, run: &mut Run) {
    let t0 = Instant::now();
    let cx = context(lab, run);
    let all: Vec<&Exercise> = lab.manifest.exercises().collect();
    let results = check::run_exercises(&cx, &all);
    let mut failing = 0;
    for (ex, r) in all.iter().zip(&results) {
        for (c, res) in ex.checks().zip(&r.checks) {
            let exempt = ex.starts_passing || c.starts_passing;
            let place = format!("starter: {} / {}", r.id, res.id);
            match res.status {
                _ if exempt => {}
                Status::Fail => {
                    failing += 1;
                    let said = res.message.as_deref().is_some_and(|m| !m.trim().is_empty()) || res.hint.as_deref().is_some_and(|h| !h.trim().is_empty());
                    if !said {
                        run.rep.violation(format!("{place} fails without a message or a hint: give the check a `hint`"));
                    }
                }
                Status::Pass => run.rep.violation(format!("{place} passes on the untouched starter (mark it `starts_passing = true` if that is meant)")),
                Status::Error => run.rep.violation(format!("{place} could not run: {}", res.message.as_deref().unwrap_or(""))),
                Status::NotRun => failing += 1,
                Status::Skipped => run.rep.warning(format!("{place} was skipped: {}", res.message.as_deref().unwrap_or(""))),
            }
        }
    }
    let total: usize = results.iter().map(|r| r.checks.len()).sum();
    run.rep.steps.push(Step {
        name: "starter".into(),
        summary: format!("{failing} of {total} checks fail as they should"),
        duration: t0.elapsed(),
    });
}

/// Lays every wrong solution in `wrong` in turn (each one on the reference
/// solution alone) and records it; a survivor is a violation naming its lesson.
fn try_mutants(
    lab: &Lab,
    wrong: &[&mutants::Mutant],
    answers: &toml::Table,
    run: &mut Run,
) -> String {
    let cx = Context::new(lab, &run.root, run.rep.track.as_deref());
    let mut killed = 0;
    for mu in wrong {
        let r = mutants::try_mutant(&cx, mu, answers);
        match r.result {
            "killed" => killed += 1,
            "survived" => run.rep.violation(format!(
                "mutant {}/{} survived: check {} passed; the lesson it breaks: {}",
                r.exercise, r.name, r.check, r.lesson
            )),
            _ => run.rep.violation(format!(
                "mutant {}/{} could not be tried: {}",
                r.exercise,
                r.name,
                r.message.as_deref().unwrap_or("")
            )),
        }
        run.rep.mutants.push(r);
    }
    format!("mutants: {killed} of {} killed", wrong.len())
}

/// Runs exercises 1..=k with overlay k laid; true when every check passes.
fn overlay(lab: &Lab, exercises: &[Exercise], k: usize, run: &mut Run) -> bool {
    let t0 = Instant::now();
    let cx = context(lab, run);
    let done: Vec<&Exercise> = exercises[..=k].iter().collect();
    let results = check::run_exercises(&cx, &done);
    let ex = &exercises[k];
    let mut bad = 0;
    for r in &results {
        for c in &r.checks {
            match c.status {
                Status::Pass | Status::Skipped => {}
                _ if c.warn => run.rep.warning(format!(
                    "solution {}: {} / {} (warn level) fails: {}",
                    ex.id(),
                    r.id,
                    c.id,
                    first_line(c.message.as_deref())
                )),
                s => {
                    bad += 1;
                    // The command's output, as `check` shows it: why it failed.
                    let evidence = c.evidence(20).map_or(String::new(), |e| format!("\n{e}"));
                    run.rep.violation(format!(
                        "solution {}: {} / {} {}: {}{evidence}",
                        ex.id(),
                        r.id,
                        c.id,
                        s.label(),
                        c.message.as_deref().unwrap_or("").trim_end()
                    ));
                }
            }
        }
    }
    stale_rows(&cx, ex, run);
    let mut summary = if bad == 0 {
        format!("exercises 1..{} pass", k + 1)
    } else {
        format!("{bad} check(s) do not pass")
    };
    if let Some(next) = exercises.get(k + 1).filter(|n| !n.starts_passing) {
        let r: ExerciseResult = check::run_exercise(&cx, next);
        if r.status == Status::Pass {
            run.rep.warning(format!(
                "solution {}: {} already passes before its own solution",
                ex.id(),
                next.id()
            ));
        } else {
            summary.push_str(&format!("; {} fails as it should", next.id()));
        }
    }
    run.rep.steps.push(Step {
        name: format!("solution {}", ex.id()),
        summary,
        duration: t0.elapsed(),
    });
    bad == 0
}

fn first_line(m: Option<&str>) -> &str {
    m.and_then(|m| m.lines().next()).unwrap_or("")
}

/// The blessed CSVs of exercise `ex` must equal what its reference solution returns.
fn stale_rows(cx: &Context, ex: &Exercise, run: &mut Run) {
    for rec in cx
        .recorded
        .borrow()
        .iter()
        .filter(|r| r.exercise == ex.id())
    {
        let rel = cx.expand(&rec.path);
        match blessed_key(cx.lab, &rel, cx.track.as_deref()) {
            Some(key) if cx.lab.tree.get(&key) == Some(rec.csv.as_bytes()) => {}
            Some(key) => run.rep.violation(format!(
                "{} / {}: `{key}` is stale: the reference solution returns other rows; run `labforge template test --bless` and review the diff",
                ex.id(),
                rec.check
            )),
            None => run.rep.violation(format!(
                "{} / {}: `{rel}` does not exist: run `labforge template test --bless` to write it from the reference solution",
                ex.id(),
                rec.check
            )),
        }
    }
}

/// Where in the template an expected CSV lives (None when nowhere yet).
fn blessed_key(lab: &Lab, rel: &str, track: Option<&str>) -> Option<String> {
    let mut keys = vec![rel.to_string(), format!("common/{rel}")];
    keys.extend(track.map(|t| format!("track/{t}/{rel}")));
    keys.into_iter().find(|k| lab.tree.entries.contains_key(k))
}

/// Runs exercise `ex`'s checks with its solution in place and writes the
/// rows of its `sql` checks into the template folder (and the loaded tree).
fn bless(lab: &mut Lab, ex: &Exercise, run: &mut Run) -> Result<()> {
    let recorded = {
        let cx = context(lab, run);
        check::run_exercise(&cx, ex);
        cx.recorded.take()
    };
    let Origin::Local(dir) = lab.origin.clone() else {
        return Ok(());
    };
    for rec in recorded {
        let rel = crate::manifest::expand_vars(
            &rec.path,
            &lab.manifest.track_vars(run.rep.track.as_deref()),
        );
        let key = blessed_key(lab, &rel, run.rep.track.as_deref()).unwrap_or(rel);
        if lab.tree.get(&key) == Some(rec.csv.as_bytes()) {
            continue;
        }
        crate::fsx::write_atomic(&dir.join(&key), rec.csv.as_bytes())?;
        lab.tree.entries.insert(
            key.clone(),
            Entry::File {
                bytes: rec.csv.into_bytes().into(),
                executable: false,
            },
        );
        run.rep.blessed.push(key);
    }
    Ok(())
}
