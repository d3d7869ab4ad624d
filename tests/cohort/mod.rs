//! Integration tests: `labforge cohort` (issue 16). Six learners of the
//! built-in database lab (Python track), each a real git repository made by
//! `labforge new`: untouched, exercises 1–3 solved with the reference
//! solutions, all solved, one who edited a test so it passes, one whose
//! committed results claim everything passed while nothing is solved, and
//! one whose repository does not exist. Graded by re-running the checks.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use regex::Regex;

use crate::support::{browser, labforge, require_tool, tempdir};
use snapbox::str;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Learner")
        .env("GIT_AUTHOR_EMAIL", "learner@example.com")
        .env("GIT_COMMITTER_NAME", "Learner")
        .env("GIT_COMMITTER_EMAIL", "learner@example.com")
        .status()
        .expect("git")
        .success();
    assert!(ok, "git {args:?} failed in {}", dir.display());
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// A learner's lab, made and committed by `labforge new`.
fn new_lab(root: &Path, name: &str) -> std::path::PathBuf {
    labforge(&["new", "database", name, "--track", "python", "--defaults"])
        .dir(root)
        .run()
        .code(0);
    root.join(name)
}

const IDS: [&str; 8] = [
    "01-schema",
    "02-read-basics",
    "03-joins-and-aggregates",
    "04-sql-from-code",
    "05-transactions",
    "06-indexes",
    "07-migrations",
    "08-report",
];

/// Lays the reference solutions of exercises 1..=n in order, as `labforge
/// solution` prints them, over the learner's files.
fn solve_up_to(lab: &Path, n: usize) {
    for ex in &IDS[..n] {
        solve(lab, ex);
    }
}

fn solve(lab: &Path, exercise: &str) {
    let out = labforge(&["solution", exercise, "--reveal"]).dir(lab).run();
    out.code(0);
    let header = Regex::new(r"(?m)^==> (.+) <==$").unwrap();
    let marks: Vec<(usize, usize, String)> = header
        .captures_iter(&out.stdout)
        .map(|c| {
            let m = c.get(0).unwrap();
            (m.start(), m.end(), c[1].to_string())
        })
        .collect();
    assert!(!marks.is_empty(), "no solution files for {exercise}");
    for (i, (_, end, path)) in marks.iter().enumerate() {
        let stop = marks.get(i + 1).map_or(out.stdout.len(), |m| m.0);
        let body = &out.stdout[end + 1..stop];
        let dest = lab.join(path);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(dest, body).unwrap();
    }
}

struct Cohort {
    _tmp: tempfile::TempDir,
    mentor: std::path::PathBuf,
}

