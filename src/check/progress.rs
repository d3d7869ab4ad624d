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
