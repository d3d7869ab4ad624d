//! The learner's progress in `.labforge/state.toml`: the current exercise,
//! when each exercise first passed, and how many hints were revealed.
//! `check --all` rebuilds `done` from real results. The current exercise
//! moves only by `labforge next` (or `reset`): a check never moves it, so a
//! learner who passed 04 and ran `check --all` is still on 04 (issue 17).

use crate::error::{Error, Result, Status as ExitStatus};
use crate::manifest::Manifest;
use crate::state::State;

use super::results::{ExerciseResult, Status};

/// Now, as a TOML datetime in UTC (seconds precision).
pub(crate) fn now() -> toml::value::Datetime {
    let t = time::OffsetDateTime::now_utc();
    let text = t
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into());
    // Drop sub-seconds: `2026-11-24T10:02:11Z`.
    let text = match (text.find('.'), text.ends_with('Z')) {
        (Some(dot), true) => format!("{}Z", &text[..dot]),
        _ => text,
    };
    text.parse().expect("RFC 3339 is a TOML datetime")
}

/// Records the results of one run. With `all`, exercises that fail lose
/// their `done` mark (progress is rebuilt from the results).
pub(crate) fn record(state: &mut State, m: &Manifest, results: &[ExerciseResult], all: bool) {
    for r in results {
        match r.status {
            Status::Pass => {
                state.done.entry(r.id.clone()).or_insert_with(now);
            }
            Status::Fail if all => {
                state.done.remove(&r.id);
            }
            _ => {}
        }
    }
    if all {
        state.done.retain(|id, _| m.exercise_by_id(id).is_some());
        // Only a current exercise that is gone (a template update removed
        // it) or was never set is replaced: progress never moves it.
        let known = state
            .current
            .as_deref()
            .is_some_and(|c| m.exercise_by_id(c).is_some());
        if !known {
            state.current = first_not_done(state, m);
        }
    }
}

/// The first exercise (in lab order) that is not done.
pub(crate) fn first_not_done(state: &State, m: &Manifest) -> Option<String> {
    m.exercises()
        .map(|e| e.id().to_string())
        .find(|id| !state.done.contains_key(id))
}

/// The exercise after `id` in lab order.
pub(crate) fn after(m: &Manifest, id: &str) -> Option<String> {
    let ids: Vec<&str> = m.exercises().map(|e| e.id()).collect();
    let pos = ids.iter().position(|e| *e == id)?;
    ids.get(pos + 1).map(|s| s.to_string())
}

/// Where `labforge next` moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// The exercise that is current now (already set in state).
    Now(String),
    /// Every exercise passes: nothing to move to (state unchanged).
    AllDone,
}

/// Moves on from `current`, which must pass already (else an error with
/// exit code 1 and how to look ahead anyway): to the next exercise in lab
/// order that is not done, else the first not done. Sets `state.current`.
pub(crate) fn advance(state: &mut State, m: &Manifest, current: &str) -> Result<Next> {
    if !state.done.contains_key(current) {
        return Err(Error::new(format!("{current} does not pass yet"))
            .with_status(ExitStatus::No)
            .with_help(format!("run `labforge check` until it passes (`labforge hint` helps); to look ahead anyway: `labforge check {}`", after(m, current).unwrap_or(current.to_string()))));
    }
    let next = after(m, current)
        .filter(|n| !state.done.contains_key(n))
        .or_else(|| first_not_done(state, m));
    Ok(match next {
        Some(next) => {
            state.current = Some(next.clone());
            Next::Now(next)
        }
        None => Next::AllDone,
    })
}

/// One row of `labforge status`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct StatusRow {
    pub(crate) id: String,
    pub(crate) title: String,
    /// `done`, `current` or `todo`.
    pub(crate) state: &'static str,
    pub(crate) done_at: Option<String>,
    pub(crate) hints_used: u32,
    pub(crate) hints: usize,
}

/// `labforge status --json`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct StatusReport {
    pub(crate) lab: String,
    pub(crate) track: Option<String>,
    pub(crate) current: Option<String>,
    pub(crate) exercises: Vec<StatusRow>,
}

impl StatusReport {
    pub(crate) fn new(state: &State, m: &Manifest) -> StatusReport {
        let current = state
            .current
            .clone()
            .or_else(|| m.exercises().next().map(|e| e.id().to_string()));
        let exercises = m
            .exercises()
            .map(|e| {
                let id = e.id().to_string();
                let st = if state.done.contains_key(&id) {
                    "done"
                } else if current.as_deref() == Some(id.as_str()) {
                    "current"
                } else {
                    "todo"
                };
                StatusRow {
                    done_at: state.done.get(&id).map(|d| d.to_string()),
                    hints_used: state.hints.get(&id).copied().unwrap_or(0),
                    hints: e.hints.len(),
                    title: e.title.clone(),
                    state: st,
                    id,
                }
            })
            .collect();
        StatusReport {
            lab: state.lab.clone(),
            track: state.track.clone(),
            current,
            exercises,
        }
    }

