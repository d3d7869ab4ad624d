//! The report of `labforge template test`: per track, each step with its
//! timing, then every violation (exit 1) and warning; or JSON.

use std::time::Duration;

use serde::Serialize;

use super::lint::{Finding, Level};
use crate::error::Status;
use crate::exec::human_duration;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Step {
    pub(crate) name: String,
    pub(crate) summary: String,
    #[serde(rename = "duration_ms", serialize_with = "ms")]
    pub(crate) duration: Duration,
}

pub(crate) fn ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TrackReport {
    pub(crate) track: Option<String>,
    pub(crate) steps: Vec<Step>,
    pub(crate) violations: Vec<String>,
    pub(crate) warnings: Vec<String>,
    /// The track could not be tested (a missing tool).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    /// Expected CSVs written by `--bless`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) blessed: Vec<String>,
    /// Every wrong solution tried, killed or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) mutants: Vec<super::mutants::MutantResult>,
    /// The rendered folder, kept with `--keep`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kept: Option<String>,
    #[serde(rename = "duration_ms", serialize_with = "ms")]
    pub(crate) total: Duration,
}

impl TrackReport {
    pub(crate) fn new(track: Option<&str>) -> TrackReport {
        TrackReport {
            track: track.map(str::to_string),
            steps: Vec::new(),
            violations: Vec::new(),
            warnings: Vec::new(),
            error: None,
            blessed: Vec::new(),
            mutants: Vec::new(),
            kept: None,
            total: Duration::ZERO,
        }
    }
    pub(crate) fn violation(&mut self, v: String) {
        self.violations.push(v);
    }
    pub(crate) fn warning(&mut self, w: String) {
        self.warnings.push(w);
    }
    fn name(&self) -> String {
        self.track
            .as_deref()
            .map_or("(no track)".to_string(), |t| format!("track {t}"))
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) lab: String,
    pub(crate) lint: Vec<Finding>,
    pub(crate) tracks: Vec<TrackReport>,
}

impl Report {
    fn lint_errors(&self) -> usize {
        self.lint.iter().filter(|f| f.level == Level::Error).count()
    }

    /// 0 every track passes, 1 a violation, 2 a track could not be tested.
    pub(crate) fn exit_status(&self) -> Status {
        if self.tracks.iter().any(|t| t.error.is_some()) {
            Status::Failure
        } else if self.lint_errors() > 0 || self.tracks.iter().any(|t| !t.violations.is_empty()) {
            Status::No
        } else {
            Status::Success
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("report serializes");
        let status = match self.exit_status() {
            Status::Success => "pass",
            Status::No => "fail",
            Status::Failure => "error",
        };
        v["status"] = serde_json::json!(status);
        serde_json::to_string_pretty(&v).expect("json") + "\n"
    }

    pub(crate) fn render(&self) -> String {
        let mut out = format!("template test {}\n", self.lab);
        for f in &self.lint {
            out.push_str(&format!("lint {}\n", f.render()));
        }
        for t in &self.tracks {
            out.push_str(&format!("{}\n", t.name()));
            let w = t.steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
            for s in &t.steps {
                out.push_str(&format!(
                    "  {:<w$}  {} [{}]\n",
                    s.name,
                    s.summary,
                    human_duration(s.duration)
                ));
            }
            if let Some(e) = &t.error {
                out.push_str(&format!("  could not test this track: {}\n", indent(e)));
            }
            for v in &t.violations {
                out.push_str(&format!("  violation: {}\n", indent(v)));
            }
            for wmsg in &t.warnings {
                out.push_str(&format!("  warning: {}\n", indent(wmsg)));
            }
            for b in &t.blessed {
                out.push_str(&format!("  blessed {b}\n"));
            }
            if !t.blessed.is_empty() {
                out.push_str("  (run `labforge template test` again without --bless to check the starter against them)\n");
            }
            if let Some(k) = &t.kept {
                out.push_str(&format!("  kept {k}\n"));
            }
            let verdict = if t.error.is_some() {
                "not tested"
            } else if t.violations.is_empty() {
                "ok"
            } else {
                "FAILED"
            };
            out.push_str(&format!(
                "  {}: {verdict} in {}\n",
                t.name(),
                human_duration(t.total)
            ));
        }
        let violations: usize = self
            .tracks
            .iter()
            .map(|t| t.violations.len())
            .sum::<usize>()
            + self.lint_errors();
        let warnings: usize = self.tracks.iter().map(|t| t.warnings.len()).sum::<usize>()
            + self.lint.len()
            - self.lint_errors();
        out.push_str(&match self.exit_status() {
            Status::Success => format!("result: ok ({warnings} warning(s))\n"),
            Status::No => format!("result: {violations} violation(s), {warnings} warning(s)\n"),
            Status::Failure => {
                "result: a track could not be tested; install what it names and run again\n"
                    .to_string()
            }
        });
        out
    }
}

fn indent(text: &str) -> String {
    text.trim_end().replace('\n', "\n    ")
}
