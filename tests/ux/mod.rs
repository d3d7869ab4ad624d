//! Integration tests: the learner's and mentor's rough edges of issue 17,
//! on the fixture lab `tests/ux/fixtures/rough/` (sh only): exercise ids by
//! number or prefix, "did you mean", status, a service that does not
//! compile, failure messages, state.toml, reset, ADR findings, a deleted
//! cache, trust messages, completions, and live progress on a terminal
//! (through tmux).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{self, Output, labforge, require_tool, tempdir};
use snapbox::str;

fn fixture(name: &str) -> PathBuf {
    support::repo_root().join("tests/ux/fixtures").join(name)
}

/// A lab generated from a fixture template into a fresh temporary folder.
struct Lab {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Lab {
    fn new(template: &Path) -> Lab {
        Lab::with_args(template, &["--no-git"])
    }
    fn with_args(template: &Path, extra: &[&str]) -> Lab {
        let tmp = tempdir();
        let root = tmp.path().join("lab");
        let mut args = vec![
            "new",
            template.to_str().unwrap(),
            root.to_str().unwrap(),
            "--defaults",
        ];
        args.extend(extra);
        labforge(&args).run().code(0);
        Lab { _tmp: tmp, root }
    }
    fn run(&self, args: &[&str]) -> Output {
        labforge(args).dir(&self.root).run()
    }
    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }
    fn solve(&self, exercise: &str) {
        let from = fixture("rough/solutions").join(exercise).join("common");
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(&from).unwrap();
                std::fs::copy(e.path(), self.root.join(rel)).unwrap();
            }
        }
    }
}

fn rough() -> Lab {
    Lab::new(&fixture("rough"))
}

const SLOW_FAILS: &str = "FAIL 05-graceful-shutdown: Shut down gracefully
  fail     slow [..] `sleep ${ROUGH_SLEEP:-0}; test -f shutdown.done` exited with 1 (expected 0)

FAIL `slow` (command check) of 05-graceful-shutdown:
  `sleep ${ROUGH_SLEEP:-0}; test -f shutdown.done` exited with 1 (expected 0)
  re-run: sleep ${ROUGH_SLEEP:-0}; test -f shutdown.done

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)
";

