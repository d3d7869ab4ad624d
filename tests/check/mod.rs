//! Integration tests: `check`, `hint`, `next`, `status`, `reset`, `solution`,
//! `restore`, `setup`, and `template lint` / `template test`, on the fixture
//! labs in `tests/check/fixtures/` (python3 and sh only):
//!
//! - `kinds`: every check kind; its starter fails and its solutions pass.
//! - `broken`: checks that cannot be judged (a hang, missing tools, a
//!   service that dies, a runaway query) and SQL mistakes.
//! - `starter-passes`, `solution-fails`: labs `template test` must reject.
//! - `lint-findings`: a template with what `template lint` reports.

use std::path::{Path, PathBuf};

use crate::support::{Output, labforge, require_tool, tempdir};
use snapbox::str;

fn fixture(name: &str) -> PathBuf {
    crate::support::repo_root()
        .join("tests/check/fixtures")
        .join(name)
}

/// A lab generated from a fixture into a fresh temporary folder.
struct Lab {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Lab {
    fn new(name: &str) -> Lab {
        let tmp = tempdir();
        let root = tmp.path().join("lab");
        let fx = fixture(name);
        labforge(&[
            "new",
            fx.to_str().unwrap(),
            root.to_str().unwrap(),
            "--defaults",
            "--no-git",
        ])
        .run()
        .code(0);
        Lab { _tmp: tmp, root }
    }
    fn run(&self, args: &[&str]) -> Output {
        labforge(args).dir(&self.root).run()
    }
    /// Lays the files of a solution overlay of the fixture over the lab.
    fn solve(&self, fixture_name: &str, exercise: &str) {
        let from = fixture(fixture_name)
            .join("solutions")
            .join(exercise)
            .join("common");
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(&from).unwrap();
                std::fs::copy(e.path(), self.root.join(rel)).unwrap();
            }
        }
    }
    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }
}

/// Replaces every `"duration_ms": N` by 0, so JSON can be pinned.
fn mask_durations(json: &str) -> String {
    regex::Regex::new(r#""duration_ms": \d+"#)
        .unwrap()
        .replace_all(json, r#""duration_ms": 0"#)
        .into_owned()
}

#[test]
fn check_shows_the_first_failing_check_in_full() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.run(&["check", "--trust"])
        .code(1)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
FAIL 01-hello: Say hello
  fail     tests [..] `python3 -B tests/test_greet.py` exited with 1 (expected 0)
  not run  todos-gone (after tests failed)
  warn     style [..] `greet.py` has nothing matching `return f"`

FAIL `tests` (command check) of 01-hello:
  `python3 -B tests/test_greet.py` exited with 1 (expected 0)
  output (end):
  | Traceback (most recent call last):
...
  | NotImplementedError
  hint: The test prints what it expected and what it got.
  re-run: python3 -B tests/test_greet.py

3 checks: 0 passed, 1 failed, 1 not run, 1 warned.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
}

#[test]
fn check_json_is_written_to_results_json() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.write(
        "greet.py",
        "def greet(name):\n    return 'hello, ' + name\n",
    );
    let out = lab.run(&["check", "--json", "--trust"]);
    out.code(0).stderr_eq(str![]);
    let expected = r#"{
  "version": 1,
  "lab": "kinds@1.0.0",
  "track": "python",
  "status": "pass",
  "exercises": [
    {
      "id": "01-hello",
      "status": "pass",
      "checks": [
        {
          "id": "tests",
          "kind": "command",
          "status": "pass",
          "command": "python3 -B tests/test_greet.py",
          "duration_ms": 0
        },
        {
          "id": "todos-gone",
          "kind": "no_placeholders",
          "status": "pass",
          "command": "labforge check 01-hello",
          "duration_ms": 0
        },
        {
          "id": "style",
          "kind": "file",
          "status": "fail",
          "warn": true,
          "message": "`greet.py` has nothing matching `return f\"`",
          "hint": "An f-string reads best here.",
          "command": "labforge check 01-hello",
          "duration_ms": 0
        }
      ]
    }
  ]
}
"#;
    assert_eq!(mask_durations(&out.stdout), expected);
    assert_eq!(
        mask_durations(&lab.read(".labforge/results.json")),
        expected
    );
    // A passing exercise is recorded as done.
    assert!(
        lab.read(".labforge/state.toml")
            .contains("[done]\n01-hello = "),
        "{}",
        lab.read(".labforge/state.toml")
    );
}

