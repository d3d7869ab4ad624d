//! Check results: what one check, one exercise and one run ended with, the
//! terminal report (the first failing check in full, the rest one line each)
//! and `results.json` (schema in `docs/checks.md`).

use serde::Serialize;

use crate::error::Status as ExitStatus;

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    Pass,
    Fail,
    /// The check could not be judged: a missing tool, a service that would
    /// not start, a timeout.
    Error,
    /// A check whose optional tool is missing, or that does not apply to the track.
    Skipped,
    /// Not run because a check it `needs` did not pass.
    NotRun,
}

impl Status {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
            Status::NotRun => "not run",
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CheckResult {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) status: Status,
    /// True for a `level = "warn"` check: its failure does not fail the exercise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) warn: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<String>,
    /// The exact command to re-run it.
    pub(crate) command: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) output: Option<String>,
    /// The failing tests' assertions, when the output is a test runner's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) assertion: Option<String>,
    pub(crate) duration_ms: u64,
}

impl CheckResult {
    /// True when this result fails its exercise.
    pub(crate) fn blocks(&self) -> bool {
        !self.warn && matches!(self.status, Status::Fail | Status::Error | Status::NotRun)
    }

    /// What shows why it failed, as the report prints it: the failing
    /// tests' assertions, else the last `max_lines` lines of the output.
    pub(crate) fn evidence(&self, max_lines: usize) -> Option<String> {
        let (title, text) = match (&self.assertion, &self.output) {
            (Some(a), _) => ("failing test:", a.as_str()),
            (None, Some(o)) if !o.trim().is_empty() => ("output (end):", o.as_str()),
            _ => return None,
        };
        let lines: Vec<&str> = text.trim_end().lines().collect();
        let skip = lines.len().saturating_sub(max_lines);
        let mut out = title.to_string();
        for l in &lines[skip..] {
            out.push_str(&format!("\n| {l}"));
        }
        Some(out)
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ExerciseResult {
    pub(crate) id: String,
    #[serde(skip)]
    pub(crate) title: String,
    pub(crate) status: Status,
    pub(crate) checks: Vec<CheckResult>,
}

impl ExerciseResult {
    /// Pass unless a blocking check failed; error when one could not run.
    pub(crate) fn status_of(checks: &[CheckResult]) -> Status {
        let blocking: Vec<&CheckResult> = checks.iter().filter(|c| c.blocks()).collect();
        if blocking.iter().any(|c| c.status == Status::Error) {
            Status::Error
        } else if blocking.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        }
    }
}

/// One `labforge check` run (the root of `results.json`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) version: u32,
    pub(crate) lab: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) track: Option<String>,
    pub(crate) status: Status,
    pub(crate) exercises: Vec<ExerciseResult>,
    /// The learner's current exercise, so the verdict only suggests
    /// `labforge next` when that is what moves on (not written to JSON).
    #[serde(skip)]
    pub(crate) current: Option<String>,
}

impl Report {
    pub(crate) fn new(
        lab: String,
        track: Option<String>,
        exercises: Vec<ExerciseResult>,
    ) -> Report {
        let status = if exercises.iter().any(|e| e.status == Status::Error) {
            Status::Error
        } else if exercises.iter().any(|e| e.status == Status::Fail) {
            Status::Fail
        } else {
            Status::Pass
        };
        Report {
            version: 1,
            lab,
            track,
            status,
            exercises,
            current: None,
        }
    }