#[test]
fn issue_17_exercise_ids_by_number_or_unique_prefix() {
    let lab = rough();
    for typed in ["5", "05", "graceful", "05-gr", "05-graceful-shutdown"] {
        lab.run(&["check", typed, "--trust"])
            .code(1)
            .stderr_eq(str![])
            .stdout_eq(SLOW_FAILS);
    }
    lab.run(&["hint", "6"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
hint 1/1 for 06-graphs: None.

"#]]);
    lab.run(&["check", "gr", "--trust"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: `gr` matches more than one exercise: 05-graceful-shutdown, 06-graphs
help: type more of the id, or the exercise's number

"#]]);
    lab.run(&["check", "9", "--trust"]).code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: this lab has no exercise `9`
help: exercises: 01-config, 02-build, 05-graceful-shutdown, 06-graphs, 07-decide; name one by id, number (`1`) or the start of its name

"#]]);
    lab.run(&["solution", "02-buidl"]).code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: this lab has no exercise `02-buidl`
help: did you mean `02-build`? exercises: 01-config, 02-build, 05-graceful-shutdown, 06-graphs, 07-decide; name one by id, number (`1`) or the start of its name

"#]]);
}

#[test]
fn issue_17_reset_lists_exercises_and_warns_about_shared_files_with_an_undo() {
    let lab = rough();
    lab.run(&["reset"]).code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: name the exercise whose starter files to restore
  01-config             config.sh
  02-build              app.sh, config.sh
  05-graceful-shutdown  config.sh
  06-graphs             config.sh
  07-decide             docs/adr/0001-storage.md
help: `labforge reset 01-config` (or by number: `labforge reset 1`); your edited files are backed up first

"#]]);
    // config.sh holds the work of exercise 1 and of the later ones.
    lab.write("config.sh", "PORT=8080\nNAME=mine\n");
    let out = lab.run(&["reset", "1"]);
    out.code(0)
        .stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-reset/ (`labforge undo` puts it back)
restored config.sh

"#]])
        .stderr_eq(str![[r#"
warning: config.sh is also edited in 02-build, 05-graceful-shutdown, 06-graphs: the starter copy took back that work too
help: `labforge reset --undo` puts your files back (they are in .labforge/backups/[..]-reset/)

"#]]);
    snapbox::assert_data_eq!(
        lab.read("config.sh"),
        str![[r#"
# TODO(lab): set PORT
PORT=

"#]]
    );
    // The undo command it printed puts the file back.
    lab.run(&["reset", "--undo"]).code(0).stdout_eq(str![]).stderr_eq(str![[r#"
Undid the reset of 01-config (.labforge/backups/[..]-reset/): 1 file put back, 0 files it created removed.
The files as they were just before this undo are in .labforge/backups/[..]-undo/.

"#]]);
    assert_eq!(lab.read("config.sh"), "PORT=8080\nNAME=mine\n");
    // An exercise whose files no later exercise edits resets without a
    // warning (stdout names the backup folder).
    lab.write("docs/adr/0001-storage.md", "mine\n");
    lab.run(&["reset", "decide"])
        .code(0)
        .stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-reset/ (`labforge undo` puts it back)
restored docs/adr/0001-storage.md

"#]])
        .stderr_eq(str![]);
}

#[test]
fn issue_17_status_marks_the_current_exercise_after_it_passed() {
    let lab = rough();
    lab.solve("01-config");
    lab.run(&["check", "--trust"]).code(0);
    lab.run(&["status"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
rough@1.0.0 (shell track)
  exercise              state    hints  title
> 01-config             done     0/1    Read the config
  02-build              todo     0/1    Build the service
  05-graceful-shutdown  todo     0/1    Shut down gracefully
  06-graphs             todo     0/1    Draw the graphs
  07-decide             todo     0/1    Record the decision
1 of 5 exercises done

"#]]);
    lab.run(&["next"]).code(0);
    lab.run(&["status"]).code(0).stdout_eq(str![[r#"
rough@1.0.0 (shell track)
  exercise              state    hints  title
  01-config             done     0/1    Read the config
> 02-build              current  0/1    Build the service
  05-graceful-shutdown  todo     0/1    Shut down gracefully
  06-graphs             todo     0/1    Draw the graphs
  07-decide             todo     0/1    Record the decision
1 of 5 exercises done

"#]]);
}

/// Two trials saw `check --all` move the current exercise to the next one
/// after it passed: only `next` moves it (issue 17, new-user trial).
#[test]
fn issue_17_check_all_never_moves_the_current_exercise() {
    let lab = rough();
    lab.solve("01-config");
    lab.run(&["check", "--trust"]).code(0);
    lab.run(&["check", "--all", "--trust"]).code(1);
    lab.run(&["status"]).code(0).stderr_eq("").stdout_eq(
        "rough@1.0.0 (shell track)
  exercise              state    hints  title
> 01-config             done     0/1    Read the config
  02-build              todo     0/1    Build the service
  05-graceful-shutdown  todo     0/1    Shut down gracefully
  06-graphs             todo     0/1    Draw the graphs
  07-decide             todo     0/1    Record the decision
1 of 5 exercises done
",
    );
    lab.run(&["check", "--trust"]).code(0).stdout_eq(
        "...
01-config passes: run `labforge next` to move on
",
    );
}

/// A file check names what its regexes look for in the words of `means`
/// (the regex only when it has none), and a no_placeholders line says it
/// shows the first of the places it counts (issue 17, new-user trial).
#[test]
fn issue_17_failure_lines_say_what_is_missing_in_words() {
    let lab = Lab::new(&fixture("described"));
    lab.run(&["check", "--trust"]).code(1).stdout_eq(
        "FAIL 01-image: Build the image
  fail     dockerfile [..] `Dockerfile` has no `EXPOSE <port>` line
  fail     todos [..] 2 placeholders are left (replace each with your code); the first: notes.txt:1: TODO(lab) one

FAIL `dockerfile` (file check) of 01-image:
  `Dockerfile` has no `EXPOSE <port>` line
  `Dockerfile` has nothing matching `(?m)^HEALTHCHECK `
  `Dockerfile` line 2 has `USER root` (or 0), which it must not: USER root
  re-run: labforge check 01-image

2 checks: 0 passed, 2 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)
",
    );
    // A `means` key that is not one of the check's regexes is refused.
    let tmp = tempdir();
    let bad = tmp.path().join("bad");
    copy_dir(&fixture("described"), &bad);
    let manifest = std::fs::read_to_string(bad.join("lab.toml")).unwrap();
    std::fs::write(
        bad.join("lab.toml"),
        manifest.replace("'(?m)^EXPOSE\\s+\\d+' = ", "'(?m)^EXPOSE' = "),
    )
    .unwrap();
    labforge(&["template", "lint", "bad"])
        .dir(tmp.path())
        .run()
        .code(2)
        .stdout_eq("")
        .stderr_eq(
            "error: check `dockerfile` of exercise `01-image`: `means` explains `(?m)^EXPOSE`, which is not one of its `matches` or `not_matches`
 --> bad/lab.toml:21:1
help: use the regex exactly as written in `matches` or `not_matches` as the key
",
        );
}

#[test]
fn issue_17_a_compile_error_is_a_failing_check_with_the_compiler_output() {
    let lab = rough();
    lab.run(&["check", "2", "--trust"]).code(1).stderr_eq(str![]).stdout_eq(str![[r#"
FAIL 02-build: Build the service
  fail     starts [..] service `app` (`sh app.sh`) exited with code 101 before it printed a line matching `listening on (?P<addr>/S+)`

FAIL `starts` (command check) of 02-build:
  service `app` (`sh app.sh`) exited with code 101 before it printed a line matching `listening on (?P<addr>/S+)`
  output (end):
  |    Compiling notes-service v0.1.0
  | error[E0425]: cannot find value `port` in this scope
  |  --> service/src/main.rs:12:9
  | error: could not compile `notes-service` (bin "notes-service") due to 1 previous error
  re-run: true

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    lab.solve("02-build");
    lab.run(&["check", "2", "--trust"]).code(0);
}

#[test]
fn issue_17_a_failing_test_shows_its_assertion_not_the_output_tail() {
    let lab = rough();
    lab.run(&["check", "--trust"])
        .code(1)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
FAIL 01-config: Read the config
  fail     tests [..] `sh tests/run.sh` exited with 1 (expected 0)

FAIL `tests` (command check) of 01-config:
  `sh tests/run.sh` exited with 1 (expected 0)
  failing test:
  | test_port
  | tests/test_config.py:7: in test_port
  |     assert config.port == 8080
  | E   AssertionError: assert '' == 8080
  hint: The failing test says what it expected.
  re-run: sh tests/run.sh

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    let out = lab.run(&["check", "--json", "--trust"]);
    out.code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v["exercises"][0]["checks"][0]["assertion"],
        "test_port\ntests/test_config.py:7: in test_port\n    assert config.port == 8080\nE   AssertionError: assert '' == 8080"
    );
}

#[test]
fn issue_17_sql_failures_name_the_learners_files() {
    let kinds = support::repo_root().join("tests/check/fixtures/kinds");
    let lab = Lab::new(&kinds);
    assert!(!lab.root.join("checks/top.csv").exists());
    lab.write(
        "queries/top.sql",
        "SELECT c.name, SUM(o.total_cents) AS spent\nFROM customers AS c JOIN orders AS o ON o.customer_id = c.id\nGROUP BY c.id;\n",
    );
    lab.run(&["check", "4", "--trust"]).code(1).stdout_eq(str![[r#"
FAIL 04-queries: Queries
  fail     top [..] the rows of `queries/top.sql` differ from the expected ones (ordered by spent desc): expected 4 rows, got 3
  fail     discount [..] after `queries/discount.sql`, the rows of the check's query differ from the expected ones (exact order): 2 rows differ (first 2 shown):
  fail     index [..] the query plan of `SELECT * FROM orders WHERE customer_id = 2` does not contain `USING INDEX`

FAIL `top` (sql check) of 04-queries:
  the rows of `queries/top.sql` differ from the expected ones (ordered by spent desc):
  expected 4 rows, got 3
...

"#]]);
}

#[test]
fn issue_17_checks_leave_the_committed_state_alone() {
    if !require_tool("git") {
        return;
    }
    let lab = Lab::with_args(&fixture("rough"), &[]);
    let git_status = || {
        let out = std::process::Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(&lab.root)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let state = lab.read(".labforge/state.toml");
    lab.run(&["check", "--trust"]).code(1);
    // The run's results are kept in an ignored file.
    let results: serde_json::Value =
        serde_json::from_str(&lab.read(".labforge/results.json")).unwrap();
    assert_eq!(results["exercises"][0]["id"], "01-config");
    lab.run(&["check", "6", "--trust"]).code(1);
    lab.run(&["check", "--json", "--trust"]).code(1);
    assert_eq!(git_status(), "");
    assert_eq!(lab.read(".labforge/state.toml"), state);
    // Progress is what changes it: the first pass, once.
    lab.solve("01-config");
    lab.run(&["check", "--trust"]).code(0);
    snapbox::assert_data_eq!(
        git_status(),
        str![[r#"
 M .labforge/state.toml
 M config.sh

"#]]
    );
    let passed = lab.read(".labforge/state.toml");
    lab.run(&["check", "--trust"]).code(0);
    assert_eq!(lab.read(".labforge/state.toml"), passed);
}

#[test]
fn issue_17_check_and_hint_list_every_adr_finding() {
    let lab = rough();
    lab.run(&["check", "7", "--trust"]).code(1).stdout_eq(str![[r#"
FAIL 07-decide: Record the decision
  fail     adr [..] `docs/adr/0001-storage.md` is not finished (4 to do; `labforge adr lint 0001-storage.md` shows the same)

FAIL `adr` (adr check) of 07-decide:
  `docs/adr/0001-storage.md` is not finished (4 to do; `labforge adr lint 0001-storage.md` shows the same):
  docs/adr/0001-storage.md:2: status "proposed" is not one of: accepted (set the status to one of: accepted)
  docs/adr/0001-storage.md:6 [Context and Problem Statement]: section "Context and Problem Statement" is still a stub: [..]
  docs/adr/0001-storage.md:10 [Considered Options]: section "Considered Options" is still a stub: [..]
  docs/adr/0001-storage.md:14 [Decision Outcome]: section "Decision Outcome" is still a stub: [..]
  re-run: labforge check 07-decide

1 check: 0 passed, 1 failed.
fix the first failing check, then run `labforge check` again (`labforge hint` gives a hint)

"#]]);
    // Not the check shown in full: one line that counts its findings and
    // names the command that lists them, so they never bury the code
    // failures of `check --all` (new-user trial).
    lab.run(&["check", "--all", "--trust"]).code(1).stdout_eq(str![[r#"
...
FAIL 07-decide: Record the decision
  fail     adr [..] `docs/adr/0001-storage.md` is not finished (4 to do; `labforge adr lint 0001-storage.md` shows the same)

FAIL `tests` (command check) of 01-config:
...

"#]]);
    lab.run(&["hint", "7"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
hint 1/1 for 07-decide: Fill in every section.

still to do for check `adr`:
  `docs/adr/0001-storage.md` is not finished (4 to do; `labforge adr lint 0001-storage.md` shows the same):
  docs/adr/0001-storage.md:2: status "proposed" is not one of: accepted (set the status to one of: accepted)
  docs/adr/0001-storage.md:6 [Context and Problem Statement]: section "Context and Problem Statement" is still a stub: [..]
  docs/adr/0001-storage.md:10 [Considered Options]: section "Considered Options" is still a stub: [..]
  docs/adr/0001-storage.md:14 [Decision Outcome]: section "Decision Outcome" is still a stub: [..]

"#]]);
    // `hint` runs without trust: an ADR that is a link out of the lab is not read.
    let outside = lab.root.parent().unwrap().join("secret.md");
    std::fs::write(&outside, "---\nstatus: proposed\n---\n# SECRET\n").unwrap();
    std::fs::remove_file(lab.root.join("docs/adr/0001-storage.md")).unwrap();
    std::os::unix::fs::symlink(&outside, lab.root.join("docs/adr/0001-storage.md")).unwrap();
    lab.run(&["hint", "7"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
every hint of 07-decide is shown already:
  1. Fill in every section.
once it passes, `labforge solution 07-decide` shows the reference solution

"#]]);
}

#[test]
fn issue_17_a_deleted_cache_never_breaks_a_lab_from_git() {
    let tmp = tempdir();
    let repo_dir = tmp.path().join("repo");
    copy_dir(&fixture("rough"), &repo_dir);
    let repo = git2::Repository::init(&repo_dir).unwrap();
    let commit = |message: &str| {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("Author", "author@example.com").unwrap();
        let parents: Vec<git2::Commit> = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &refs)
            .unwrap();
    };
    commit("v1");
    let url = format!("file://{}", repo_dir.display());
    let cache = tmp.path().join("cache");
    let lab_dir = tmp.path().join("lab");
    labforge(&[
        "new",
        &url,
        lab_dir.to_str().unwrap(),
        "--defaults",
        "--no-git",
    ])
    .env("LABFORGE_CACHE_DIR", cache.to_str().unwrap())
    .run()
    .code(0);
    // The template moves on; the lab was made from the first commit.
    std::fs::write(repo_dir.join("common/tests/run.sh"), "exit 0\n").unwrap();
    commit("v2");
    std::fs::remove_dir_all(&cache).unwrap();
    labforge(&["check", "--trust"])
        .dir(&lab_dir)
        .env("LABFORGE_CACHE_DIR", cache.to_str().unwrap())
        .run()
        .code(1)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
note: the template of this lab is not in the cache: fetching `[URL]` again

"#]])
        .stdout_eq(str![[r#"
FAIL 01-config: Read the config
  fail     tests [..] `sh tests/run.sh` exited with 1 (expected 0)
...

"#]]);
    // Cached again: no note the second time.
    labforge(&["hint"])
        .dir(&lab_dir)
        .env("LABFORGE_CACHE_DIR", cache.to_str().unwrap())
        .run()
        .code(0)
        .stderr_eq(str![]);
}

#[test]
fn issue_17_trust_messages_say_how_to_look_and_what_trust_does() {
    let tmp = tempdir();
    labforge(&["template", "init", "mine"])
        .dir(tmp.path())
        .run()
        .code(0);
    let config = tempdir();
    let abs = tmp.path().join("mine").display().to_string();
    labforge(&["template", "test", "mine"])
        .dir(tmp.path())
        .env("LABFORGE_CONFIG_DIR", config.path().to_str().unwrap())
        .run()
        .code(2)
        .stdout_eq(str![])
        .redact("[ABS]", &abs)
        .stderr_eq(str![[r#"
error: labforge will not run the commands of `[ABS]` without your consent
  this lab is not built in: its setup commands and checks run programs on this machine
help: --trust lets this template's setup commands and checks run on this machine: for your own template, `labforge template test mine --trust`

"#]]);
    // A teammate's generated lab has no lab.toml: `show` describes the source.
    let lab = rough();
    let source = fixture("rough").display().to_string();
    labforge(&["check"])
        .dir(&lab.root)
        .env("LABFORGE_CONFIG_DIR", config.path().to_str().unwrap())
        .run()
        .code(2)
        .redact("[SOURCE]", &source)
        .stderr_eq(str![[r#"
error: labforge will not run the commands of `[SOURCE]` without your consent
  this lab is not built in: its setup commands and checks run programs on this machine
help: `labforge show [SOURCE]` describes it (setup commands, exercises, checks); then pass --trust, or run this command once on a terminal and confirm (the answer is remembered)

"#]]);
}

#[test]
fn issue_17_template_test_shows_a_failing_solutions_output() {
    let tmp = tempdir();
    let template = tmp.path().join("t");
    copy_dir(
        &support::repo_root().join("tests/check/fixtures/solution-fails"),
        &template,
    );
    let toml = std::fs::read_to_string(template.join("lab.toml"))
        .unwrap()
        .replace(
            "run = \"grep -qx 42 answer.txt\"",
            "run = \"echo expected 42, found: $(cat answer.txt); grep -qx 42 answer.txt\"",
        );
    std::fs::write(template.join("lab.toml"), toml).unwrap();
    labforge(&["template", "test", template.to_str().unwrap(), "--trust"])
        .run()
        .code(1)
        .stdout_eq(str![[r#"
...
  violation: solution 01-one: 01-one / answer fail: `echo expected 42, found: $(cat answer.txt); grep -qx 42 answer.txt` exited with 1 (expected 0)
    output (end):
    | expected 42, found: 41
...

"#]]);
}

#[test]
fn issue_17_did_you_mean_for_lab_ids_and_lab_toml_keys() {
    labforge(&["new", "api-clinet"]).run().code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: `api-clinet` is not a built-in lab, a folder, a URL or CATALOG/LAB
help: did you mean `api-client`? built-in labs: api-client, cloud-service, database; `labforge list` shows catalog labs too; a folder must exist; URLs start with https://, ssh://, git://, file:// or git@

"#]]);
    let tmp = tempdir();
    let dir = tmp.path().join("typo");
    copy_dir(&fixture("rough"), &dir);
    let toml = std::fs::read_to_string(dir.join("lab.toml"))
        .unwrap()
        .replace("hints = [\"None.\"]", "hnt = [\"None.\"]");
    std::fs::write(dir.join("lab.toml"), toml).unwrap();
    labforge(&["show", "./typo"])
        .dir(tmp.path())
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: unknown field `hnt`
 --> ./typo/lab.toml:61:1
help: did you mean `hints`? docs/lab-format.md lists every key

"#]]);
}

#[test]
fn issue_17_completions_offer_lab_and_exercise_ids() {
    labforge(&["completions", "--help"])
        .run()
        .code(0)
        .stdout_eq(str![[r#"
Print a shell completion script

Usage: labforge completions <SHELL>

Arguments:
  <SHELL>  bash, zsh, fish, elvish or powershell [possible values: bash, elvish, fish, powershell,
           zsh]

Options:
  -h, --help  Print help

Install (completes commands, options, lab ids and the exercise ids of the lab you are in):
  bash:  echo 'source <(labforge completions bash)' >> ~/.bashrc
  zsh:   echo 'source <(labforge completions zsh)' >> ~/.zshrc
  fish:  echo 'labforge completions fish | source' >> ~/.config/fish/config.fish
Then open a new shell. The script calls labforge back on each Tab, so it stays current after an
upgrade.

"#]]);
    let lab = rough();
    labforge(&["--", "labforge", "check", ""])
        .dir(&lab.root)
        .env("COMPLETE", "fish")
        .run()
        .code(0)
        .stdout_eq(str![[r#"
01-config	Read the config
02-build	Build the service
05-graceful-shutdown	Shut down gracefully
06-graphs	Draw the graphs
07-decide	Record the decision
--all	Check every exercise (and rebuild progress from the results)
--json	Print results as JSON on stdout (every run writes them to .labforge/results.json)
--watch	Re-run whenever a file changes
--trust	Run the commands of a lab that is not built in without asking
--help	Print help

"#]]);
    labforge(&["--", "labforge", "reset", "0"])
        .dir(&lab.root)
        .env("COMPLETE", "fish")
        .run()
        .code(0)
        .stdout_eq(str![[r#"
...
06-graphs	Draw the graphs
07-decide	Record the decision

"#]]);
    let tmp = tempdir();
    labforge(&["--", "labforge", "new", "cl"])
        .dir(tmp.path())
        .env("COMPLETE", "fish")
        .run()
        .code(0)
        .stdout_eq(str![[r#"
cloud-service

"#]]);
    // A bash script that calls labforge back.
    let bash = labforge(&["completions", "bash"]).run();
    bash.code(0).stderr_eq(str![]);
    assert!(bash.stdout.contains("COMPLETE=\"bash\""), "{}", bash.stdout);
}

/// A command run in a tmux pane 120 columns wide, so stderr is a terminal.
struct Pane {
    socket: String,
}

impl Pane {
    fn start(dir: &Path, command: &str) -> Pane {
        // One tmux server per pane: a new session on the socket of a server
        // still shutting down fails ("server exited unexpectedly").
        static PANES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = PANES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let socket = format!("labforge-test-{}-{n}", std::process::id());
        let script = format!(
            "cd '{}' && env -u CARGO_TARGET_DIR -u LABFORGE_LAB_TARGET_DIR NO_COLOR=1 TERM=xterm LABFORGE_CONFIG_DIR='{}' {command}; echo '[exited]'; sleep 60",
            dir.display(),
            support::isolated_home().join("config").display(),
        );
        // A clean environment: the test harness's own (cargo's library
        // paths among them) is not the learner's.
        let ok = std::process::Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
                &script,
            ])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", support::isolated_home())
            .env("TERM", "xterm")
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "tmux would not start: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        Pane { socket }
    }
    fn screen(&self) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .env_clear()
            .env("HOME", support::isolated_home())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }
    /// Waits until the screen holds `text` (at most 30 s).
    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the screen never showed `{text}`:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .env_clear()
            .env("HOME", support::isolated_home())
            .status();
    }
}

#[test]
fn issue_17_progress_updates_in_place_on_a_terminal() {
    if !require_tool("tmux") {
        return;
    }
    let lab = rough();
    // A slow check: a spinner line with the check and the time so far…
    let pane = Pane::start(
        &lab.root,
        &format!("ROUGH_SLEEP=3 {} check 5 --trust", support::LABFORGE),
    );
    let running = pane.wait_for("checking 05-graceful-shutdown / slow");
    let line = running.lines().next().unwrap();
    assert!(
        regex::Regex::new(r"^. checking 05-graceful-shutdown / slow \d+s$")
            .unwrap()
            .is_match(line),
        "{running}"
    );
    // …replaced by its verdict, then the report.
    let done = pane.wait_for("[exited]");
    let done = regex::Regex::new(r"\[\d[^\]]*\]")
        .unwrap()
        .replace_all(&done, "[T]");
    assert_eq!(
        done,
        "fail     05-graceful-shutdown / slow [T]\n".to_string()
            + &SLOW_FAILS.replace(" [..] ", " [T] ")
            + "[exited]"
    );
    drop(pane);

    // The first build of a Rust track (no build folder yet) says so.
    let pane = Pane::start(
        &lab.root,
        &format!("ROUGH_SLEEP=3 {} check 6 --trust", support::LABFORGE),
    );
    let running = pane.wait_for("checking 06-graphs / graphs");
    assert!(
        regex::Regex::new(r"^. checking 06-graphs / graphs: compiling first \(the first build of a Rust track takes a minute\) \d+s$")
            .unwrap()
            .is_match(running.lines().next().unwrap()),
        "{running}"
    );
    pane.wait_for("[exited]");
    drop(pane);

    // setup runs in the terminal's foreground group so Ctrl-C reaches its
    // commands directly (issue 13): its output streams, without a spinner.
    let pane = Pane::start(&lab.root, &format!("{} setup --trust", support::LABFORGE));
    let done = pane.wait_for("[exited]");
    assert!(
        done.ends_with("set up: run `labforge check` to check the first exercise\n[exited]"),
        "{done}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}