#[test]
fn check_json_reports_failures_with_message_hint_and_output() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    let out = lab.run(&["check", "--json", "--trust"]);
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let tests = &v["exercises"][0]["checks"][0];
    assert_eq!(tests["status"], "fail");
    assert_eq!(
        tests["message"],
        "`python3 -B tests/test_greet.py` exited with 1 (expected 0)"
    );
    assert_eq!(
        tests["hint"],
        "The test prints what it expected and what it got."
    );
    assert!(
        tests["output"]
            .as_str()
            .unwrap()
            .ends_with("NotImplementedError\n"),
        "{tests}"
    );
    assert_eq!(v["exercises"][0]["checks"][1]["status"], "not_run");
    assert_eq!(
        v["exercises"][0]["checks"][1]["message"],
        "after tests failed"
    );
}

#[test]
fn placeholders_left_fail_after_the_tests_pass() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.write("greet.py", "def greet(name):\n    # TODO(lab): return \"hello, NAME\"\n    return f\"hello, {name}\"\n");
    lab.run(&["check", "--trust"]).code(1).stdout_eq(str![[r#"
FAIL 01-hello: Say hello
  pass     tests [..]
  fail     todos-gone [..] 1 placeholder is left (replace each with your code): greet.py:2: # TODO(lab): return "hello, NAME"
  pass     style [..]

FAIL `todos-gone` (no_placeholders check) of 01-hello:
  1 placeholder is left (replace each with your code):
  greet.py:2: # TODO(lab): return "hello, NAME"
  re-run: labforge check 01-hello

3 checks: 2 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
}

#[test]
fn watch_runs_again_after_a_change() {
    if !require_tool("python3") {
        return;
    }
    use std::io::BufRead;
    let lab = Lab::new("kinds");
    let config = tempdir();
    let mut child = std::process::Command::new(crate::support::LABFORGE)
        .args(["check", "--watch", "--trust"])
        .current_dir(&lab.root)
        .env("NO_COLOR", "1")
        .env("LABFORGE_CONFIG_DIR", config.path())
        .env("LABFORGE_CACHE_DIR", config.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let wait_for = |want: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while let Ok(line) =
            rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            if line.starts_with(want) {
                return true;
            }
        }
        false
    };
    let first = wait_for("FAIL 01-hello");
    // Give the watcher a moment to be in place before the change.
    std::thread::sleep(std::time::Duration::from_millis(500));
    lab.solve("kinds", "01-hello");
    let second = wait_for("PASS 01-hello");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first && second,
        "check --watch did not run again after the change (first run seen: {first})"
    );
}

