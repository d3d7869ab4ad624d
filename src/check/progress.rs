//! The learner's progress in `.labforge/state.toml`: the current exercise,
//! when each exercise first passed, and how many hints were revealed.
//! `check --all` rebuilds `done` from real results.

use crate::manifest::Manifest;
use crate::state::State;

use super::results::{ExerciseResult, Status};

/// Now, as a TOML datetime in UTC (seconds precision).
pub fn now() -> toml::value::Datetime {
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
pub fn record(state: &mut State, m: &Manifest, results: &[ExerciseResult], all: bool) {
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
        state.current = first_not_done(state, m).or_else(|| state.current.clone());
    }
}

/// The first exercise (in lab order) that is not done.
pub fn first_not_done(state: &State, m: &Manifest) -> Option<String> {
    m.exercises()
        .map(|e| e.id().to_string())
        .find(|id| !state.done.contains_key(id))
}

/// The exercise after `id` in lab order.
pub fn after(m: &Manifest, id: &str) -> Option<String> {
    let ids: Vec<&str> = m.exercises().map(|e| e.id()).collect();
    let pos = ids.iter().position(|e| *e == id)?;
    ids.get(pos + 1).map(|s| s.to_string())
}

/// One row of `labforge status`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatusRow {
    pub id: String,
    pub title: String,
    /// `done`, `current` or `todo`.
    pub state: &'static str,
    pub done_at: Option<String>,
    pub hints_used: u32,
    pub hints: usize,
}

/// `labforge status --json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatusReport {
    pub lab: String,
    pub track: Option<String>,
    pub current: Option<String>,
    pub exercises: Vec<StatusRow>,
}

impl StatusReport {
    pub fn new(state: &State, m: &Manifest) -> StatusReport {
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
    pub fn render(&self) -> String {
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
            let mark = if r.state == "current" { ">" } else { " " };
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
pub fn reveal_hint(state: &mut State, id: &str, hints: &[String], doc: Option<&str>) -> String {
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
