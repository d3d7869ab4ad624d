//! Integration tests: labs.

mod conformance;

use crate::support::{labforge, repo_root, require_tool};

/// The api-client lab's Python track proves itself: every check fails on the
/// starter and passes after its cumulative solution overlay, and the ADR
/// checks pass with `solutions/adr/` (H6).
#[test]
fn api_client_python_track_passes_template_test() {
    if !require_tool("python3") {
        return;
    }
    let lab = repo_root().join("labs/api-client");
    let out = labforge(&["template", "test"])
        .arg(lab.display().to_string())
        .arg("--track")
        .arg("python")
        .arg("--trust")
        .run();
    out.code(0).stdout_eq(
        "template test api-client@1.0.0
track python
  setup                    2 command(s) ran [..]
  starter                  21 of 22 checks fail as they should [..]
  solution 01-first-call   exercises 1..1 pass; 02-auth fails as it should [..]
  solution 02-auth         exercises 1..2 pass; 03-pagination fails as it should [..]
  solution 03-pagination   exercises 1..3 pass; 04-errors fails as it should [..]
  solution 04-errors       exercises 1..4 pass; 05-retries fails as it should [..]
  solution 05-retries      exercises 1..5 pass; 06-rate-limits fails as it should [..]
  solution 06-rate-limits  exercises 1..6 pass; 07-safe-writes fails as it should [..]
  solution 07-safe-writes  exercises 1..7 pass; 08-capstone fails as it should [..]
  solution 08-capstone     exercises 1..8 pass [..]
  track python: ok in [..]
result: ok (0 warning(s))
",
    );
}

/// The whole `template test` report of the database lab for one track: every
/// check fails on the starter, overlays pass cumulatively, the blessed CSVs
/// are not stale, and the ADR checks pass with `solutions/adr/` (H8).
fn database_template_test_report(track: &str) -> String {
    format!(
        "template test database@1.0.0
track {track}
  setup                             [..] command(s) ran [..]
  starter                           37 of 37 checks fail as they should [..]
  solution 01-schema                exercises 1..1 pass; 02-read-basics fails as it should [..]
  solution 02-read-basics           exercises 1..2 pass; 03-joins-and-aggregates fails as it should [..]
  solution 03-joins-and-aggregates  exercises 1..3 pass; 04-sql-from-code fails as it should [..]
  solution 04-sql-from-code         exercises 1..4 pass; 05-transactions fails as it should [..]
  solution 05-transactions          exercises 1..5 pass; 06-indexes fails as it should [..]
  solution 06-indexes               exercises 1..6 pass; 07-migrations fails as it should [..]
  solution 07-migrations            exercises 1..7 pass; 08-report fails as it should [..]
  solution 08-report                exercises 1..8 pass [..]
  track {track}: ok in [..]
result: ok (0 warning(s))
"
    )
}

fn database_template_test(track: &str) -> crate::support::Output {
    let lab = repo_root().join("labs/database");
    labforge(&["template", "test"])
        .arg(lab.display().to_string())
        .arg("--track")
        .arg(track)
        .arg("--trust")
        .env(
            "LABFORGE_LAB_TARGET_DIR",
            repo_root().join("target/lab-tracks").display().to_string(),
        )
        .run()
}

#[test]
fn database_python_track_passes_template_test() {
    if !require_tool("python3") {
        return;
    }
    database_template_test("python")
        .code(0)
        .stdout_eq(&database_template_test_report("python"));
}

#[test]
fn database_rust_track_passes_template_test() {
    if !require_tool("cargo") {
        return;
    }
    database_template_test("rust")
        .code(0)
        .stdout_eq(&database_template_test_report("rust"));
}