    /// 0 all pass, 1 a check failed, 2 a check could not run.
    pub(crate) fn exit_status(&self) -> ExitStatus {
        match self.status {
            Status::Pass | Status::Skipped => ExitStatus::Success,
            Status::Fail | Status::NotRun => ExitStatus::No,
            Status::Error => ExitStatus::Failure,
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("results serialize") + "\n"
    }

    /// The terminal report.
    pub(crate) fn render(&self) -> String {
        let pairs = || {
            self.exercises
                .iter()
                .flat_map(|e| e.checks.iter().map(move |c| (e, c)))
        };
        // An environment problem comes first: nothing else can be trusted until it is fixed.
        let first_error = pairs().find(|(_, c)| c.blocks() && c.status == Status::Error);
        let first_failure = pairs().find(|(_, c)| c.blocks() && c.status != Status::NotRun);
        let in_full_check = first_error.or(first_failure);
        let mut out = String::new();
        for ex in &self.exercises {
            out.push_str(&format!(
                "{} {}: {}\n",
                ex.status.label().to_uppercase(),
                ex.id,
                ex.title
            ));
            for c in &ex.checks {
                out.push_str(&one_line(c));
            }
        }
        if let Some((ex, c)) = in_full_check {
            out.push('\n');
            out.push_str(&in_full(ex, c));
        }
        out.push('\n');
        out.push_str(&self.summary());
        out
    }

    fn summary(&self) -> String {
        let all: Vec<&CheckResult> = self.exercises.iter().flat_map(|e| &e.checks).collect();
        let count = |s: Status| {
            all.iter()
                .filter(|c| c.status == s && !(c.warn && s == Status::Fail))
                .count()
        };
        let warned = all
            .iter()
            .filter(|c| c.warn && c.status == Status::Fail)
            .count();
        let mut parts = vec![format!("{} passed", count(Status::Pass))];
        for (s, word) in [
            (Status::Fail, "failed"),
            (Status::Error, "could not run"),
            (Status::NotRun, "not run"),
            (Status::Skipped, "skipped"),
        ] {
            if count(s) > 0 {
                parts.push(format!("{} {word}", count(s)));
            }
        }
        if warned > 0 {
            parts.push(format!("{warned} warned"));
        }
        let checks = if all.len() == 1 { "check" } else { "checks" };
        let verdict = match self.status {
            Status::Pass if self.exercises.len() == 1 && self.current.as_deref() == Some(self.exercises[0].id.as_str()) => {
                format!("{} passes: run `labforge next` to move on", self.exercises[0].id)
            }
            Status::Pass if self.exercises.len() == 1 => format!(
                "{} passes (your current exercise is {}: `labforge check` checks it)",
                self.exercises[0].id,
                self.current.as_deref().unwrap_or("-")
            ),
            Status::Pass => "every exercise passes".to_string(),
            Status::Error => "some checks could not run: fix the environment problem above and check again".to_string(),
            _ => "fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)".to_string(),
        };
        format!("{} {checks}: {}.\n{verdict}\n", all.len(), parts.join(", "))
    }
}

fn one_line(c: &CheckResult) -> String {
    let label = match (c.status, c.warn) {
        (Status::Fail, true) => "warn".to_string(),
        (s, _) => s.label().to_string(),
    };
    let why = match (c.status, &c.message) {
        (Status::NotRun | Status::Skipped, Some(m)) => format!(" ({m})"),
        // An ADR check's first line counts its findings and names the
        // command that lists them: the findings themselves are in the full
        // report (`check N`), `hint` and `adr lint`, never twice here.
        (Status::Fail, Some(m)) if c.kind == "adr" => {
            format!(" {}", m.lines().next().unwrap_or("").trim_end_matches(':'))
        }
        // "4 placeholders are left" then one place read as if only one was
        // (new-user trial): the line says it shows the first.
        (Status::Fail, Some(m)) if c.kind == "no_placeholders" => {
            let mut lines = m.lines();
            let first = lines.next().unwrap_or("").trim_end_matches(':');
            match lines.next() {
                Some(place) if m.lines().count() > 2 => {
                    format!(" {first}; the first: {}", place.trim())
                }
                Some(place) => format!(" {first}: {}", place.trim()),
                None => format!(" {first}"),
            }
        }
        (Status::Fail | Status::Error, Some(m)) => format!(" {}", summary_line(m)),
        _ => String::new(),
    };
    let time = match c.status {
        Status::NotRun | Status::Skipped => String::new(),
        _ => format!(
            " [{}]",
            crate::exec::human_duration(std::time::Duration::from_millis(c.duration_ms))
        ),
    };
    // One line per check, also for an unfinished ADR: listing its findings
    // here buried the code failures of `check --all` under dozens of lines
    // (new-user trial, issue 17); its line names the command that lists them.
    format!("  {label:<8} {}{time}{why}\n", c.id)
}

/// The first line of a message; when it only introduces the next one
/// ("… differs …:"), the two together.
fn summary_line(message: &str) -> String {
    let mut lines = message.lines();
    let first = lines.next().unwrap_or("");
    match lines.next() {
        Some(second) if first.ends_with(':') => format!("{first} {}", second.trim()),
        _ => first.to_string(),
    }
}

fn in_full(ex: &ExerciseResult, c: &CheckResult) -> String {
    let mut out = format!(
        "{} `{}` ({} check) of {}:\n",
        c.status.label().to_uppercase(),
        c.id,
        c.kind,
        ex.id
    );
    if let Some(m) = &c.message {
        for l in m.lines() {
            out.push_str(&format!("  {l}\n"));
        }
    }
    if let Some(a) = &c.assertion {
        // What the test expected and got says more than the output's end.
        out.push_str("  failing test:\n");
        for l in a.lines() {
            out.push_str(&format!("  | {l}\n"));
        }
    } else if let Some(o) = c.output.as_deref().filter(|o| !o.trim().is_empty()) {
        out.push_str("  output (end):\n");
        for l in o.trim_end().lines() {
            out.push_str(&format!("  | {l}\n"));
        }
    }
    if let Some(h) = &c.hint {
        out.push_str(&format!("  hint: {h}\n"));
    }
    out.push_str(&format!("  re-run: {}\n", c.command));
    out
}
