//! Runs the checks of exercises in order: `needs = "tests"` makes a check
//! "not run" after that check did not pass; `needs = ["docker"]` makes it an
//! error (or skipped when `optional = true`) when the tool is missing; the
//! services a check names are started fresh for it and stopped after it.

use std::io::IsTerminal;
use std::time::Instant;

use super::kinds::{self, Job, Outcome};
use super::results::{CheckResult, ExerciseResult, Status};
use super::{Context, services, tools};
use crate::error::Error;
use crate::manifest::{CheckDef, CheckKind, CheckNeeds, Exercise, parse_duration};

/// Runs every check of `ex`.
pub fn run_exercise(cx: &Context, ex: &Exercise) -> ExerciseResult {
    let mut results: Vec<CheckResult> = Vec::new();
    for (i, check) in ex.checks().enumerate() {
        let r = run_check(cx, ex, check, i, &results);
        results.push(r);
    }
    ExerciseResult {
        id: ex.id().to_string(),
        title: ex.title.clone(),
        status: ExerciseResult::status_of(&results),
        checks: results,
    }
}

/// Runs several exercises, one after the other.
pub fn run_exercises(cx: &Context, exercises: &[&Exercise]) -> Vec<ExerciseResult> {
    exercises.iter().map(|ex| run_exercise(cx, ex)).collect()
}

/// Runs check `id` of `ex` after only the checks it `needs` (transitively),
/// as `template test` does for a mutant. An unknown id is an error result.
pub fn run_check_with_needs(cx: &Context, ex: &Exercise, id: &str) -> CheckResult {
    let checks: Vec<(usize, &CheckDef)> = ex.checks().enumerate().collect();
    let mut wanted = vec![id.to_string()];
    let mut i = 0;
    while i < wanted.len() {
        if let Some((_, c)) = checks.iter().find(|(n, c)| c.id_or(*n) == wanted[i])
            && let Some(CheckNeeds::Check(dep)) = &c.needs
            && !wanted.contains(dep)
        {
            wanted.push(dep.clone());
        }
        i += 1;
    }
    let mut results: Vec<CheckResult> = Vec::new();
    for (n, check) in checks {
        if wanted.contains(&check.id_or(n)) {
            let r = run_check(cx, ex, check, n, &results);
            if r.id == id {
                return r;
            }
            results.push(r);
        }
    }
    CheckResult {
        id: id.to_string(),
        kind: "unknown",
        status: Status::Error,
        warn: false,
        message: Some(format!("exercise `{}` has no check `{id}`", ex.id())),
        hint: None,
        command: format!("labforge check {}", ex.id()),
        output: None,
        duration_ms: 0,
    }
}

/// An error's message, detail lines and help, as one check message.
pub fn error_text(e: &Error) -> String {
    let mut out = e.message.clone();
    for d in &e.details {
        out.push('\n');
        out.push_str(d);
    }
    if let Some(h) = &e.help {
        out.push_str(&format!("\nhelp: {h}"));
    }
    out
}

fn run_check(
    cx: &Context,
    ex: &Exercise,
    check: &CheckDef,
    index: usize,
    earlier: &[CheckResult],
) -> CheckResult {
    let id = check.id_or(index);
    let kind = *check.kind.get_ref();
    let rerun = match kind {
        CheckKind::Command => kinds::command::command_of(
            cx,
            &Job {
                exercise: ex,
                check,
                id: &id,
                timeout: kinds::default_timeout(kind),
                services: &[],
            },
        )
        .unwrap_or_else(|| format!("labforge check {}", ex.id())),
        _ => format!("labforge check {}", ex.id()),
    };
    let started = Instant::now();
    let outcome = gate(cx, check, earlier).unwrap_or_else(|| execute(cx, ex, check, &id));
    let failed = matches!(outcome.status, Status::Fail | Status::Error);
    CheckResult {
        id,
        kind: kind.as_str(),
        status: outcome.status,
        warn: check.level == crate::manifest::CheckLevel::Warn,
        message: outcome.message,
        hint: if failed {
            check.hint.as_ref().map(|h| cx.expand(h))
        } else {
            None
        },
        command: rerun,
        output: if failed { outcome.output } else { None },
        duration_ms: if matches!(outcome.status, Status::NotRun | Status::Skipped) {
            0
        } else {
            started.elapsed().as_millis() as u64
        },
    }
}

/// Starts the check's services, runs it, stops them.
fn execute(cx: &Context, ex: &Exercise, check: &CheckDef, id: &str) -> Outcome {
    if std::io::stderr().is_terminal() {
        eprintln!("checking {} / {id} …", ex.id());
    }
    let kind = *check.kind.get_ref();
    let timeout = check
        .timeout
        .as_ref()
        .and_then(|t| parse_duration(t.get_ref()).ok())
        .unwrap_or_else(|| kinds::default_timeout(kind));
    let mut names: Vec<String> = check.services.clone();
    names.extend(check.service.iter().cloned());
    names.dedup();
    match services::start_all(cx, &names) {
        Err(e) => Outcome::error(error_text(&e)),
        Ok(instances) => {
            let job = Job {
                exercise: ex,
                check,
                id,
                timeout,
                services: &instances,
            };
            let outcome = kinds::run(cx, &job).unwrap_or_else(|e| Outcome::error(error_text(&e)));
            // Dropping the instances kills the services' process groups.
            drop(instances);
            outcome
        }
    }
}

/// Decides whether a check runs at all: Some(outcome) when it does not.
fn gate(cx: &Context, check: &CheckDef, earlier: &[CheckResult]) -> Option<Outcome> {
    match &check.needs {
        Some(CheckNeeds::Check(dep)) => {
            let passed = earlier
                .iter()
                .any(|r| &r.id == dep && r.status == Status::Pass);
            if !passed {
                return Some(Outcome {
                    status: Status::NotRun,
                    message: Some(format!("after {dep} failed")),
                    output: None,
                });
            }
        }
        Some(CheckNeeds::Tools(list)) => {
            for t in list {
                if let Err(e) = tools::check_need(t, "this check", &cx.root) {
                    return Some(if check.optional {
                        Outcome::skipped(format!(
                            "optional, and {}",
                            e.message.replace(" (needed by this check)", "")
                        ))
                    } else {
                        Outcome::error(error_text(&e))
                    });
                }
            }
        }
        None => {}
    }
    None
}
