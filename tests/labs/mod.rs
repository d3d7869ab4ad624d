//! Integration tests: labs.

mod conformance;

use crate::support::{labforge, repo_root, require_tool};
use snapbox::str;

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
    out.code(0).stdout_eq(str![[r#"
template test api-client@1.0.0
track python
  setup                    2 command(s) ran [..]
  starter                  21 of 22 checks fail as they should [..]
  solution 01-first-call   exercises 1..1 pass; 02-auth fails as it should; mutants: 5 of 5 killed [..]
  solution 02-auth         exercises 1..2 pass; 03-pagination fails as it should; mutants: 7 of 7 killed [..]
  solution 03-pagination   exercises 1..3 pass; 04-errors fails as it should; mutants: 5 of 5 killed [..]
  solution 04-errors       exercises 1..4 pass; 05-retries fails as it should; mutants: 4 of 4 killed [..]
  solution 05-retries      exercises 1..5 pass; 06-rate-limits fails as it should; mutants: 5 of 5 killed [..]
  solution 06-rate-limits  exercises 1..6 pass; 07-safe-writes fails as it should; mutants: 4 of 4 killed [..]
  solution 07-safe-writes  exercises 1..7 pass; 08-capstone fails as it should; mutants: 3 of 3 killed [..]
  solution 08-capstone     exercises 1..8 pass; mutants: 4 of 4 killed [..]
  track python: ok in [..]
result: ok (0 warning(s))

"#]]);
}

/// The whole `template test` report of the database lab for one track: every
/// check fails on the starter, overlays pass cumulatively, the blessed CSVs
/// are not stale, the ADR checks pass with `solutions/adr/` (H8), and every
/// wrong solution of every exercise is refused by its check (issue 17).
fn database_template_test_report(track: &str) -> String {
    // Mutants per exercise on this track (common ones count for both).
    let m: [usize; 8] = [
        6,
        5,
        4,
        if track == "python" { 4 } else { 3 },
        3,
        5,
        if track == "python" { 5 } else { 4 },
        3,
    ];
    format!(
        "template test database@1.0.0
track {track}
  setup                             [..] command(s) ran [..]
  starter                           38 of 38 checks fail as they should [..]
  solution 01-schema                exercises 1..1 pass; 02-read-basics fails as it should; mutants: {0} of {0} killed [..]
  solution 02-read-basics           exercises 1..2 pass; 03-joins-and-aggregates fails as it should; mutants: {1} of {1} killed [..]
  solution 03-joins-and-aggregates  exercises 1..3 pass; 04-sql-from-code fails as it should; mutants: {2} of {2} killed [..]
  solution 04-sql-from-code         exercises 1..4 pass; 05-transactions fails as it should; mutants: {3} of {3} killed [..]
  solution 05-transactions          exercises 1..5 pass; 06-indexes fails as it should; mutants: {4} of {4} killed [..]
  solution 06-indexes               exercises 1..6 pass; 07-migrations fails as it should; mutants: {5} of {5} killed [..]
  solution 07-migrations            exercises 1..7 pass; 08-report fails as it should; mutants: {6} of {6} killed [..]
  solution 08-report                exercises 1..8 pass; mutants: {7} of {7} killed [..]
  track {track}: ok in [..]
result: ok (0 warning(s))
",
        m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]
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
        .stdout_eq(database_template_test_report("python"));
}

#[test]
fn database_rust_track_passes_template_test() {
    if !require_tool("cargo") {
        return;
    }
    database_template_test("rust")
        .code(0)
        .stdout_eq(database_template_test_report("rust"));
}

/// The api-client lab's Rust track proves itself the same way; its cargo
/// builds share `<CARGO_TARGET_DIR or target>/lab-tracks` (H7).
#[test]
fn api_client_rust_track_passes_template_test() {
    if !require_tool("cargo") {
        return;
    }
    let lab = repo_root().join("labs/api-client");
    let out = labforge(&["template", "test"])
        .arg(lab.display().to_string())
        .arg("--track")
        .arg("rust")
        .arg("--trust")
        .env(
            "LABFORGE_LAB_TARGET_DIR",
            conformance::lab_target_dir().display().to_string(),
        )
        .run();
    out.code(0).stdout_eq(str![[r#"
template test api-client@1.0.0
track rust
  setup                    1 command(s) ran [..]
  starter                  21 of 22 checks fail as they should [..]
  solution 01-first-call   exercises 1..1 pass; 02-auth fails as it should; mutants: 3 of 3 killed [..]
  solution 02-auth         exercises 1..2 pass; 03-pagination fails as it should; mutants: 3 of 3 killed [..]
  solution 03-pagination   exercises 1..3 pass; 04-errors fails as it should; mutants: 4 of 4 killed [..]
  solution 04-errors       exercises 1..4 pass; 05-retries fails as it should; mutants: 3 of 3 killed [..]
  solution 05-retries      exercises 1..5 pass; 06-rate-limits fails as it should; mutants: 4 of 4 killed [..]
  solution 06-rate-limits  exercises 1..6 pass; 07-safe-writes fails as it should; mutants: 3 of 3 killed [..]
  solution 07-safe-writes  exercises 1..7 pass; 08-capstone fails as it should; mutants: 3 of 3 killed [..]
  solution 08-capstone     exercises 1..8 pass; mutants: 3 of 3 killed [..]
  track rust: ok in [..]
result: ok (0 warning(s))

"#]]);
}

/// `labforge new api-client --track python` lays exactly the learner's files:
/// the starter, the exercise docs and the ADR stubs, never a solution, a
/// venv or a cache (H6).
#[test]
fn api_client_python_starter_holds_only_the_learner_files() {
    let tmp = crate::support::tempdir();
    let dest = tmp.path().join("lab");
    labforge(&["new", "api-client"])
        .arg(dest.display().to_string())
        .arg("--track")
        .arg("python")
        .arg("--defaults")
        .arg("--no-git")
        .run()
        .code(0);
    let files = crate::support::tree(&dest);
    let listing: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|p| !p.starts_with(".labforge/"))
        .collect();
    snapbox::assert_data_eq!(
        listing.join("\n") + "\n",
        str![[r#"
.adr-dir
.github/workflows/labforge.yml
.gitignore
README.md
client/__init__.py
client/api.py
client/auth.py
client/config.py
client/errors.py
client/models.py
client/orders.py
client/pagination.py
client/ratelimit.py
client/retry.py
client/sync_products.py
docs/adr/0000-worked-example.md
docs/adr/0001-choose-an-http-client-library.md
docs/adr/0002-retry-and-backoff-policy.md
docs/adr/0003-handling-rate-limits.md
docs/adr/0004-pagination-and-consistency.md
docs/adr/0005-credentials-and-token-lifecycle.md
exercises/01-first-call.md
exercises/02-auth.md
exercises/03-pagination.md
exercises/04-errors.md
exercises/05-retries.md
exercises/06-rate-limits.md
exercises/07-safe-writes.md
exercises/08-capstone.md
practice-api/openapi.yaml
practice_api/__init__.py
practice_api/__main__.py
practice_api/server.py
practice_api/state.py
pyproject.toml
requirements.txt
tests/conftest.py
tests/test_01_first_call.py
tests/test_02_auth.py
tests/test_03_pagination.py
tests/test_04_errors.py
tests/test_05_retries.py
tests/test_06_rate_limits.py
tests/test_07_safe_writes.py
tests/test_08_capstone.py

"#]]
    );
    let readme = String::from_utf8_lossy(&files["README.md"]).into_owned();
    assert!(
        readme.starts_with("# api-client-lab: Build a resilient API client\n"),
        "{readme}"
    );
    assert!(
        readme.contains(".venv/bin/python -m practice_api --port 8080"),
        "the Python README shows the Python commands"
    );
    assert!(
        !readme.contains("cargo "),
        "the Python README shows no cargo commands"
    );
    let stub =
        String::from_utf8_lossy(&files["docs/adr/0002-retry-and-backoff-policy.md"]).into_owned();
    assert!(
        stub.contains("<!-- prompt: Which failures are retryable"),
        "{stub}"
    );
    assert!(!stub.contains("{{"), "the stub's date is rendered: {stub}");
}

/// The whole `template test` report of the cloud-service lab for one track:
/// every check fails on the starter (optional checks whose tool is missing,
/// such as `docker` or `shellcheck`, are skipped with a warning, so the
/// warnings depend on the machine), overlays pass cumulatively, and the ADR
/// checks pass with `solutions/adr/` (H9).
fn cloud_service_template_test_report(track: &str, mutants: [usize; 9]) -> String {
    let m = mutants.map(|n| format!("mutants: {n} of {n} killed"));
    format!(
        "template test cloud-service@1.0.0
track {track}
  setup                               2 command(s) ran [..]
  starter                             [..] of 38 checks fail as they should [..]
  solution 01-health-and-version      exercises 1..1 pass; 02-config fails as it should; {} [..]
  solution 02-config                  exercises 1..2 pass; 03-notes-api fails as it should; {} [..]
  solution 03-notes-api               exercises 1..3 pass; 04-logs-and-request-ids fails as it should; {} [..]
  solution 04-logs-and-request-ids    exercises 1..4 pass; 05-graceful-shutdown fails as it should; {} [..]
  solution 05-graceful-shutdown       exercises 1..5 pass; 06-package-it fails as it should; {} [..]
  solution 06-package-it              exercises 1..6 pass; 07-ec2-bootstrap fails as it should; {} [..]
  solution 07-ec2-bootstrap           exercises 1..7 pass; 08-smoke-test-and-runbook fails as it should; {} [..]
  solution 08-smoke-test-and-runbook  exercises 1..8 pass; 09-launch-on-ec2 fails as it should; {} [..]
  solution 09-launch-on-ec2           exercises 1..9 pass; {} [..]
...
  track {track}: ok in [..]
result: ok ([..] warning(s))
",
        m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
    )
}

fn cloud_service_template_test(track: &str) -> crate::support::Output {
    let lab = repo_root().join("labs/cloud-service");
    labforge(&["template", "test"])
        .arg(lab.display().to_string())
        .arg("--track")
        .arg(track)
        .arg("--trust")
        .env(
            "LABFORGE_LAB_TARGET_DIR",
            conformance::lab_target_dir().display().to_string(),
        )
        .run()
}

#[test]
fn cloud_service_python_track_passes_template_test() {
    if !require_tool("python3") || !require_tool("curl") {
        return;
    }
    cloud_service_template_test("python")
        .code(0)
        .stdout_eq(cloud_service_template_test_report(
            "python",
            [4, 5, 5, 4, 5, 5, 7, 5, 6],
        ));
}

#[test]
fn cloud_service_rust_track_passes_template_test() {
    if !require_tool("cargo") || !require_tool("python3") || !require_tool("curl") {
        return;
    }
    cloud_service_template_test("rust")
        .code(0)
        .stdout_eq(cloud_service_template_test_report(
            "rust",
            [3, 4, 4, 4, 3, 5, 7, 5, 3],
        ));
}

/// `labforge new cloud-service --track rust` lays exactly the learner's
/// files: the starter, the exercise docs, the ADR stubs and the checks'
/// harness, never a solution, and the scripts the learner runs are
/// executable (H9).
#[test]
fn cloud_service_rust_starter_holds_only_the_learner_files() {
    let tmp = crate::support::tempdir();
    let dest = tmp.path().join("lab");
    labforge(&["new", "cloud-service"])
        .arg(dest.display().to_string())
        .arg("--track")
        .arg("rust")
        .arg("--defaults")
        .arg("--no-git")
        .run()
        .code(0);
    let files = crate::support::tree(&dest);
    let listing: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|p| !p.starts_with(".labforge/"))
        .collect();
    snapbox::assert_data_eq!(
        listing.join("\n") + "\n",
        str![[r#"
.adr-dir
.dockerignore
.github/workflows/labforge.yml
.gitignore
Cargo.lock
Cargo.toml
Dockerfile
README.md
deploy/app.service
deploy/launch.sh
deploy/requirements.txt
deploy/teardown.sh
deploy/user-data.sh
docs/RUNBOOK.md
docs/adr/0000-worked-example.md
docs/adr/0001-where-to-host.md
docs/adr/0002-packaging-and-process-supervision.md
docs/adr/0003-configuration-and-secrets.md
docs/adr/0004-network-exposure-and-tls.md
docs/adr/0005-deployment-and-rollback.md
docs/adr/0006-observability.md
docs/adr/0007-cost-and-teardown.md
exercises/01-health-and-version.md
exercises/02-config.md
exercises/03-notes-api.md
exercises/04-logs-and-request-ids.md
exercises/05-graceful-shutdown.md
exercises/06-package-it.md
exercises/07-ec2-bootstrap.md
exercises/08-smoke-test-and-runbook.md
exercises/09-launch-on-ec2.md
harness/decoy_server.py
harness/rehearse.py
harness/smoke_check.py
harness/verify_unit.sh
scripts/smoke_test.sh
service/Cargo.toml
service/src/config.rs
service/src/health.rs
service/src/lib.rs
service/src/lifecycle.rs
service/src/main.rs
service/src/notes.rs
service/src/observability.rs
service/src/server.rs
service/src/util.rs
service/tests/common/mod.rs
service/tests/ex01_health_and_version.rs
service/tests/ex02_config.rs
service/tests/ex03_notes_api.rs
service/tests/ex04_logs_and_request_ids.rs
service/tests/ex05_graceful_shutdown.rs

"#]]
    );
    for script in [
        "deploy/launch.sh",
        "deploy/teardown.sh",
        "deploy/user-data.sh",
        "scripts/smoke_test.sh",
        "harness/verify_unit.sh",
    ] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(dest.join(script))
                .expect(script)
                .permissions(),
        );
        assert!(
            mode & 0o111 != 0,
            "{script} is not executable (mode {mode:o})"
        );
    }
}

/// An exercise's text may differ by track (`doc.python`, `doc.rust`):
/// `next` shows the text of the lab's track, and `template lint` refuses a
/// per-track `doc` that leaves a track without text (issue 17).
#[test]
fn issue_17_next_shows_the_exercise_text_of_the_labs_track() {
    let fixture = repo_root().join("tests/labs/fixtures/per-track-doc");
    for (track, text) in [
        (
            "python",
            "# 02-clock (Python)\n\nCall `self.clock()`, never `time.monotonic()`.\n",
        ),
        (
            "rust",
            "# 02-clock (Rust)\n\nCall `self.clock.now()`, never `Instant::now()`.\n",
        ),
    ] {
        let tmp = crate::support::tempdir();
        let dest = tmp.path().join("lab");
        labforge(&["new"])
            .arg(fixture.display().to_string())
            .arg(dest.display().to_string())
            .arg("--track")
            .arg(track)
            .arg("--defaults")
            .arg("--no-git")
            .run()
            .code(0);
        labforge(&["check", "--trust"]).dir(&dest).run().code(0);
        labforge(&["next"])
            .dir(&dest)
            .run()
            .code(0)
            .stdout_eq(format!(
                "now: 02-clock: Use the injected clock

{text}
when you are done: `labforge check` (hints: `labforge hint`)
"
            ));
        // A `.hbs` text is rendered over the lab's track, one file for both.
        std::fs::write(dest.join("NOTES.md"), "clock\n").unwrap();
        labforge(&["check", "--trust"]).dir(&dest).run().code(0);
        let names = if track == "rust" {
            "`src/config.rs` (`CONNECT_TIMEOUT`)"
        } else {
            "`client/config.py` (`DEFAULT_TIMEOUT`)"
        };
        labforge(&["next"])
            .dir(&dest)
            .run()
            .code(0)
            .stdout_eq(format!(
                "now: 03-timeout: Set a timeout

# 03-timeout

Set the timeout in {names}, then run `labforge check`.

when you are done: `labforge check` (hints: `labforge hint`)
"
            ));
    }
    let tmp = crate::support::tempdir();
    let bad = tmp.path().join("bad");
    for (path, bytes) in crate::support::tree(&fixture) {
        let to = bad.join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    let manifest = std::fs::read_to_string(bad.join("lab.toml")).unwrap();
    std::fs::write(
        bad.join("lab.toml"),
        manifest
            .replace("doc.rust = \"exercises/02-clock.rust.md\"\n", "")
            // An `adr` list that no `adr` check reads does nothing.
            .replace(
                "title = \"Start\"\n",
                "title = \"Start\"\nadr = [\"0001-storage\"]\n",
            ),
    )
    .unwrap();
    labforge(&["template", "lint"])
        .arg(bad.display().to_string())
        .run()
        .code(1)
        .stdout_eq(str![[r#"
error: 02-clock: `doc` has no text for track `rust`: add `doc.rust = "…"`
warning: 01-start: `adr` names `0001-storage`, but no `adr` check of this or a later exercise reads it: the list does nothing; add an `adr` check with `path = "…/0001-storage.md"`
warning: 02-clock: has fewer than 3 mutants (python: 0, rust: 0): add wrong solutions under `solutions/02-clock/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
warning: 03-timeout: has fewer than 3 mutants (python: 0, rust: 0): add wrong solutions under `solutions/03-timeout/mutants/NAME/` that its checks must refuse (docs/lab-format.md)

"#]])
        .stderr_eq(str![[r#"
per-track-doc@1.0.0: 1 error(s), 3 warning(s)

"#]]);
}

/// Every exercise text, as the learner's `exercises/` folder shows it (the
/// same rendering as `labforge next`), names only its own track's files and
/// tools: the three new-user trials' first complaint (issue 17).
#[test]
fn issue_17_exercise_texts_name_only_their_tracks_files_and_tools() {
    // What a learner of the key's track must never read, as the other
    // track's words.
    let foreign: [(&str, &str); 2] = [
        (
            "python",
            r"\.rs\b|\bcargo\b|Cargo\.toml|\bRust\b|\bimpl\b|\bResult<|format!|::",
        ),
        (
            "rust",
            r"\.py\b|\bpip\b|\.venv|\bpytest\b|\bPython\b|requirements\.txt|\braise\b|\bdef\b",
        ),
    ];
    // Mentions that are meant (lab, track, exercise file, the text): the
    // cloud-service harness (smoke test decoys, the AWS rehearsal with moto)
    // is Python on both tracks.
    let allowed: &[(&str, &str, &str, &str)] = &[
        (
            "cloud-service",
            "rust",
            "08-smoke-test-and-runbook.md",
            ".py",
        ),
        ("cloud-service", "rust", "09-launch-on-ec2.md", ".py"),
        ("cloud-service", "rust", "09-launch-on-ec2.md", ".venv"),
    ];
    let mut found = Vec::new();
    for lab in ["api-client", "cloud-service", "database"] {
        for (track, pattern) in foreign {
            let re = regex::Regex::new(pattern).unwrap();
            let tmp = crate::support::tempdir();
            let dest = tmp.path().join("lab");
            labforge(&["new", lab])
                .arg(dest.display().to_string())
                .arg("--track")
                .arg(track)
                .arg("--defaults")
                .arg("--no-git")
                .run()
                .code(0);
            let mut docs: Vec<_> = std::fs::read_dir(dest.join("exercises"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            docs.sort();
            assert!(docs.len() >= 8, "{lab} ({track}) has {} texts", docs.len());
            for doc in docs {
                let name = doc.file_name().unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&doc).unwrap();
                assert!(!text.contains("{{"), "{lab} ({track}) {name} holds `{{{{`");
                for (n, line) in text.lines().enumerate() {
                    for m in re.find_iter(line) {
                        if allowed.iter().any(|(l, t, f, w)| {
                            *l == lab && *t == track && *f == name && *w == m.as_str()
                        }) {
                            continue;
                        }
                        found.push(format!(
                            "{lab} ({track}) exercises/{name}:{}: `{}` in: {line}",
                            n + 1,
                            m.as_str()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "exercise texts name the other track:\n{}",
        found.join("\n")
    );
}