#[test]
fn http_checks_fail_on_the_starter_and_pass_with_the_solution() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.run(&["check", "02-health", "--trust"])
        .code(1)
        .stdout_eq(str![[r#"
FAIL 02-health: A health endpoint
  fail     healthz [..] GET /healthz: the status is 501, expected 200

FAIL `healthz` (http check) of 02-health:
  GET /healthz: the status is 501, expected 200
  header `x-request-id` is missing (expected `lab-1`)
  the body is not JSON: EOF while parsing a value at line 1 column 0
  output (end):
  | HTTP 501
  hint: Echo the X-Request-Id header back.
  re-run: labforge check 02-health

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    lab.solve("kinds", "02-health");
    lab.run(&["check", "02-health", "--trust"])
        .code(0)
        .stdout_eq(str![[r#"
PASS 02-health: A health endpoint
  pass     healthz [..]

1 check: 1 passed.
02-health passes (your current exercise is 01-hello: `labforge check` checks it)

"#]]);
}

#[test]
fn process_checks_send_signals_and_judge_the_exit() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.solve("kinds", "02-health");
    lab.run(&["check", "03-shutdown", "--trust"]).code(1).stdout_eq(str![[r#"
FAIL 03-shutdown: Shut down gracefully
  fail     graceful [..] `python3 -B -u app.py` was ended by a signal after SIGTERM (expected exit code 0); handle the signal and exit

FAIL `graceful` (process check) of 03-shutdown:
  `python3 -B -u app.py` was ended by a signal after SIGTERM (expected exit code 0); handle the signal and exit
  the background request failed: [..]
  stdout line 1 is not JSON (expected value at line 1 column 1): listening on 127.0.0.1:[..]
  output (end):
  | listening on 127.0.0.1:[..]
  hint: signal.signal(signal.SIGTERM, …), then server.shutdown() from another thread.
  re-run: labforge check 03-shutdown

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    lab.solve("kinds", "03-shutdown");
    lab.run(&["check", "03-shutdown", "--trust"]).code(0);
}

#[test]
fn sql_checks_show_differing_rows_side_by_side() {
    let lab = Lab::new("kinds");
    lab.run(&["check", "04-queries", "--trust"]).code(1).stdout_eq(str![[r#"
FAIL 04-queries: Queries
  fail     top [..] `queries/top.sql` holds no SQL statement yet: write the query there
  fail     discount [..] after `queries/discount.sql`, the rows of the check's query differ from the expected ones (exact order): 2 rows differ (first 2 shown):
  fail     index [..] the query plan of `SELECT * FROM orders WHERE customer_id = 2` does not contain `USING INDEX`

FAIL `top` (sql check) of 04-queries:
  `queries/top.sql` holds no SQL statement yet: write the query there
  hint: Customers without orders spend 0: LEFT JOIN and COALESCE.
  re-run: labforge check 04-queries

3 checks: 0 passed, 3 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    // An inner join loses the customer without orders, and ties may come in any order.
    lab.write(
        "queries/top.sql",
        "SELECT c.name, SUM(o.total_cents) AS spent\nFROM customers AS c JOIN orders AS o ON o.customer_id = c.id\nGROUP BY c.id ORDER BY spent DESC, c.name DESC;\n",
    );
    lab.write(
        "queries/discount.sql",
        "UPDATE products SET price_cents = price_cents * 9 / 10;\n",
    );
    lab.write(
        "migrations/0002_index.sql",
        "CREATE INDEX orders_by_customer ON orders (customer_id);\n",
    );
    let out = lab.run(&["check", "04-queries", "--json", "--trust"]);
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let checks = &v["exercises"][0]["checks"];
    assert_eq!(
        checks[0]["message"],
        "the rows of `queries/top.sql` differ from the expected ones (ordered by spent desc):
expected 4 rows, got 3
1 expected rows are missing and 0 rows are unexpected (first 1 shown):
  missing (expected, not got) | unexpected (got, not expected)
  Cy, 0                       | (no row)"
    );
    assert_eq!(
        checks[1]["message"],
        "after `queries/discount.sql`, the rows of the check's query differ from the expected ones (exact order):
1 rows differ (first 1 shown):
       expected | got
row 1  1, 150   | 1, 135"
    );
    assert_eq!(checks[2]["status"], "pass");
    lab.solve("kinds", "04-queries");
    lab.run(&["check", "04-queries", "--trust"]).code(0);
    // The learner's files are never changed by a check.
    snapbox::assert_data_eq!(
        lab.read("queries/discount.sql"),
        str![[r#"
UPDATE products SET price_cents = price_cents * 9 / 10 WHERE price_cents > 1000;

"#]]
    );
}

#[test]
fn adr_checks_list_what_is_missing() {
    let lab = Lab::new("kinds");
    let out = lab.run(&["check", "05-decide", "--json", "--trust"]);
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let msg = v["exercises"][0]["checks"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.starts_with("`docs/adr/0001-storage.md` is not finished ("),
        "{msg}"
    );
    assert!(msg.contains("\ndocs/adr/0001-storage.md:"), "{msg}");
    lab.solve("kinds", "05-decide");
    lab.run(&["check", "05-decide", "--trust"]).code(0);
}

#[test]
fn checks_that_cannot_run_are_errors_with_exit_code_2() {
    let lab = Lab::new("broken");
    let started = std::time::Instant::now();
    lab.run(&["check", "--trust"]).code(2).stderr_eq(str![]).stdout_eq(str![[r#"
ERROR 01-errors: Errors
  error    hang [..] `echo 'working on it'; sleep 30` did not finish within 2s and was stopped
  error    no-tool [..] `labforge-no-such-tool` is not installed or not on PATH (needed by check `no-tool`)
  skipped  docker (optional, and `labforge-no-such-docker` is not installed or not on PATH)
  error    docker-required [..] `labforge-no-such-docker` is not installed or not on PATH (needed by this check)
  fail     service [..] service `dies` (`echo 'starting'; echo 'no port free' >&2; exit 3`) exited with code 3 before it printed a line matching `listening on (?P<addr>[0-9.:]+)`
  error    slow-sql [..] the SQL did not finish within 300ms and was interrupted
  fail     bad-sql [..] bad.sql:6: near "ORDER": syntax error
  fail     writes [..] the query of check `writes` changes the database, but this check only reads: write a SELECT (or WITH … SELECT)
  error    no-program [..] `labforge-no-such-server` is not installed or not on PATH (needed by check `no-program`)

ERROR `hang` (command check) of 01-errors:
  `echo 'working on it'; sleep 30` did not finish within 2s and was stopped
  output (end):
  | working on it
  re-run: echo 'working on it'; sleep 30

9 checks: 0 passed, 3 failed, 5 could not run, 1 skipped.
some checks could not run: fix the environment problem above and check again

"#]]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the hanging check was not stopped at its timeout"
    );
}

#[test]
fn a_missing_track_tool_is_an_error_naming_it() {
    let lab = Lab::new("kinds");
    labforge(&["check", "--trust"])
        .dir(&lab.root)
        .env("PATH", "/nonexistent")
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: `python3` is not installed or not on PATH (needed by the `python` track)
help: install Python 3 (https://www.python.org/downloads/, or `apt install python3 python3-venv`)

"#]]);
}

#[test]
fn setup_runs_the_track_commands() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.run(&["setup", "--trust"])
        .code(0)
        .stdout_eq(str![[r#"
setup ran

"#]])
        .stderr_eq(str![[r#"
$ python3 -c 'print("setup ran")'
set up: run `labforge check` to check the first exercise

"#]]);
}

#[test]
fn a_lab_from_a_folder_needs_trust_to_run_commands() {
    let lab = Lab::new("kinds");
    // A config folder of its own: other tests trust this fixture in theirs.
    let config = tempdir();
    labforge(&["check"]).dir(&lab.root).env("LABFORGE_CONFIG_DIR", config.path().to_str().unwrap()).run().code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: labforge will not run the commands of `[..]/tests/check/fixtures/kinds` without your consent
  this lab is not built in: its setup commands and checks run programs on this machine
help: `labforge show [..]/tests/check/fixtures/kinds` describes it (setup commands, exercises, checks); then pass --trust, or run this command once on a terminal and confirm (the answer is remembered)

"#]]);
}

#[test]
fn issue_14_process_steps_share_the_check_timeout() {
    // A server that never answers, two foreground requests and `timeout =
    // "2s"`: each request gets the time left of the check, so the check
    // fails in about 2 s, not 2 s per step.
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("silent-steps");
    let started = std::time::Instant::now();
    let out = lab.run(&["check", "01-silent", "--trust"]);
    let took = started.elapsed();
    out.code(1).stdout_eq(str![[r#"
FAIL 01-silent: Silent
  fail     steps [..] GET /one failed: [..]

FAIL `steps` (process check) of 01-silent:
  GET /one failed: [..]
  GET /two was not sent: the check's timeout of 2s was used up
  `python3 -B -u silent.py` did not exit before the check's timeout of 2s ran out, so it was killed
  output (end):
  | listening on 127.0.0.1:[..]
  re-run: labforge check 01-silent

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    // Two full timeouts would be 4 s; start-up and python add well under 1 s
    // on a quiet machine, so 3.5 s leaves room for a loaded one.
    assert!(
        took < std::time::Duration::from_millis(3500),
        "the check took {took:?}"
    );
}

#[test]
fn a_lab_without_exercises_has_nothing_to_check() {
    let lab = Lab::new("plain");
    lab.run(&["check", "--trust"])
        .code(0)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
plain@1.0.0 has no exercises: there is nothing to check

"#]]);
    lab.run(&["status"]).code(0).stdout_eq(str![[r#"
plain@1.0.0
  exercise  state    hints  title
0 of 0 exercises done

"#]]);
    labforge(&[
        "template",
        "test",
        fixture("plain").to_str().unwrap(),
        "--trust",
    ])
    .run()
    .code(0)
    .stdout_eq(str![[r#"
template test plain@1.0.0
(no track)
  (no track): ok in [..]
result: ok (0 warning(s))

"#]]);
}

#[test]
fn hints_are_revealed_one_at_a_time_and_counted() {
    let lab = Lab::new("kinds");
    lab.run(&["hint"]).code(0).stdout_eq(str![[r#"
hint 1/2 for 01-hello: greet returns a string; it prints nothing.
(run `labforge hint` again for the next one)

"#]]);
    lab.run(&["hint"]).code(0).stdout_eq(str![[r#"
hint 2/2 for 01-hello: return f"hello, {name}"

"#]]);
    lab.run(&["hint", "01-hello"]).code(0).stdout_eq(str![[r#"
every hint of 01-hello is shown already:
  1. greet returns a string; it prints nothing.
  2. return f"hello, {name}"
once it passes, `labforge solution 01-hello` shows the reference solution

"#]]);
    lab.run(&["hint", "04-queries"]).code(0).stdout_eq(str![[r#"
hint 1/1 for 04-queries: Join orders to customers and GROUP BY the customer.

"#]]);
    lab.run(&["status"]).code(0).stdout_eq(str![[r#"
kinds@1.0.0 (python track)
  exercise     state    hints  title
> 01-hello     current  2/2    Say hello
  02-health    todo     0/1    A health endpoint
  03-shutdown  todo     0/1    Shut down gracefully
  04-queries   todo     1/1    Queries
  05-decide    todo     0/1    Record the decision
0 of 5 exercises done

"#]]);
    lab.run(&["hint", "99-nope"]).code(2).stderr_eq(str![[r#"
error: this lab has no exercise `99-nope`
help: exercises: 01-hello, 02-health, 03-shutdown, 04-queries, 05-decide; name one by id, number (`1`) or the start of its name

"#]]);
}

#[test]
fn next_moves_on_only_after_a_pass() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    lab.run(&["next"]).code(1).stdout_eq(str![]).stderr_eq(str![[r#"
error: 01-hello does not pass yet
help: run `labforge check` until it passes (`labforge hint` helps); to look ahead anyway: `labforge check 02-health`

"#]]);
    lab.solve("kinds", "01-hello");
    lab.run(&["check", "--trust"]).code(0);
    lab.run(&["next"]).code(0).stdout_eq(str![[r#"
now: 02-health: A health endpoint

# 02-health

Do the thing.

## How this is checked

`labforge check`.

when you are done: `labforge check` (hints: `labforge hint`)

"#]]);
    let out = lab.run(&["status", "--json"]);
    out.code(0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["current"], "02-health");
    assert_eq!(v["exercises"][0]["state"], "done");
    assert_eq!(v["exercises"][1]["state"], "current");
}

#[test]
fn check_all_rebuilds_progress_from_results() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    // A stale mark from an earlier run that no longer holds.
    let state = lab.read(".labforge/state.toml").replace(
        "[done]\n",
        "[done]\n\"04-queries\" = 2026-01-01T00:00:00Z\n",
    );
    lab.write(".labforge/state.toml", &state);
    lab.solve("kinds", "01-hello");
    lab.run(&["check", "--all", "--trust"]).code(1);
    let state = lab.read(".labforge/state.toml");
    // Progress is rebuilt; the current exercise moves only by `next` (issue 17).
    assert!(state.contains("current = \"01-hello\""), "{state}");
    assert!(state.contains("\n01-hello = "), "{state}");
    assert!(!state.contains("04-queries"), "{state}");
}

#[test]
fn reset_backs_up_then_restores_the_starter() {
    let lab = Lab::new("kinds");
    lab.write("greet.py", "def greet(name):\n    return 'mine'\n");
    let out = lab.run(&["reset", "01-hello"]);
    out.code(0).stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-reset/ (`labforge undo` puts it back)
restored greet.py

"#]]);
    assert_eq!(
        lab.read("greet.py"),
        std::fs::read_to_string(fixture("kinds/common/greet.py")).unwrap()
    );
    let backups: Vec<PathBuf> = std::fs::read_dir(lab.root.join(".labforge/backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        // the backups' object store (`objects/`) is not a backup
        .filter(|p| p.join("backup.toml").is_file())
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read_to_string(backups[0].join("files/greet.py")).unwrap(),
        "def greet(name):\n    return 'mine'\n"
    );
}

#[test]
fn solution_is_shown_after_a_pass_or_with_reveal() {
    let lab = Lab::new("kinds");
    lab.run(&["solution", "04-queries"]).code(1).stdout_eq(str![]).stderr_eq(str![[r#"
error: 04-queries does not pass yet, so its solution stays hidden
help: solve it first (`labforge check 04-queries`, `labforge hint 04-queries`), or pass --reveal to look anyway

"#]]);
    lab.run(&["solution", "04-queries", "--reveal"])
        .code(0)
        .stdout_eq(str![[r#"
==> migrations/0002_index.sql <==
CREATE INDEX orders_by_customer ON orders (customer_id);
==> queries/discount.sql <==
UPDATE products SET price_cents = price_cents * 9 / 10 WHERE price_cents > 1000;
==> queries/top.sql <==
SELECT c.name, COALESCE(SUM(o.total_cents), 0) AS spent
FROM customers AS c LEFT JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id
ORDER BY spent DESC;

"#]]);
    lab.solve("kinds", "04-queries");
    lab.run(&["check", "04-queries", "--trust"]).code(0);
    lab.run(&["solution", "04-queries"]).code(0);
}

#[test]
fn edited_tests_are_warned_about_and_restored() {
    if !require_tool("python3") {
        return;
    }
    let lab = Lab::new("kinds");
    let pristine = lab.read("tests/test_greet.py");
    lab.write("tests/test_greet.py", "print('ok')\n");
    lab.run(&["check", "--trust"]).code(1).stderr_eq(str![[r#"
warning: 1 protected file of the lab changed, so the checks may not mean what they say:
  tests/test_greet.py
help: run `labforge restore tests` to restore the pristine copies (yours are backed up first)

"#]]);
    lab.run(&["restore", "tests"]).code(0).stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-restore/ (`labforge undo` puts it back)
restored tests/test_greet.py

"#]]);
    assert_eq!(lab.read("tests/test_greet.py"), pristine);
    lab.run(&["restore"]).code(0).stdout_eq(str![[r#"
every protected file is pristine: nothing to restore

"#]]);
    lab.run(&["check", "--trust"]).code(1).stderr_eq(str![]);
    // One path, whoever owns it.
    lab.write("greet.py", "# mine\n");
    lab.run(&["restore", "greet.py"])
        .code(0)
        .stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-restore/ (`labforge undo` puts it back)
restored greet.py

"#]]);
    assert_eq!(
        lab.read("greet.py"),
        std::fs::read_to_string(fixture("kinds/common/greet.py")).unwrap()
    );
    lab.run(&["restore", "nope.txt"])
        .code(2)
        .stderr_eq(str![[r#"
error: `nope.txt` is not a file this lab was generated with
help: name a file listed in .labforge/state.toml

"#]]);
}

#[test]
fn template_test_passes_a_good_lab() {
    if !require_tool("python3") {
        return;
    }
    let fx = fixture("kinds");
    labforge(&["template", "test", fx.to_str().unwrap(), "--trust"])
        .run()
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
template test kinds@1.0.0
lint warning: 01-hello: has fewer than 3 mutants (python: 0): add wrong solutions under `solutions/01-hello/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
lint warning: 02-health: has fewer than 3 mutants (python: 0): add wrong solutions under `solutions/02-health/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
lint warning: 03-shutdown: has fewer than 3 mutants (python: 0): add wrong solutions under `solutions/03-shutdown/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
lint warning: 04-queries: has fewer than 3 mutants (python: 0): add wrong solutions under `solutions/04-queries/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
lint warning: 05-decide: has fewer than 3 mutants (python: 0): add wrong solutions under `solutions/05-decide/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
track python
  setup                 1 command(s) ran [..]
  starter               9 of 9 checks fail as they should [..]
  solution 01-hello     exercises 1..1 pass; 02-health fails as it should [..]
  solution 02-health    exercises 1..2 pass; 03-shutdown fails as it should [..]
  solution 03-shutdown  exercises 1..3 pass; 04-queries fails as it should [..]
  solution 04-queries   exercises 1..4 pass; 05-decide fails as it should [..]
  solution 05-decide    exercises 1..5 pass [..]
  track python: ok in [..]
result: ok (5 warning(s))

"#]]);
}

#[test]
fn template_test_catches_a_starter_that_already_passes() {
    let fx = fixture("starter-passes");
    labforge(&["template", "test", fx.to_str().unwrap(), "--trust"]).run().code(1).stdout_eq(str![[r#"
template test starter-passes@1.0.0
lint warning: 01-one: has no `doc`: learners get only its title and hints
lint warning: 01-one: has fewer than 3 mutants (0): add wrong solutions under `solutions/01-one/mutants/NAME/` that its checks must refuse (docs/lab-format.md)
(no track)
  starter          0 of 1 checks fail as they should [..]
  solution 01-one  exercises 1..1 pass [..]
  violation: starter: 01-one / exists passes on the untouched starter (mark it `starts_passing = true` if that is meant)
  (no track): FAILED in [..]
result: 1 violation(s), 2 warning(s)

"#]]);
}

#[test]
fn template_test_catches_a_solution_that_fails() {
    let fx = fixture("solution-fails");
    let out = labforge(&[
        "template",
        "test",
        fx.to_str().unwrap(),
        "--trust",
        "--json",
    ])
    .run();
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["status"], "fail");
    assert_eq!(
        v["tracks"][0]["violations"],
        serde_json::json!([
            "solution 01-one: 01-one / answer fail: `grep -qx 42 answer.txt` exited with 1 (expected 0)"
        ])
    );
}

#[test]
fn template_test_finds_stale_blessed_rows_and_bless_rewrites_them() {
    let tmp = tempdir();
    let copy = tmp.path().join("kinds");
    copy_dir(&fixture("kinds"), &copy);
    std::fs::write(
        copy.join("checks/top.csv"),
        "name,spent\nAda,800\nBo,800\nZoë,300\nCy,1\n",
    )
    .unwrap();
    let out = labforge(&[
        "template",
        "test",
        copy.to_str().unwrap(),
        "--trust",
        "--json",
    ])
    .run();
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let violations: Vec<String> = v["tracks"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    assert!(
        violations.contains(&"04-queries / top: `checks/top.csv` is stale: the reference solution returns other rows; run `labforge template test --bless` and review the diff".to_string()),
        "{violations:#?}"
    );
    let out = labforge(&[
        "template",
        "test",
        copy.to_str().unwrap(),
        "--trust",
        "--bless",
        "--json",
    ])
    .run();
    out.code(0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["tracks"][0]["blessed"],
        serde_json::json!(["checks/top.csv"])
    );
    assert_eq!(
        std::fs::read_to_string(copy.join("checks/top.csv")).unwrap(),
        std::fs::read_to_string(fixture("kinds/checks/top.csv")).unwrap()
    );
}

/// Issue 17: each wrong solution is laid over the reference solution and its
/// check must fail; a survivor is a violation naming the lesson it breaks,
/// and the files are put back (exercise 2 still passes after exercise 1's mutants).
#[test]
fn issue_17_template_test_lays_each_mutant_and_names_a_survivor() {
    let fx = fixture("mutants");
    labforge(&["template", "test", fx.to_str().unwrap(), "--trust"])
        .run()
        .code(1)
        .stdout_eq(str![[r#"
template test mutants@1.0.0
(no track)
  starter             3 of 3 checks fail as they should [..]
  solution 01-answer  exercises 1..1 pass; 02-unit fails as it should; mutants: 3 of 3 killed [..]
  solution 02-unit    exercises 1..2 pass; mutants: 2 of 3 killed [..]
  violation: mutant 02-unit/second-line survived: check 02-unit/unit passed; the lesson it breaks: one line only: a second line is a second answer
  (no track): FAILED in [..]
result: 1 violation(s), 0 warning(s)

"#]]);
}

#[test]
fn issue_17_template_test_json_reports_killed_and_survived_per_mutant() {
    let fx = fixture("mutants");
    let out = labforge(&[
        "template",
        "test",
        fx.to_str().unwrap(),
        "--trust",
        "--json",
    ])
    .run();
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let got: Vec<(String, String, String)> = v["tracks"][0]["mutants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                format!(
                    "{}/{}",
                    m["exercise"].as_str().unwrap(),
                    m["name"].as_str().unwrap()
                ),
                m["check"].as_str().unwrap().to_string(),
                m["result"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("01-answer/forty-one", "01-answer/exact", "killed"),
        ("01-answer/leading-space", "01-answer/exact", "killed"),
        ("01-answer/trailing-text", "01-answer/exact", "killed"),
        ("02-unit/answer-broken", "01-answer/exact", "killed"),
        ("02-unit/second-line", "02-unit/unit", "survived"),
        ("02-unit/unit-with-spaces", "02-unit/unit", "killed"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
}

/// Fix the lab, not the mutant: a stricter check kills the survivor.
#[test]
fn issue_17_a_stricter_check_kills_the_survivor() {
    let tmp = tempdir();
    let copy = tmp.path().join("mutants");
    copy_dir(&fixture("mutants"), &copy);
    let toml = std::fs::read_to_string(copy.join("lab.toml"))
        .unwrap()
        .replace(
            r#"matches = ["(?m)^m/s$"]"#,
            r#"matches = ["\\Am/s\n?\\z"]"#,
        );
    std::fs::write(copy.join("lab.toml"), toml).unwrap();
    labforge(&["template", "test", copy.to_str().unwrap(), "--trust"])
        .run()
        .code(0)
        .stdout_eq(str![[r#"
template test mutants@1.0.0
(no track)
  starter             3 of 3 checks fail as they should [..]
  solution 01-answer  exercises 1..1 pass; 02-unit fails as it should; mutants: 3 of 3 killed [..]
  solution 02-unit    exercises 1..2 pass; mutants: 3 of 3 killed [..]
  (no track): ok in [..]
result: ok (0 warning(s))

"#]]);
    assert_eq!(
        std::fs::read_to_string(copy.join("solutions/02-unit/common/unit.txt")).unwrap(),
        "m/s\n",
        "the template folder is never changed by laying mutants"
    );
}

/// A mutant is laid through the path gate: a folder link in the lab is never
/// followed, the mutant is reported as not tried, and the link's target keeps
/// its bytes.
#[cfg(unix)]
#[test]
fn issue_17_a_mutant_never_writes_through_a_link() {
    let tmp = tempdir();
    let copy = tmp.path().join("mutants");
    copy_dir(&fixture("mutants"), &copy);
    std::fs::create_dir_all(copy.join("common/real")).unwrap();
    std::fs::write(copy.join("common/real/kept.txt"), "keep\n").unwrap();
    std::os::unix::fs::symlink("real", copy.join("common/data")).unwrap();
    let m = copy.join("solutions/01-answer/mutants/through-link");
    std::fs::create_dir_all(m.join("common/data")).unwrap();
    std::fs::write(m.join("mutant.toml"), "check = \"exact\"\nlesson = \"x\"\n").unwrap();
    std::fs::write(m.join("common/data/kept.txt"), "changed\n").unwrap();
    let out = labforge(&[
        "template",
        "test",
        copy.to_str().unwrap(),
        "--trust",
        "--keep",
        "--json",
    ])
    .run();
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let t = &v["tracks"][0];
    assert_eq!(
        t["violations"][0],
        "mutant 01-answer/through-link could not be tried: `data` is a symbolic link, so labforge will not read or write `data/kept.txt` through it\nhelp: labforge never follows a link inside a lab; move `data` away (or replace it by a real folder), then run the command again"
    );
    let kept = std::path::PathBuf::from(t["kept"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(kept.join("real/kept.txt")).unwrap(),
        "keep\n"
    );
    assert_eq!(
        std::fs::read_to_string(kept.join("answer.txt")).unwrap(),
        "42\n",
        "the reference answer is back after the mutants"
    );
    std::fs::remove_dir_all(kept.parent().unwrap()).unwrap();
}

#[test]
fn issue_17_template_lint_rejects_malformed_mutants_and_warns_under_three() {
    let tmp = tempdir();
    let copy = tmp.path().join("mutants");
    copy_dir(&fixture("mutants"), &copy);
    let sol = copy.join("solutions/01-answer/mutants");
    let write = |rel: &str, text: &str| {
        let p = sol.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("no-toml/common/answer.txt", "41\n");
    write(
        "typo/mutant.toml",
        "check = \"exact\"\nlesson = \"x\"\nlessn = \"y\"\n",
    );
    write("typo/common/answer.txt", "41\n");
    write(
        "later/mutant.toml",
        "check = \"02-unit/unit\"\nlesson = \"x\"\n",
    );
    write("later/common/answer.txt", "41\n");
    write(
        "unknown-check/mutant.toml",
        "check = \"exakt\"\nlesson = \"x\"\n",
    );
    write("unknown-check/common/answer.txt", "41\n");
    write(
        "stray-file/mutant.toml",
        "check = \"exact\"\nlesson = \"x\"\n",
    );
    write("stray-file/answer.txt", "41\n");
    write(
        "no-lesson/mutant.toml",
        "check = \"exact\"\nlesson = \" \"\n",
    );
    write("no-lesson/common/answer.txt", "41\n");
    std::fs::remove_dir_all(copy.join("solutions/02-unit/mutants/second-line")).unwrap();
    let dir = copy.display().to_string();
    labforge(&["template", "lint", &dir])
        .run()
        .code(1)
        .stdout_eq(str![[r#"
error: 01-answer: `solutions/01-answer/mutants/later/mutant.toml`: `check = "02-unit/unit"` belongs to a later exercise: its check fails anyway before its own solution, so it proves nothing; name a check of `01-answer` or an earlier exercise
error: 01-answer: `solutions/01-answer/mutants/no-lesson/mutant.toml`: `lesson` is empty: say in one line which lesson this wrong solution breaks
error: 01-answer: `solutions/01-answer/mutants/no-toml/` has no mutant.toml: add one with `check = "CHECK-ID"` and `lesson = "…"`, or remove the folder
error: 01-answer: `solutions/01-answer/mutants/stray-file/answer.txt`: mutant files go under `common/`
error: 01-answer: `solutions/01-answer/mutants/typo/mutant.toml:3:1`: unknown field `lessn`; a mutant.toml takes `check`, `lesson` and `tracks` (docs/lab-format.md)
error: 01-answer: `solutions/01-answer/mutants/unknown-check/mutant.toml`: exercise `01-answer` has no check `exakt` (its checks: exact, no-todo)
warning: 02-unit: has fewer than 3 mutants (2): add wrong solutions under `solutions/02-unit/mutants/NAME/` that its checks must refuse (docs/lab-format.md)

"#]])
        .stderr_eq(str![[r#"
mutants@1.0.0: 6 error(s), 1 warning(s)

"#]]);
}

#[test]
fn template_lint_reports_findings() {
    let fx = fixture("lint-findings");
    labforge(&["template", "lint", fx.to_str().unwrap()]).run().code(1).stdout_eq(str![[r#"
error: 01-one: `doc` `exercises/01-missing.md` does not exist in the template
error: 01-one: has no hint: add `hints = ["…"]` (one question that points the way is enough)
error: 01-one: `solution` `solutions/01-one` does not exist in the template (or is empty)
warning: 01-one: sql check `q` has no `expect_rows` and no `plan`: it only checks that the SQL runs
warning: 02-two: has no `doc`: learners get only its title and hints
error: 02-two: has no check: add at least one `[[exercise.check]]`
error: 01-one: `answer.txt` holds no placeholder marker (TODO(lab), todo!(), unimplemented!(), NotImplementedError): mark where the learner writes code
error: 02-two: `edit` `missing/*.py` matches no file of the starter
warning: 02-two: has fewer than 3 mutants (0): add wrong solutions under `common/mutants/NAME/` that its checks must refuse (docs/lab-format.md)

"#]]).stderr_eq(str![[r#"
lint-findings@1.0.0: 6 error(s), 3 warning(s)

"#]]);
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}