    /// The progress table.
    pub(crate) fn render(&self) -> String {
        let w = self
            .exercises
            .iter()
            .map(|r| r.id.len())
            .max()
            .unwrap_or(0)
            .max("exercise".len());
        let track = self
            .track
            .as_deref()
            .map_or(String::new(), |t| format!(" ({t} track)"));
        let mut out = format!(
            "{}{track}\n  {:<w$}  {:<7}  hints  title\n",
            self.lab, "exercise", "state"
        );
        for r in &self.exercises {
            // The current exercise is marked also once it passed (until `next`).
            let mark = if self.current.as_deref() == Some(r.id.as_str()) {
                ">"
            } else {
                " "
            };
            let hints = format!("{}/{}", r.hints_used, r.hints);
            out.push_str(&format!(
                "{mark} {:<w$}  {:<7}  {hints:<5}  {}\n",
                r.id, r.state, r.title
            ));
        }
        let done = self.exercises.iter().filter(|r| r.state == "done").count();
        out.push_str(&format!(
            "{done} of {} exercises done\n",
            self.exercises.len()
        ));
        out
    }
}

/// Reveals the next hint of exercise `id` (counted in state) and returns
/// what to print.
pub(crate) fn reveal_hint(
    state: &mut State,
    id: &str,
    hints: &[String],
    doc: Option<&str>,
) -> String {
    if hints.is_empty() {
        return format!(
            "{id} has no hints: its exercise text ({}) says what is checked\n",
            doc.unwrap_or("README.md")
        );
    }
    let used = state.hints.get(id).copied().unwrap_or(0) as usize;
    if used >= hints.len() {
        let mut out = format!("every hint of {id} is shown already:\n");
        for (i, h) in hints.iter().enumerate() {
            out.push_str(&format!("  {}. {h}\n", i + 1));
        }
        out.push_str(&format!(
            "once it passes, `labforge solution {id}` shows the reference solution\n"
        ));
        return out;
    }
    state.hints.insert(id.to_string(), (used + 1) as u32);
    let mut out = format!(
        "hint {}/{} for {id}: {}\n",
        used + 1,
        hints.len(),
        hints[used]
    );
    if used + 1 < hints.len() {
        out.push_str("(run `labforge hint` again for the next one)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let text = r#"schema = 1
[lab]
id = "p"
title = "P"
version = "1.0.0"
[[exercise]]
id = "01-a"
title = "A"
hints = ["one", "two"]
[[exercise]]
id = "02-b"
title = "B"
"#;
        crate::manifest::parse(text, std::path::Path::new("lab.toml")).unwrap()
    }

    fn state() -> State {
        toml::from_str("schema = 1\nlab = \"p@1.0.0\"\nsource = \"builtin:p\"\ntemplate = \"sha256:0\"\nlabforge = \"0.1.0\"\n").unwrap()
    }

    fn result(id: &str, status: Status) -> ExerciseResult {
        ExerciseResult {
            id: id.into(),
            title: String::new(),
            status,
            checks: Vec::new(),
        }
    }

    #[test]
    fn check_all_rebuilds_done_and_current() {
        let m = manifest();
        let mut s = state();
        s.done.insert("02-b".into(), now());
        s.done.insert("99-gone".into(), now());
        record(
            &mut s,
            &m,
            &[result("01-a", Status::Pass), result("02-b", Status::Fail)],
            true,
        );
        assert_eq!(s.done.keys().collect::<Vec<_>>(), ["01-a"]);
        assert_eq!(s.current.as_deref(), Some("02-b"));
    }

    #[test]
    fn check_all_never_moves_a_known_current_exercise() {
        let m = manifest();
        let mut s = state();
        s.current = Some("01-a".into());
        record(
            &mut s,
            &m,
            &[result("01-a", Status::Pass), result("02-b", Status::Fail)],
            true,
        );
        assert_eq!(s.current.as_deref(), Some("01-a"));
        s.current = Some("99-gone".into());
        record(
            &mut s,
            &m,
            &[result("01-a", Status::Pass), result("02-b", Status::Fail)],
            true,
        );
        assert_eq!(s.current.as_deref(), Some("02-b"));
    }

    #[test]
    fn one_exercise_keeps_other_marks_and_the_first_pass_time() {
        let m = manifest();
        let mut s = state();
        let first: toml::value::Datetime = "2026-01-01T00:00:00Z".parse().unwrap();
        s.done.insert("01-a".into(), first);
        record(&mut s, &m, &[result("01-a", Status::Pass)], false);
        record(&mut s, &m, &[result("02-b", Status::Fail)], false);
        assert_eq!(s.done.get("01-a"), Some(&first));
        assert_eq!(s.done.len(), 1);
    }

    #[test]
    fn hints_are_counted_once_each() {
        let mut s = state();
        let hints = vec!["one".to_string(), "two".to_string()];
        assert_eq!(
            reveal_hint(&mut s, "01-a", &hints, None),
            "hint 1/2 for 01-a: one\n(run `labforge hint` again for the next one)\n"
        );
        assert_eq!(
            reveal_hint(&mut s, "01-a", &hints, None),
            "hint 2/2 for 01-a: two\n"
        );
        assert!(
            reveal_hint(&mut s, "01-a", &hints, None)
                .starts_with("every hint of 01-a is shown already:\n")
        );
        assert_eq!(s.hints.get("01-a"), Some(&2));
    }
}
