//! Runs the checks of exercises in order: `needs = "tests"` makes a check
//! "not run" after that check did not pass; `needs = ["docker"]` makes it an
//! error (or skipped when `optional = true`) when the tool is missing; the
//! services a check names are started fresh for it and stopped after it.

use std::time::Instant;

use super::kinds::{self, Job, Outcome};
use super::results::{CheckResult, ExerciseResult, Status};
use super::{Context, live, services};
use crate::error::{Cause, Error};
use crate::manifest::{CheckDef, CheckKind, CheckNeeds, Exercise, parse_duration};
use crate::tools;

/// Runs every check of `ex`.
pub(crate) fn run_exercise(cx: &Context, ex: &Exercise) -> ExerciseResult {
    let mut results: Vec<CheckResult> = Vec::new();
    for (i, check) in ex.checks().enumerate() {
        if crate::interrupt::requested().is_some() {
            break;
        }
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

/// Runs several exercises, one after the other. After Ctrl-C it stops, and
/// the exercise that was cut short is left out (only complete results are
/// saved).
pub(crate) fn run_exercises(cx: &Context, exercises: &[&Exercise]) -> Vec<ExerciseResult> {
    let mut out = Vec::new();
    for ex in exercises {
        let r = run_exercise(cx, ex);
        if crate::interrupt::requested().is_some() {
            break;
        }
        out.push(r);
    }
    out
}

/// Runs check `id` of `ex` after only the checks it `needs` (transitively),
/// as `template test` does for a mutant. An unknown id is an error result.
pub(crate) fn run_check_with_needs(cx: &Context, ex: &Exercise, id: &str) -> CheckResult {
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
        assertion: None,
        duration_ms: 0,
    }
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
    let outcome = gate(cx, check, earlier).unwrap_or_else(|| {
        let line = live::CheckLine::start(ex.id(), &id, build_note(cx, check));
        let outcome = execute(cx, ex, check, &id);
        let warned =
            outcome.status == Status::Fail && check.level == crate::manifest::CheckLevel::Warn;
        line.finish(
            if warned {
                "warn"
            } else {
                outcome.status.label()
            },
            started.elapsed(),
        );
        outcome
    });
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
        assertion: if failed { outcome.assertion } else { None },
        duration_ms: if matches!(outcome.status, Status::NotRun | Status::Skipped) {
            0
        } else {
            started.elapsed().as_millis() as u64
        },
    }
}

/// Why a check may take long to start: its command, or a service it
/// starts, builds a Rust track for the first time.
fn build_note(cx: &Context, check: &CheckDef) -> Option<&'static str> {
    let track = cx.track.as_deref();
    let mut cmds: Vec<String> = check
        .run
        .as_ref()
        .and_then(|r| r.for_track(track))
        .map(|c| cx.expand(c))
        .into_iter()
        .collect();
    for name in check.services.iter().chain(check.service.iter()) {
        if let Some(c) = cx
            .manifest()
            .service
            .get(name)
            .and_then(|s| s.run.for_track(track))
        {
            cmds.push(cx.expand(c));
        }
    }
    let target = cx
        .root
        .join(cx.vars.get("target_dir").map_or("target", String::as_str));
    cmds.iter().find_map(|c| live::build_note(c, &target))
}

/// Starts the check's services, runs it, stops them.
fn execute(cx: &Context, ex: &Exercise, check: &CheckDef, id: &str) -> Outcome {
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
        // A service that stopped before it was ready: the learner's code does
        // not build or crashes at start, which is a failing check.
        Err(Error {
            message,
            cause:
                Some(Cause::NotReady {
                    exited: true,
                    output,
                }),
            ..
        }) => Outcome::fail(message).with_output(output.join("\n")),
        Err(e) => Outcome::error(e.text()),
        Ok(instances) => {
            let job = Job {
                exercise: ex,
                check,
                id,
                timeout,
                services: &instances,
            };
            let outcome = kinds::run(cx, &job).unwrap_or_else(|e| Outcome::error(e.text()));
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
                    assertion: None,
                });
            }
        }
        Some(CheckNeeds::Tools(list)) => {
            for t in list {
                if let Err(e) = tools::check_need(t, "this check", &cx.root) {
                    return Some(if check.optional {
                        let why = match &e.cause {
                            Some(Cause::MissingTool { tool }) => tools::not_found(tool),
                            _ => e.message,
                        };
                        Outcome::skipped(format!("optional, and {why}"))
                    } else {
                        Outcome::error(e.text())
                    });
                }
            }
        }
        None => {}
    }
    None
}
