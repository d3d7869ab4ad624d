//! Issue 18: the ADR toolkit on finished decision logs. Each fixture under
//! `tests/adr/fixtures/issue_18_*` is a small log written for these tests
//! that reproduces the cases of the issue:
//!
//! - `issue_18_nygard`: links outside the status area (a References bullet,
//!   a sentence ending in a link), status links followed by `.` and `,`,
//!   two links on one line, two records numbered 9, a multi-line status
//!   paragraph with a `Superceded by` line below it, custom statuses
//!   (`Approved`, `On hold`, `Accepted (lazy consensus) & implemented`), a
//!   heading without a space and a `#` in a file name; planted true
//!   findings: `TBC` and `TODO` left, a misspelt status, a supersede without
//!   its link back, the duplicate number.
//! - `issue_18_madr`: MADR 2 `* Status:` bullets, MADR 3 front matter with a
//!   `supersedes ADR-0001` relation, MADR 4 without its optional parts,
//!   heading variants, braces in code and tables, an options section that
//!   points at another record; planted: the supersede without a link back
//!   and a `TBD`.
//! - `issue_18_dated`: a date-named log (two records of the same day).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::{DATE, read, run};
use crate::support::{Run, labforge, tempdir};
use snapbox::str;

/// Copies the fixture `name` into a fresh folder.
fn fixture(name: &str) -> tempfile::TempDir {
    let t = tempdir();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/adr/fixtures")
        .join(name);
    copy_dir(&src, t.path());
    t
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn issue_18_graph_reads_links_only_from_the_status_area_and_keeps_duplicates_apart() {
    let t = fixture("issue_18_nygard");
    // No edge from 0001's References bullet or its prose link; `Overrides
    // […](…).` and two links on one `Completes` line are read; the two
    // records numbered 9 are two nodes, neither loops.
    let dot = str![[r#"
digraph {
  node [shape=plaintext];
  subgraph {
    _1 [label="1. Record architecture decisions"; URL="0001-record-architecture-decisions.html"];
    _2 [label="2. Use a queue"; URL="0002-use-a-queue.html"];
    _1 -> _2 [style="dotted", weight=1];
    _3 [label="3. Ship events"; URL="0003-ship-events.html"];
    _2 -> _3 [style="dotted", weight=1];
    _4 [label="4. Use a log"; URL="0004-use-a-log.html"];
    _3 -> _4 [style="dotted", weight=1];
    _0009_first_nine [label="9. First nine"; URL="0009-first-nine.html"];
    _4 -> _0009_first_nine [style="dotted", weight=1];
    _0009_second_nine [label="9. Second nine"; URL="0009-second-nine.html"];
    _0009_first_nine -> _0009_second_nine [style="dotted", weight=1];
    _10 [label="10. C# bindings"; URL="0010-c#-bindings.html"];
    _0009_second_nine -> _10 [style="dotted", weight=1];
  }
  _3 -> _2 [label="Overrides", weight=0]
  _3 -> _1 [label="Completes", weight=0]
  _3 -> _2 [label="Completes", weight=0]
  _4 -> _2 [label="Supercedes", weight=0]
  _0009_second_nine -> _3 [label="Supersedes", weight=0]
}

"#]];
    run(t.path(), &["generate", "graph"])
        .code(0)
        .stdout_eq(dot)
        .stderr_eq(str![]);
    let mermaid = str![[r#"
graph TD
  _1["1. Record architecture decisions"]
  click _1 "0001-record-architecture-decisions.html"
  _2["2. Use a queue"]
  click _2 "0002-use-a-queue.html"
  _3["3. Ship events"]
  click _3 "0003-ship-events.html"
  _4["4. Use a log"]
  click _4 "0004-use-a-log.html"
  _0009_first_nine["9. First nine"]
  click _0009_first_nine "0009-first-nine.html"
  _0009_second_nine["9. Second nine"]
  click _0009_second_nine "0009-second-nine.html"
  _10["10. C# bindings"]
  click _10 "0010-c#-bindings.html"
  _3 -->|"Overrides"| _2
  _3 -->|"Completes"| _1
  _3 -->|"Completes"| _2
  _4 -->|"Supercedes"| _2
  _0009_second_nine -->|"Supersedes"| _3

"#]];
    run(t.path(), &["generate", "graph", "--format", "mermaid"])
        .code(0)
        .stdout_eq(mermaid)
        .stderr_eq(str![]);
}

#[test]
fn issue_18_toc_strips_a_heading_without_a_space_and_encodes_hash() {
    let t = fixture("issue_18_nygard");
    run(t.path(), &["generate", "toc"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
# Architecture Decision Records

* [1. Record architecture decisions](0001-record-architecture-decisions.md)
* [2. Use a queue](0002-use-a-queue.md)
* [3. Ship events](0003-ship-events.md)
* [4. Use a log](0004-use-a-log.md)
* [9. First nine](0009-first-nine.md)
* [9. Second nine](0009-second-nine.md)
* [10. C# bindings](0010-c%23-bindings.md)

"#]]);
}

#[test]
fn issue_18_status_prints_the_whole_status_paragraph() {
    let t = fixture("issue_18_nygard");
    run(t.path(), &["status", "2"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
Accepted (lazy consensus)
and implemented in release 3.
Superceded by [4. Use a log](0004-use-a-log.md)

"#]]);
    let m = fixture("issue_18_madr");
    // MADR 2 bullets and MADR 3 front matter
    run(m.path(), &["status", "1"]).code(0).stdout_eq(str![[r#"
accepted

"#]]);
    run(m.path(), &["status", "2"]).code(0).stdout_eq(str![[r#"
accepted; supersedes ADR-0001

"#]]);
}

#[test]
fn issue_18_lint_team_reports_only_the_true_findings() {
    let t = fixture("issue_18_nygard");
    run(t.path(), &["lint"]).code(1).stdout_eq(str![[r#"
doc/adr/0002-use-a-queue.md:22: marker-left: section "Consequences" still says TBC
  hint: finish the text (or say what is still open in words) and remove the TBC
doc/adr/0009-second-nine.md: duplicate-number: 2 records have the number 9: 0009-first-nine.md, 0009-second-nine.md
  hint: give this record a free number with `adr renumber 0009-second-nine.md`
doc/adr/0009-second-nine.md:9: unreciprocated-supersede: this record supersedes `0003-ship-events.md`, which has no "Superseded by" link back
  hint: add `Superseded by [9. Second nine](0009-second-nine.md)` to the status of `0003-ship-events.md` (`adr link` writes both sides)
doc/adr/0010-c#-bindings.md:7: unknown-status: unknown status "Acepted" (`acepted` is no status word)
  hint: write a known status (accepted, proposed, rejected, deprecated, superseded, …), or allow it with `allow-status = ["acepted"]` in .adr-lint.toml
doc/adr/0010-c#-bindings.md:19: marker-left: section "Consequences" still says TODO
  hint: finish the text (or say what is still open in words) and remove the TODO

"#]])
    .stderr_eq(str![[r#"
adr lint: 5 finding(s) in 3 of 7 record(s)

"#]]);
    // the same with the profile named
    run(t.path(), &["lint", "--profile", "team", "10"])
        .code(1)
        .stderr_eq(str![[r#"
adr lint: 2 finding(s) in 1 of 1 record(s)

"#]]);

    let m = fixture("issue_18_madr");
    run(m.path(), &["lint"]).code(1).stdout_eq(str![[r#"
docs/decisions/0002-pick-a-json-library.md:2: unreciprocated-supersede: this record supersedes `0001-use-markdown-records.md`, which has no "Superseded by" link back
  hint: add `Superseded by [2. Pick a JSON library](0002-pick-a-json-library.md)` to the status of `0001-use-markdown-records.md` (`adr link` writes both sides)
docs/decisions/0002-pick-a-json-library.md:28: marker-left: section "Consequences" still says TBD
  hint: finish the text (or say what is still open in words) and remove the TBD

"#]])
    .stderr_eq(str![[r#"
adr lint: 2 finding(s) in 1 of 3 record(s)

"#]]);

    // a date-named log: two records of one day are not duplicates
    let d = fixture("issue_18_dated");
    run(d.path(), &["lint"])
        .code(0)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
adr lint: 2 record(s), no findings

"#]]);
    run(d.path(), &["generate", "graph"])
        .code(0)
        .stdout_eq(str![[r#"
digraph {
  node [shape=plaintext];
  subgraph {
    _20200925_use_postgres [label="Use Postgres"; URL="20200925-use-postgres.html"];
    _20200925_use_sqlite [label="Use SQLite"; URL="20200925-use-sqlite.html"];
    _20200925_use_postgres -> _20200925_use_sqlite [style="dotted", weight=1];
  }
  _20200925_use_sqlite -> _20200925_use_postgres [label="Supersedes", weight=0]
}

"#]]);
}

#[test]
fn issue_18_lint_learner_profile_reads_the_same_links() {
    let t = fixture("issue_18_nygard");
    run(t.path(), &["lint", "--profile", "learner"]).code(1).stdout_eq(str![[r#"
doc/adr/0003-ship-events.md:9: link-not-reciprocal: "Overrides [2. Use a queue]" has no link back from `0002-use-a-queue.md`
  hint: create links in pairs with `adr link SOURCE LINK TARGET REVERSE-LINK`, or add the reverse line to `0002-use-a-queue.md`
doc/adr/0003-ship-events.md:10: link-not-reciprocal: "Completes [1. Record architecture decisions]" has no link back from `0001-record-architecture-decisions.md`
  hint: create links in pairs with `adr link SOURCE LINK TARGET REVERSE-LINK`, or add the reverse line to `0001-record-architecture-decisions.md`
doc/adr/0003-ship-events.md:10: link-not-reciprocal: "Completes [2. Use a queue]" has no link back from `0002-use-a-queue.md`
  hint: create links in pairs with `adr link SOURCE LINK TARGET REVERSE-LINK`, or add the reverse line to `0002-use-a-queue.md`
doc/adr/0009-first-nine.md:7: bad-status: status "Approved" is not one of: proposed, accepted, rejected, deprecated, superseded
  hint: set the status to one of: proposed, accepted, rejected, deprecated, superseded
doc/adr/0009-second-nine.md: duplicate-number: 2 records have the number 9: 0009-first-nine.md, 0009-second-nine.md
  hint: give this record a free number with `adr renumber 0009-second-nine.md`
doc/adr/0009-second-nine.md:7: bad-status: status "On hold" is not one of: proposed, accepted, rejected, deprecated, superseded
  hint: set the status to one of: proposed, accepted, rejected, deprecated, superseded
doc/adr/0009-second-nine.md:9: link-not-reciprocal: "Supersedes [3. Ship events]" has no link back from `0003-ship-events.md`
  hint: create links in pairs with `adr link SOURCE LINK TARGET REVERSE-LINK`, or add the reverse line to `0003-ship-events.md`
doc/adr/0010-c#-bindings.md:7: bad-status: status "Acepted" is not one of: proposed, accepted, rejected, deprecated, superseded
  hint: set the status to one of: proposed, accepted, rejected, deprecated, superseded

"#]])
    .stderr_eq(str![[r#"
adr lint: 8 finding(s) in 4 of 7 record(s)

"#]]);
}

#[test]
fn issue_18_adr_lint_toml_turns_rules_off_and_allows_statuses() {
    let t = fixture("issue_18_nygard");
    fs::write(
        t.path().join("doc/adr/.adr-lint.toml"),
        "disable = [\"marker-left\", \"duplicate-number\"]\nallow-status = [\"acepted\"]\n",
    )
    .unwrap();
    run(t.path(), &["lint"]).code(1).stdout_eq(str![[r#"
doc/adr/0009-second-nine.md:9: unreciprocated-supersede: this record supersedes `0003-ship-events.md`, which has no "Superseded by" link back
  hint: add `Superseded by [9. Second nine](0009-second-nine.md)` to the status of `0003-ship-events.md` (`adr link` writes both sides)

"#]])
    .stderr_eq(str![[r#"
adr lint: 1 finding(s) in 1 of 7 record(s)

"#]]);
    fs::write(
        t.path().join("doc/adr/.adr-lint.toml"),
        "disable = [\"marker-left\"]\nallow = [\"x\"]\n",
    )
    .unwrap();
    run(t.path(), &["lint"]).code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: bad .adr-lint.toml: unknown field `allow`, expected `disable` or `allow-status`
 --> doc/adr/.adr-lint.toml:2:1
help: write `disable = ["RULE", …]` and `allow-status = ["STATUS", …]`; docs/adr-toolkit.md lists the rules

"#]]);
    fs::write(
        t.path().join("doc/adr/.adr-lint.toml"),
        "disable = [\"marker-lft\"]\n",
    )
    .unwrap();
    run(t.path(), &["lint"]).code(2).stdout_eq(str![]).stderr_eq(str![[r#"
error: .adr-lint.toml disables an unknown rule `marker-lft`
 --> doc/adr/.adr-lint.toml:1:12
help: the rules are: unreciprocated-supersede, duplicate-number, marker-left, unknown-status, missing-section, broken-link, stub, empty-section, placeholder-left, prompt-left, too-short, too-few-options, no-because, no-negative-consequence, no-confirmation, bad-status, no-status, missing-link-target, link-not-reciprocal, unreadable

"#]]);
}

const NYGARD_BODY: &str = "## Context

The issue motivating this decision, and any context that influences or constrains the decision.

## Decision

The change that we're proposing or have agreed to implement.

## Consequences

What becomes easier or more difficult to do and any risks introduced by the change that will need to be mitigated.
";

#[test]
fn issue_18_new_supersede_keeps_every_status_but_an_exact_accepted() {
    let t = fixture("issue_18_nygard");
    let p = t.path();
    run(p, &["new", "-s", "4", "-s", "1", "Use", "a", "stream"])
        .code(0)
        .stdout_eq(str![[r#"
doc/adr/0011-use-a-stream.md

"#]])
        .stderr_eq(str![]);
    let fixture_text = |rel: &str| {
        fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/adr/fixtures/issue_18_nygard")
                .join(rel),
        )
        .unwrap()
    };
    // the status text stays; the link is appended
    assert_eq!(
        read(p, "doc/adr/0004-use-a-log.md"),
        fixture_text("doc/adr/0004-use-a-log.md").replace(
            "Supercedes [2. Use a queue](0002-use-a-queue.md)\n",
            "Supercedes [2. Use a queue](0002-use-a-queue.md)\n\nSuperceded by [11. Use a stream](0011-use-a-stream.md)\n",
        )
    );
    // an exact `Accepted` line is removed, as adr-tools does
    assert_eq!(
        read(p, "doc/adr/0001-record-architecture-decisions.md"),
        fixture_text("doc/adr/0001-record-architecture-decisions.md").replace(
            "## Status\n\nAccepted\n",
            "## Status\n\nSuperceded by [11. Use a stream](0011-use-a-stream.md)\n",
        )
    );
    assert_eq!(
        read(p, "doc/adr/0011-use-a-stream.md"),
        format!(
            "# 11. Use a stream\n\nDate: {DATE}\n\n## Status\n\nAccepted\n\nSupercedes [4. Use a log](0004-use-a-log.md)\n\nSupercedes [1. Record architecture decisions](0001-record-architecture-decisions.md)\n\n{NYGARD_BODY}"
        )
    );
    run(p, &["status", "4"]).code(0).stdout_eq(str![[r#"
Accepted (lazy consensus) & implemented
Supercedes [2. Use a queue](0002-use-a-queue.md)
Superceded by [11. Use a stream](0011-use-a-stream.md)

"#]]);
}

#[test]
fn issue_18_new_supersede_in_madr_keeps_the_older_relation_and_reads_bullets() {
    let t = fixture("issue_18_madr");
    let p = t.path();
    run(p, &["new", "-s", "2", "-s", "1", "Use", "simd", "json"])
        .code(0)
        .stdout_eq(str![[r#"
docs/decisions/0004-use-simd-json.md

"#]]);
    let fixture_text = |rel: &str| {
        fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/adr/fixtures/issue_18_madr")
                .join(rel),
        )
        .unwrap()
    };
    // MADR 2: a bullet after the status bullet, no second Status section
    assert_eq!(
        read(p, "docs/decisions/0001-use-markdown-records.md"),
        fixture_text("docs/decisions/0001-use-markdown-records.md").replace(
            "* Status: accepted\n",
            "* Status: accepted\n* Superseded by [4. Use simd json](0004-use-simd-json.md)\n",
        )
    );
    // front matter: the old value and the older relation stay
    assert_eq!(
        read(p, "docs/decisions/0002-pick-a-json-library.md"),
        fixture_text("docs/decisions/0002-pick-a-json-library.md").replace(
            "status: \"accepted; supersedes ADR-0001\"",
            "status: \"superseded by ADR-0004; accepted; supersedes ADR-0001\"",
        ) + "\n## More Information\n\nSuperseded by [4. Use simd json](0004-use-simd-json.md)\n"
    );
    run(p, &["status", "2"]).code(0).stdout_eq(str![[r#"
superseded by ADR-0004; accepted; supersedes ADR-0001

"#]]);
    // not every record has front matter: a Nygard record, as adr-tools
    assert_eq!(
        read(p, "docs/decisions/0004-use-simd-json.md"),
        format!(
            "# 4. Use simd json\n\nDate: {DATE}\n\n## Status\n\nAccepted\n\nSupercedes [2. Pick a JSON library](0002-pick-a-json-library.md)\n\nSupercedes [1. Use Markdown Architectural Decision Records](0001-use-markdown-records.md)\n\n{NYGARD_BODY}"
        )
    );
    // the supersede 2 → 1 is now reciprocated by nobody but 2 itself; the
    // new record's two supersedes are answered
    run(p, &["lint"]).code(1).stdout_eq(str![[r#"
docs/decisions/0002-pick-a-json-library.md:2: unreciprocated-supersede: this record supersedes `0001-use-markdown-records.md`, which has no "Superseded by" link back
  hint: add `Superseded by [2. Pick a JSON library](0002-pick-a-json-library.md)` to the status of `0001-use-markdown-records.md` (`adr link` writes both sides)
docs/decisions/0002-pick-a-json-library.md:28: marker-left: section "Consequences" still says TBD
  hint: finish the text (or say what is still open in words) and remove the TBD

"#]]);
}

#[test]
fn issue_18_new_in_a_log_with_front_matter_writes_madr() {
    let t = fixture("issue_18_madr");
    let p = t.path();
    fs::remove_file(p.join("docs/decisions/0001-use-markdown-records.md")).unwrap();
    run(p, &["new", "Use", "a", "CDN"])
        .code(0)
        .stdout_eq(str![[r#"
docs/decisions/0004-use-a-cdn.md

"#]]);
    let madr = include_str!("../../templates/adr/madr4.md")
        .replacen("STATUS", "proposed", 1)
        .replacen("DATE", DATE, 1)
        .replacen("TITLE", "Use a CDN", 1);
    assert_eq!(read(p, "docs/decisions/0004-use-a-cdn.md"), madr);
}

#[test]
fn issue_18_new_without_a_title_prints_only_the_adr_tools_text() {
    let t = tempdir();
    run(t.path(), &["new"])
        .code(1)
        .stdout_eq(str![[r#"
ERROR: no title given

"#]])
        .stderr_eq(str![]);
    run(t.path(), &["new", "--", ""])
        .code(1)
        .stdout_eq(str![[r#"
ERROR: no title given

"#]])
        .stderr_eq(str![]);
    assert!(!t.path().join("doc").exists(), "nothing is written");
}

fn autocomplete(args: &[&str]) -> Run {
    Run::new(env!("CARGO_BIN_EXE__adr_autocomplete"), args)
}

/// adr-tools' completion script calls `_adr_autocomplete adr WORD…`: the
/// commands that start with the word, then a command's sub-commands.
#[test]
fn issue_18_adr_autocomplete_completes_commands_and_generate_reports() {
    let t = tempdir();
    let c = |args: &[&str], out: &str| {
        autocomplete(args)
            .dir(t.path())
            .run()
            .code(0)
            .stdout_eq(out)
            .stderr_eq(str![]);
    };
    c(
        &["adr"],
        "generate help init link lint list new renumber site status upgrade-repository\n",
    );
    c(&["adr", "li"], "link lint list\n");
    c(&["adr", "s"], "site status\n");
    c(&["adr", "generate"], "graph toc\n");
    c(&["adr", "generate", "to"], "toc\n");
    c(&["adr", "generate", "toc"], "");
    c(&["adr", "new"], "");
    // a word that is no command completes to nothing (an empty line)
    c(&["adr", "ierhir"], "\n");
    // it is installed beside `adr`
    assert_eq!(
        Path::new(env!("CARGO_BIN_EXE__adr_autocomplete")).parent(),
        Path::new(crate::support::ADR).parent()
    );
}

#[test]
fn issue_17_every_adr_subcommand_has_help() {
    let t = tempdir();
    for cmd in [
        "init",
        "new",
        "link",
        "list",
        "generate",
        "upgrade-repository",
        "status",
        "lint",
        "renumber",
        "help",
    ] {
        let out = run(t.path(), &[cmd, "--help"]);
        out.code(0).stderr_eq(str![]);
        assert!(
            out.stdout.contains(&format!("\nUsage: adr {cmd}")),
            "adr {cmd} --help: {}",
            out.stdout
        );
        // `adr help CMD` is the same text
        if cmd != "help" {
            run(t.path(), &["help", cmd]).code(0).stdout_eq(&out.stdout);
        }
        let short = run(t.path(), &[cmd, "-h"]);
        short.code(0).stderr_eq(str![]);
        assert!(short.stdout.contains(&format!("\nUsage: adr {cmd}")));
    }
    let lint = run(t.path(), &["lint", "--help"]);
    let via_labforge = labforge(&["adr", "lint", "--help"]).dir(t.path()).run();
    via_labforge.code(0);
    assert_eq!(
        via_labforge.stdout.replace("labforge adr lint", "adr lint"),
        lint.stdout
    );
    run(t.path(), &["generate", "graph", "--help"])
        .code(0)
        .stdout_eq(str![[r#"
The links between records as a Graphviz (or Mermaid) graph

Usage: adr generate graph [OPTIONS]
...
"#]]);
    assert!(!t.path().join("doc").exists(), "help writes nothing");
}

/// A log of 500 finished records mixing Nygard, MADR 2, 3 and 4, with the
/// noise of real logs (custom statuses, prose and reference links, heading
/// variants, braces in code, multi-line statuses, optional MADR parts left
/// out) and planted true findings; `lint --profile team` reports exactly
/// the planted ones.
#[test]
fn issue_18_team_lint_on_500_records_reports_exactly_the_planted_findings() {
    let t = tempdir();
    let dir = t.path().join("doc/adr");
    fs::create_dir_all(&dir).unwrap();
    let (files, expected) = generated_log(500);
    for (name, text) in &files {
        fs::write(dir.join(name), text).unwrap();
    }
    let out = run(t.path(), &["lint", "--profile", "team", "--json"]);
    out.code(1);
    let found: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut got: Vec<(String, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            (
                file.trim_start_matches("doc/adr/").to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut want = expected.clone();
    want.sort();
    // 10 supersedes without a back link, 7 duplicates, 8 markers, 6
    // unknown statuses, 5 missing sections, 4 broken links
    assert_eq!(want.len(), 40);
    assert_eq!(got, want);
    assert_eq!(
        out.stderr,
        format!(
            "adr lint: {} finding(s) in {} of {} record(s)\n",
            want.len(),
            want.iter()
                .map(|(f, _)| f)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            files.len()
        )
    );
}

/// The generated log and its planted findings as (file name, rule).
fn generated_log(n: u32) -> (BTreeMap<String, String>, Vec<(String, String)>) {
    let name = |i: u32| -> String {
        if i == 42 {
            "0042-c#-record.md".to_string()
        } else {
            format!("{i:04}-record-{i}.md")
        }
    };
    let title = |i: u32| format!("Record {i}");
    // who supersedes whom: i supersedes i-1 when i % 10 == 5 (answered)
    // and when i.is_multiple_of(50) (planted: not answered)
    let supersedes = |i: u32| (i % 10 == 5 || i.is_multiple_of(50)) && i > 1;
    let answered_by = |i: u32| ((i + 1) % 10 == 5).then_some(i + 1);
    let statuses = [
        "Accepted",
        "Accepted (lazy consensus).",
        "Approved",
        "on hold",
        "Proposed",
        "Deprecated",
        "accepted; implemented in 2.3",
    ];
    let mut files = BTreeMap::new();
    let mut expected = Vec::new();
    for i in 1..=n {
        let file = name(i);
        let format = i % 4;
        let mut status = statuses[(i as usize) % statuses.len()].to_string();
        if i.is_multiple_of(83) {
            status = "Acepted".into();
            expected.push((file.clone(), "unknown-status".to_string()));
        }
        if i.is_multiple_of(7) && format == 0 {
            status = format!("{status}\nafter a long discussion in the architecture guild");
        }
        let marker = if i.is_multiple_of(61) {
            expected.push((file.clone(), "marker-left".to_string()));
            [" TBC", " TBD", " TODO", " XXX"][(i / 61) as usize % 4]
        } else {
            ""
        };
        let no_decision = i.is_multiple_of(97);
        if no_decision {
            expected.push((file.clone(), "missing-section".to_string()));
        }
        let broken = i.is_multiple_of(113);
        if broken {
            expected.push((file.clone(), "broken-link".to_string()));
        }
        if i.is_multiple_of(50) {
            expected.push((file.clone(), "unreciprocated-supersede".to_string()));
        }
        // (verb, target number) relations in the status area
        let mut rel: Vec<(&str, u32)> = Vec::new();
        if supersedes(i) {
            rel.push(("Supersedes", i - 1));
        }
        if let Some(by) = answered_by(i) {
            rel.push(("Superseded by", by));
        }
        let link = |verb: &str, j: u32, tail: &str| {
            format!("{verb} [{}. {}]({}){tail}", j, title(j), name(j))
        };
        let prose = format!(
            "As [the first record](0001-record-1.md) explains, the {{id}} field in `{{id}}` stays. References:\n\n - [{0}]({0})\n",
            name(2)
        );
        let decision = if no_decision {
            String::new()
        } else if format == 0 {
            format!("## Decision\n\nWe do thing {i}.\n\n")
        } else {
            format!(
                "## Decision Outcome\n\nChosen option: \"A\", because it is the simplest for {i}.\n\n"
            )
        };
        let text = match format {
            0 => {
                let heading = if i % 8 == 4 {
                    format!("#{i}. {}", title(i))
                } else {
                    format!("# {i}. {}", title(i))
                };
                let mut st = status.clone();
                for (k, (verb, j)) in rel.iter().enumerate() {
                    let verb = if *verb == "Supersedes" {
                        "Supercedes"
                    } else {
                        "Superceded by"
                    };
                    st.push_str(&format!(
                        "\n\n{}",
                        link(verb, *j, if k == 0 { "." } else { "" })
                    ));
                }
                if broken {
                    st.push_str("\n\nAmends [999. Nope](0999-nope.md),");
                }
                format!(
                    "{heading}\n\nDate: 2021-01-01\n\n## Status\n\n{st}\n\n## Context\n\n{prose}\n{decision}## Consequences\n\nEverything is fine.{marker}\n"
                )
            }
            1 => {
                let mut bullets = format!("* Status: {status}\n");
                for (verb, j) in &rel {
                    bullets.push_str(&format!("* {}\n", link(verb, *j, "")));
                }
                if broken {
                    bullets.push_str("* Amends [999. Nope](0999-nope.md)\n");
                }
                format!(
                    "# {}\n\n{bullets}* Deciders: Ann, Bo\n* Date: 2019-05-01\n\n## Context and Problem Statement\n\n{prose}\n## Considered Options\n\n* A\n* B\n\n{decision}### Positive Consequences\n\n* Faster.{marker}\n\n### Negative Consequences\n\n* Slower builds.\n",
                    title(i)
                )
            }
            _ => {
                let mut st = status.replace('\n', " ");
                for (verb, j) in &rel {
                    let relation = format!("{} ADR-{j:04}", verb.to_lowercase());
                    st = if verb.ends_with(" by") {
                        format!("{relation}; {st}")
                    } else {
                        format!("{st}; {relation}")
                    };
                }
                if broken {
                    st.push_str("; amends ADR-0999");
                }
                let makers = if format == 2 {
                    "deciders: Ann"
                } else {
                    "decision-makers: [Ann, Cy]"
                };
                // MADR 4's status is optional: some records leave it out
                let status_line =
                    if format == 3 && i % 12 == 3 && rel.is_empty() && !broken && i % 83 != 0 {
                        String::new()
                    } else {
                        format!("status: \"{st}\"\n")
                    };
                let context = if i.is_multiple_of(3) {
                    "Context & Problem Statement"
                } else {
                    "Context and Problem Statement"
                };
                format!(
                    "---\n{status_line}date: 2022-02-02\n{makers}\n---\n\n# {}\n\n## {context}\n\n{prose}\n| field | type |\n|---|---|\n| `{{id}}` | int |\n\n{decision}### Consequences\n\n* Good, because it is simple.{marker}\n\n## Links\n\n* Issue {i}\n",
                    title(i)
                )
            }
        };
        files.insert(file, text);
    }
    // duplicate numbers from parallel branches (the later file is reported)
    for k in 0..7u32 {
        let i = 17 + 60 * k;
        let dup = format!("{i:04}-duplicate-{k}.md");
        files.insert(
            dup.clone(),
            format!("# {i}. Duplicate {k}\n\nDate: 2021-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nA parallel branch.\n\n## Decision\n\nWe merge both.\n\n## Consequences\n\nOne must be renumbered.\n"),
        );
        let later = std::cmp::max(dup, name(i));
        expected.push((later, "duplicate-number".to_string()));
    }
    (files, expected)
}

/// Issue 17: `labforge adr` inside a lab made from `template init` finds the
/// lab's ADR folder (lab.toml's `adr.dir`), writes MADR 4 records there,
/// and `adr lint` judges a record that an `adr` check names with that
/// check's settings, so both agree on what is still a stub.
#[test]
fn issue_17_adr_inside_a_lab_made_from_template_init() {
    let t = tempdir();
    labforge(&["template", "init", "mylab"])
        .dir(t.path())
        .env("ADR_DATE", DATE)
        .run()
        .code(0);
    // the stub's DATE placeholder is rendered
    let stub = read(t.path(), "mylab/adr/0001-greeting-format.md");
    assert!(
        stub.starts_with(&format!("---\nstatus: proposed\ndate: {DATE}\n")),
        "{stub}"
    );
    let toml = t.path().join("mylab/lab.toml");
    let mut manifest = fs::read_to_string(&toml).unwrap();
    manifest.push_str("\n[[exercise.check]]\nid = \"adr\"\nkind = \"adr\"\npath = \"docs/adr/0001-greeting-format.md\"\nsections = [\"Context and Problem Statement\"]\nmin_words = 25\nstatus = [\"proposed\", \"accepted\"]\n");
    fs::write(&toml, manifest).unwrap();
    labforge(&["new", "./mylab", "lab", "--defaults", "--no-git"])
        .dir(t.path())
        .run()
        .code(0);
    let lab = t.path().join("lab");
    let in_lab = |args: &[&str]| labforge(args).dir(&lab).env("ADR_DATE", DATE).run();
    in_lab(&["adr", "list"])
        .code(0)
        .stdout_eq(str![[r#"
docs/adr/0001-greeting-format.md

"#]])
        .stderr_eq(str![]);
    // ten words where the check asks for 25
    fs::write(
        lab.join("docs/adr/0001-greeting-format.md"),
        "---\nstatus: proposed\ndate: 2024-01-01\n---\n\n# Greeting format\n\n## Context and Problem Statement\n\nLearners need one greeting that the tests can compare exactly.\n",
    )
    .unwrap();
    let finding = str![[r#"
docs/adr/0001-greeting-format.md:8: too-short: section "Context and Problem Statement" has 10 real word(s), fewer than 25
  hint: describe the problem that forces a decision, who it affects and what goes wrong without one

"#]];
    // the learner profile is the default inside a lab
    in_lab(&["adr", "lint"])
        .code(1)
        .stdout_eq(finding.clone())
        .stderr_eq(str![[r#"
adr lint: 1 finding(s) in 1 of 1 record(s)

"#]]);
    in_lab(&["adr", "lint", "0001-greeting-format.md"])
        .code(1)
        .stdout_eq(finding);
    let out = in_lab(&["check", "01-greet", "--json", "--trust"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let adr = v["exercises"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "adr")
        .unwrap()
        .clone();
    assert_eq!(
        adr["message"].as_str().unwrap(),
        "`docs/adr/0001-greeting-format.md` is not finished (1 to do; `labforge adr lint 0001-greeting-format.md` shows the same):
docs/adr/0001-greeting-format.md:8 [Context and Problem Statement]: section \"Context and Problem Statement\" has 10 real word(s), fewer than 25 (describe the problem that forces a decision, who it affects and what goes wrong without one)"
    );
    // a new record in a MADR 4 lab is a MADR 4 record, in the lab's folder
    fs::create_dir_all(lab.join("src/deep")).unwrap();
    labforge(&["adr", "new", "Use", "printf"])
        .dir(lab.join("src/deep"))
        .env("ADR_DATE", DATE)
        .run()
        .code(0)
        .stdout_eq(str![[r#"
../../docs/adr/0002-use-printf.md

"#]]);
    let madr = include_str!("../../templates/adr/madr4.md")
        .replacen("STATUS", "proposed", 1)
        .replacen("DATE", DATE, 1)
        .replacen("TITLE", "Use printf", 1);
    assert_eq!(read(&lab, "docs/adr/0002-use-printf.md"), madr);
}

/// Issue 17: an unrendered `DATE` placeholder is a finding.
#[test]
fn issue_17_lint_flags_an_unrendered_date() {
    let t = tempdir();
    fs::create_dir_all(t.path().join("doc/adr")).unwrap();
    fs::write(
        t.path().join("doc/adr/0001-a.md"),
        "---\nstatus: accepted\ndate: DATE\n---\n\n# A\n\n## Context and Problem Statement\n\nWe need one way to store the orders of the shop.\n",
    )
    .unwrap();
    run(
        t.path(),
        &[
            "lint",
            "--profile",
            "learner",
            "--section",
            "Context and Problem Statement",
        ],
    )
    .code(1)
    .stdout_eq(str![[r#"
doc/adr/0001-a.md:3: placeholder-left: the date is still the template's placeholder DATE
  hint: write the date of the decision as YYYY-MM-DD

"#]]);
}

/// Issue 14: the `adr` command line is clap's, so completions and man pages
/// cover it.
#[test]
fn issue_14_completions_and_man_pages_cover_adr() {
    // Completions are dynamic (issue 17): the shell asks labforge itself.
    let complete = |words: &[&str]| {
        let mut args = vec!["--", "labforge"];
        args.extend(words);
        let out = labforge(&args).env("COMPLETE", "fish").run();
        out.code(0);
        out.stdout
    };
    let subcommands = complete(&["adr", ""]);
    for word in ["lint\t", "upgrade-repository\t", "renumber\t"] {
        assert!(
            subcommands.contains(word),
            "completion lacks {word}: {subcommands}"
        );
    }
    assert!(
        complete(&["adr", "lint", "--p"]).starts_with("--profile\t"),
        "completion lacks --profile"
    );
    let t = tempdir();
    labforge(&["man", "--out", "pages"])
        .dir(t.path())
        .run()
        .code(0);
    let lint = read(t.path(), "pages/labforge-adr-lint.1");
    assert!(lint.contains("\\-\\-profile"), "{lint}");
    let adr_new = read(t.path(), "pages/adr-new.1");
    assert!(adr_new.contains(".TH adr-new 1"), "{adr_new}");
    assert!(read(t.path(), "pages/adr-generate-graph.1").contains("mermaid"));
}

/// The lab's ADR folder comes from its state and template: hostile until
/// checked. A `docs/adr` that is a symbolic link out of the lab is refused,
/// and nothing outside the lab changes.
#[test]
fn issue_17_adr_never_writes_through_a_linked_lab_adr_folder() {
    let t = tempdir();
    labforge(&["template", "init", "mylab"])
        .dir(t.path())
        .run()
        .code(0);
    labforge(&["new", "./mylab", "lab", "--defaults", "--no-git"])
        .dir(t.path())
        .run()
        .code(0);
    let lab = t.path().join("lab");
    let victim = t.path().join("victim");
    fs::create_dir_all(&victim).unwrap();
    fs::remove_dir_all(lab.join("docs/adr")).unwrap();
    std::os::unix::fs::symlink(&victim, lab.join("docs/adr")).unwrap();
    labforge(&["adr", "new", "Escape"])
        .dir(&lab)
        .run()
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
error: `docs/adr` is a symbolic link, so labforge will not read or write `docs/adr` through it
 --> [..]/lab
help: labforge never follows a link inside a lab; move `docs/adr` away (or replace it by a real folder), then run the command again

"#]]);
    assert_eq!(
        fs::read_dir(&victim).unwrap().count(),
        0,
        "nothing was written outside the lab"
    );
}

/// `renumber` rewrites front matter references (`supersedes ADR-0001`) as
/// it rewrites Markdown links, so the log's graph survives a renumbering;
/// the body's text is left as written.
#[test]
fn issue_18_renumber_rewrites_front_matter_references() {
    let m = fixture("issue_18_madr");
    let dir = "docs/decisions";
    run(m.path(), &["renumber", "1", "7"]).code(0);
    let second = read(m.path(), &format!("{dir}/0002-pick-a-json-library.md"));
    assert!(
        second.starts_with("---\nstatus: \"accepted; supersedes ADR-0007\"\n"),
        "{second}"
    );
    assert!(
        m.path()
            .join(dir)
            .join("0007-use-markdown-records.md")
            .is_file()
    );
    // The link graph still holds: 0002 supersedes the renumbered record.
    let links = run(m.path(), &["generate", "graph"]);
    links.code(0);
    assert!(links.stdout.contains("_2 -> _7"), "{}", links.stdout);
}