fn cohort() -> Cohort {
    let tmp = tempdir();
    let root = tmp.path();
    let untouched = new_lab(root, "untouched");
    let _ = untouched;
    let three = new_lab(root, "three");
    solve_up_to(&three, 3);
    commit_all(&three, "exercises 1-3");
    let all = new_lab(root, "all");
    solve_up_to(&all, 8);
    // The capstone also wants the ADRs written: the lab's finished records.
    let adrs = crate::support::repo_root().join("labs/database/solutions/adr/common/docs/adr");
    for e in fs::read_dir(adrs).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), all.join("docs/adr").join(e.file_name())).unwrap();
    }
    commit_all(&all, "all exercises");
    let cheat = new_lab(root, "cheat");
    fs::write(
        cheat.join("tests/test_01_schema.py"),
        "def test_everything_passes():\n    assert True\n",
    )
    .unwrap();
    commit_all(&cheat, "make the tests pass");
    let forger = new_lab(root, "forger");
    let mut results = String::from(
        "{\n  \"version\": 1,\n  \"lab\": \"database@1.0.0\",\n  \"track\": \"python\",\n  \"status\": \"pass\",\n  \"exercises\": [\n",
    );
    let ids = IDS;
    let rows: Vec<String> = ids
        .iter()
        .map(|id| format!("    {{\"id\": \"{id}\", \"status\": \"pass\", \"checks\": []}}"))
        .collect();
    results.push_str(&rows.join(",\n"));
    results.push_str("\n  ]\n}\n");
    fs::write(forger.join(".labforge/results.json"), results).unwrap();
    let state = fs::read_to_string(forger.join(".labforge/state.toml")).unwrap();
    let done: String = ids
        .iter()
        .map(|id| format!("\"{id}\" = 2026-01-01T00:00:00Z\n"))
        .collect();
    let state = state.replace("[done]\n", &format!("[done]\n{done}"));
    fs::write(forger.join(".labforge/state.toml"), state).unwrap();
    git(&forger, &["add", "-f", ".labforge/results.json"]);
    commit_all(&forger, "everything passes, trust me");

    let mentor = root.join("mentor");
    labforge(&["cohort", "init", "mentor", "--lab", "database"])
        .dir(root)
        .run()
        .code(0)
        .stderr_eq(str![[r#"
wrote mentor/cohort.toml: add learners with `labforge cohort add NAME REPO`

"#]]);
    for name in ["untouched", "three", "all", "cheat", "forger"] {
        labforge(&["cohort", "add", name, &format!("../{name}")])
            .dir(&mentor)
            .run()
            .code(0)
            .stderr_eq(format!("added {name}\n"));
    }
    labforge(&["cohort", "add", "gone", "../does-not-exist"])
        .dir(&mentor)
        .run()
        .code(0);
    Cohort { _tmp: tmp, mentor }
}

#[test]
fn issue_16_cohort_file_is_strict_and_names_are_folder_safe() {
    let t = tempdir();
    labforge(&["cohort", "init", "--lab", "database"])
        .dir(t.path())
        .run()
        .code(0);
    labforge(&["cohort", "add", "../evil", "https://example.com/x.git"])
        .dir(t.path())
        .run()
        .code(2)
        .stderr_eq(str![[r#"
error: `../evil` is not a valid learner name
help: use lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit (it names a folder)

"#]]);
    fs::write(
        t.path().join("cohort.toml"),
        "[lab]\nsource = \"database\"\n\n[[learner]]\nname = \"ann\"\nrepo = \"x\"\nbrnch = \"main\"\n",
    )
    .unwrap();
    labforge(&["cohort", "list"])
        .dir(t.path())
        .run()
        .code(2)
        .stderr_eq(str![[r#"
error: unknown field `brnch`, expected one of `name`, `repo`, `branch`
 --> ./cohort.toml:7:1
help: fix the key or value; the format is in docs/cohort.md

"#]]);
    fs::write(
        t.path().join("cohort.toml"),
        "[lab]\nsource = \"database\"\n\n[[learner]]\nname = \"../../x\"\nrepo = \"x\"\n",
    )
    .unwrap();
    labforge(&["cohort", "list"])
        .dir(t.path())
        .run()
        .code(2)
        .stderr_eq(str![[r#"
error: `../../x` is not a valid learner name
 --> ./cohort.toml
help: use lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit (it names a folder)

"#]]);
}

#[test]
fn issue_16_grading_refuses_without_consent_off_a_terminal() {
    let t = tempdir();
    labforge(&["cohort", "init", "--lab", "database"])
        .dir(t.path())
        .run()
        .code(0);
    labforge(&["cohort", "grade"])
        .dir(t.path())
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: grading runs each learner's code, and that needs your consent
help: run it again with `--trust` (or answer yes on a terminal); read docs/cohort.md for what a learner's code can do

"#]]);
}

#[test]
fn issue_16_cohort_is_graded_by_rerunning_the_checks() {
    if !require_tool("python3") || !require_tool("git") {
        return;
    }
    let c = cohort();
    let m = &c.mentor;
    let sync = labforge(&["cohort", "sync", "--jobs", "3"]).dir(m).run();
    sync.code(1);
    assert!(
        sync.stderr.ends_with("synced 5 of 6 learners\n"),
        "{}",
        sync.stderr
    );
    assert!(sync.stderr.contains("could not sync gone: the folder `../does-not-exist` does not exist (a relative path is taken from the cohort's folder)\n"));

    let graded = labforge(&["cohort", "grade", "--trust", "--json"])
        .dir(m)
        .run();
    graded.code(1);
    // One setup for the track, shared by every graded learner.
    assert_eq!(
        graded
            .stderr
            .matches("setting up the python track once for every learner")
            .count(),
        1,
        "{}",
        graded.stderr
    );
    assert!(
        graded
            .stderr
            .contains("setup of the python track: ran once, shared by 5 learner(s)\n")
    );
    let setup_venv = m.join(".labforge-cohort/setup/database@1.0.0-python/.venv");
    assert!(setup_venv.join("bin/python").exists());
    for name in ["untouched", "three", "all", "cheat", "forger"] {
        let venv = m.join(".labforge-cohort/work").join(name).join(".venv");
        assert!(
            fs::symlink_metadata(&venv)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_link(&venv).unwrap(),
            setup_venv.canonicalize().unwrap()
        );
    }

    let g: serde_json::Value = serde_json::from_str(&graded.stdout).unwrap();
    let learners = g["learners"].as_array().unwrap();
    let by: BTreeMap<&str, &serde_json::Value> = learners
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l))
        .collect();
    let marks = |name: &str| -> String {
        let ex = by[name]["exercises"].as_object().unwrap();
        ex.values()
            .map(|v| match v.as_str().unwrap() {
                "pass" => '✓',
                "fail" => '✗',
                "not_started" => '·',
                _ => '!',
            })
            .collect()
    };
    assert_eq!(marks("untouched"), "✗·······");
    assert_eq!(marks("three"), "✓✓✓·····");
    assert_eq!(marks("all"), "✓✓✓✓✓✓✓✓");
    // The edited test was put back and fails; the edit is a warning.
    assert_eq!(marks("cheat"), "!·······");
    assert_eq!(
        by["cheat"]["tamper"],
        serde_json::json!(["tests/test_01_schema.py was edited; graded with the template's copy"])
    );
    // The forged results and progress are ignored: nothing passes.
    assert_eq!(marks("forger"), "✗✗✗✗✗✗✗✗");
    assert_eq!(by["forger"]["passed"], 0);
    assert_eq!(by["three"]["passed"], 3);
    assert_eq!(by["all"]["passed"], 8);
    assert_eq!(by["three"]["first_failing"]["exercise"], "04-sql-from-code");
    assert!(
        by["gone"]["error"]
            .as_str()
            .unwrap()
            .starts_with("could not fetch: the folder")
    );
    assert!(by["all"]["adr"].as_array().unwrap().len() >= 2);

    // CSV and the table say the same.
    let csv = labforge(&["cohort", "grade", "--trust", "--csv"])
        .dir(m)
        .run();
    csv.code(1);
    assert!(
        csv.stderr
            .contains("setup of the python track: reused once, shared by 5 learner(s)\n")
    );
    let mut rows = csv.stdout.lines();
    assert_eq!(
        rows.next().unwrap(),
        "learner,commit,track,passed,total,01-schema,02-read-basics,03-joins-and-aggregates,04-sql-from-code,05-transactions,06-indexes,07-migrations,08-report,first_failing,message,hints_used,adr_findings,tamper,seconds,error"
    );
    for row in rows {
        let cols: Vec<&str> = row.split(',').collect();
        let l = by[cols[0]];
        assert_eq!(cols[3], l["passed"].to_string(), "{row}");
        for (i, mark) in l["exercises"].as_object().unwrap().values().enumerate() {
            assert_eq!(cols[5 + i], mark.as_str().unwrap(), "{row}");
        }
    }
    let table = labforge(&["cohort", "grade", "--trust"]).dir(m).run();
    table.code(1);
    assert!(table.stdout.starts_with(
        "learner    commit    01  02  03  04  05  06  07  08  passed  first failing / note\n"
    ));
    let line = |name: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
            .to_string()
    };
    assert!(line("all").contains("  ✓   ✓   ✓   ✓   ✓   ✓   ✓   ✓   8/8     all pass"));
    assert!(line("cheat").contains("  !   ·   ·   ·   ·   ·   ·   ·   0/8"));
    assert!(line("cheat").ends_with("(!)"));
    assert!(line("gone").contains("error: could not fetch"));
    assert!(table.stderr.contains(
        "! cheat: tests/test_01_schema.py was edited; graded with the template's copy\n"
    ));

    // The HTML report agrees, and opens from file:// in a real browser.
    let out = labforge(&["cohort", "report", "--out", "report"])
        .dir(m)
        .run();
    out.code(0).stdout_eq(str![[r#"
report/index.html

"#]]);
    let html = fs::read_to_string(m.join("report/index.html")).unwrap();
    let rows =
        Regex::new(r#"<tr class="learner[^"]*" data-name="([^"]+)" data-passed="(\d+)""#).unwrap();
    let found: Vec<(String, String)> = rows
        .captures_iter(&html)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(
        found,
        [
            ("all", "8"),
            ("three", "3"),
            ("cheat", "0"),
            ("forger", "0"),
            ("gone", "0"),
            ("untouched", "0"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(
        !Regex::new(r#"(?:src|href)="(?:https?:|//)"#)
            .unwrap()
            .is_match(&html)
    );
    assert!(
        m.join("report/all/index.html").is_file(),
        "each learner's ADRs are a site"
    );
    if browser::available() {
        let dom = browser::dump_dom(&browser::file_url(&m.join("report/index.html"), ""));
        let counts =
            Regex::new(r#"data-name="([^"]+)"[^>]*>.*?<td class="progress">(\d+) of (\d+)</td>"#)
                .unwrap();
        let seen: Vec<String> = counts
            .captures_iter(&dom)
            .map(|c| format!("{} {}/{}", &c[1], &c[2], &c[3]))
            .collect();
        assert_eq!(
            seen,
            [
                "all 8/8",
                "three 3/8",
                "cheat 0/8",
                "forger 0/8",
                "gone 0/0",
                "untouched 0/8"
            ]
        );
    }
}

/// The pipeline files as data, through Python's YAML parser (so "valid
/// YAML" is checked by a real one): GitHub's `run` steps after the install
/// step, and GitLab's `script`.
fn pipeline_commands(lab: &Path) -> (Vec<String>, Vec<String>) {
    let script = r#"
import json, sys, yaml
gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
steps = gh["jobs"]["check"]["steps"]
runs = [s["run"] for s in steps if "run" in s and not s.get("name", "").startswith("Install")]
assert any(s.get("uses", "").startswith("actions/upload-artifact") and s["with"]["path"] == "results.json" for s in steps)
assert gl["labforge"]["artifacts"]["paths"] == ["results.json"]
print(json.dumps([runs, gl["labforge"]["script"]]))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(lab.join(".github/workflows/labforge.yml"))
        .arg(lab.join(".gitlab-ci.yml"))
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "the pipelines are not valid YAML of the expected shape: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `results.json` without what changes from run to run.
fn verdicts(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    for ex in v["exercises"].as_array_mut().unwrap() {
        for c in ex["checks"].as_array_mut().unwrap() {
            let c = c.as_object_mut().unwrap();
            c.remove("duration_ms");
            c.remove("output");
        }
    }
    v
}

#[test]
fn issue_16_ci_pipelines_grade_like_check_all() {
    if !require_tool("python3") || !require_tool("git") {
        return;
    }
    let t = tempdir();
    let root = t.path();
    labforge(&["new", "database", "gh", "--track", "python", "--defaults"])
        .dir(root)
        .run()
        .code(0);
    labforge(&[
        "new",
        "database",
        "gl",
        "--track",
        "python",
        "--defaults",
        "--set",
        "ci=gitlab",
    ])
    .dir(root)
    .run()
    .code(0);
    labforge(&[
        "new",
        "database",
        "none",
        "--track",
        "python",
        "--defaults",
        "--set",
        "ci=none",
    ])
    .dir(root)
    .run()
    .code(0);
    assert!(root.join("gh/.github/workflows/labforge.yml").is_file());
    assert!(!root.join("gh/.gitlab-ci.yml").exists());
    assert!(root.join("gl/.gitlab-ci.yml").is_file());
    assert!(!root.join("gl/.github").exists());
    assert!(!root.join("none/.github").exists() && !root.join("none/.gitlab-ci.yml").exists());
    // Both files, for the YAML check: GitHub's from gh, GitLab's from gl.
    fs::copy(
        root.join("gl/.gitlab-ci.yml"),
        root.join("gh/.gitlab-ci.yml"),
    )
    .unwrap();
    let (github, gitlab) = pipeline_commands(&root.join("gh"));
    fs::remove_file(root.join("gh/.gitlab-ci.yml")).unwrap();
    assert_eq!(
        github,
        [
            "labforge setup",
            "labforge check --all --json > results.json || test -s results.json"
        ]
    );
    assert_eq!(github, gitlab, "both hostings run the same commands");

    // The CI's checkout: a fresh clone of the learner's repository.
    git(root, &["clone", "-q", "gh", "ci"]);
    let ci = root.join("ci");
    let bin = Path::new(crate::support::LABFORGE).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for cmd in &github {
        let ok = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(&ci)
            .env("PATH", &path)
            .env("CI", "true")
            .status()
            .unwrap()
            .success();
        assert!(ok, "`{cmd}` failed as the pipeline runs it");
    }
    let from_ci = fs::read_to_string(ci.join("results.json")).unwrap();
    let direct = labforge(&["check", "--all", "--json"]).dir(&ci).run();
    direct.code(1);
    assert_eq!(verdicts(&from_ci), verdicts(&direct.stdout));
    assert_eq!(verdicts(&from_ci)["exercises"].as_array().unwrap().len(), 8);

    // A mentor who trusts the CI reads the artifacts instead of re-running.
    fs::create_dir_all(root.join("artifacts/gh")).unwrap();
    fs::write(root.join("artifacts/gh/results.json"), &from_ci).unwrap();
    labforge(&["cohort", "init", "--lab", "database"])
        .dir(root)
        .run()
        .code(0);
    labforge(&["cohort", "add", "gh", "gh"])
        .dir(root)
        .run()
        .code(0);
    labforge(&["cohort", "add", "nobody", "nobody"])
        .dir(root)
        .run()
        .code(0);
    let g = labforge(&["cohort", "grade", "--from-ci", "artifacts", "--csv"])
        .dir(root)
        .run();
    g.code(1);
    let rows: Vec<&str> = g.stdout.lines().collect();
    assert!(
        rows[1].starts_with("gh,,python,0,8,not_started,"),
        "{}",
        g.stdout
    );
    assert!(rows[2].starts_with("nobody,,,0,0,"), "{}", g.stdout);
    assert!(
        rows[2].ends_with(",no CI results: expected artifacts/nobody/results.json"),
        "{}",
        g.stdout
    );
}

/// Issue 13's limits hold for `cohort sync` too: it fetches through the one
/// git transport, so a learner's server that never answers, or one that
/// sends without end, costs the deadline or the size cap, not a hung mentor,
/// and the other learners still sync.
#[test]
fn issue_16_cohort_sync_gives_up_on_a_hostile_git_server() {
    use crate::sources::hostile_servers::{GitServe, GitServer};
    use std::time::{Duration, Instant};
    if !require_tool("git") {
        return;
    }
    let t = tempdir();
    let root = t.path();
    let good = new_lab(root, "good");
    let _ = good;
    labforge(&["cohort", "init", "mentor", "--lab", "database"])
        .dir(root)
        .run()
        .code(0);
    let mentor = root.join("mentor");
    let silent = GitServer::start(GitServe::Silent);
    let endless = GitServer::start(GitServe::EndlessPack);
    for (name, repo) in [
        ("good", "../good".to_string()),
        ("silent", silent.url()),
        ("endless", endless.url()),
    ] {
        labforge(&["cohort", "add", name, &repo])
            .dir(&mentor)
            .run()
            .code(0);
    }
    let started = Instant::now();
    let sync = labforge(&["cohort", "sync", "--jobs", "3"])
        .dir(&mentor)
        .env("LABFORGE_GIT_TIMEOUT", "3")
        .env("LABFORGE_MAX_DOWNLOAD", "2M")
        .run();
    let took = started.elapsed();
    sync.code(1);
    let mut lines: Vec<&str> = sync
        .stderr
        .lines()
        .map(|l| {
            if l.starts_with("synced good at ") {
                "synced good at [commit]"
            } else {
                l
            }
        })
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            format!(
                "could not sync endless: refusing to fetch `{}`: it sends more than the download limit of 2097152 bytes",
                endless.url()
            )
            .as_str(),
            format!(
                "could not sync silent: the fetch of `{}` did not finish within 3 s",
                silent.url()
            )
            .as_str(),
            "synced 1 of 3 learners",
            "synced good at [commit]",
        ],
        "{}",
        sync.stderr
    );
    assert!(took < Duration::from_secs(10), "sync took {took:?}");
    // Nothing of the refused fetches is left in the cohort's cache.
    let repos = mentor.join(".labforge-cohort/repos");
    let mut left: Vec<String> = fs::read_dir(&repos)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["good"], "in {}", repos.display());
}
