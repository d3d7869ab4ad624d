//! Property tests (proptest): the parsers of untrusted text never panic.
//! Each parser gets 10,000 inputs: arbitrary bytes, and real documents (the
//! built-in labs, the fixtures, the ADR templates) with structured
//! mutations (tokens that break TOML and Markdown, huge numbers and
//! durations, `..`, backslashes, NUL, deleted and duplicated lines). An
//! error is a fine answer; a panic fails the test and proptest prints the
//! smallest input that still panics.
//!
//! The seed is fixed, so every run tries the same inputs (set
//! `PROPTEST_RNG_SEED` to explore others). These call the library, not the
//! binary: 50,000 runs of the binary would not fit in a minute.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use labforge::journal::{JOURNAL_FILE, Journal, Step};

/// At least 10,000 cases per parser (the issue's bar).
const CASES: u32 = 10_000;

/// One property test at a time: together they would take every core from
/// the suite's timing-sensitive tests (process checks, Ctrl-C).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn config() -> Config {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x1ab_f0e9);
    Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(seed),
        // A failure prints its input; no regression files in the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

fn repo(rel: &str) -> String {
    std::fs::read_to_string(crate::support::repo_root().join(rel)).expect("a seed document")
}

/// Tokens that stress TOML, Markdown and labforge's own checks.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "{{",
    "}}",
    "=",
    ",",
    ".",
    "\n",
    "\r\n",
    "\\",
    "\\u",
    "\0",
    "#",
    "---\n",
    "## ",
    "# ",
    "* ",
    "- ",
    "```\n",
    "../",
    "..",
    "/etc/passwd",
    "C:\\x",
    "\u{ff0e}\u{ff0e}/",
    "é",
    "\u{202e}",
    "🦀",
    "99999999999999999999s",
    "1e400s",
    "-1s",
    "nan",
    "inf",
    "0",
    "-0",
    "18446744073709551616",
    "4294967296",
    "-9223372036854775809",
    "1.5",
    "ms",
    "min",
    "h",
    "true",
    "1979-05-27T07:32:00Z",
    "timeout = \"99999999999999999999s\"",
    "timeout = \"1e308h\"",
    "schema = 1\n",
    "schema = 2\n",
    "[[exercise]]\n",
    "[[exercise.check]]\n",
    "kind = \"sql\"\n",
    "kind = \"http\"\n",
    "kind = \"process\"\n",
    "[service.x]\n",
    "[[migration]]\n",
    "rename = { \"a\" = \"../b\" }\n",
    "{{answers.name}}",
    "{src}",
    "[[lab]]\n",
    "[[steps]]\n",
    "op = \"write\"\n",
    "path = \"../x\"\n",
    "status: accepted\n",
    "## Status\n",
    "Superseded by [1. A](0001-a.md)\n",
    "[link](",
];

/// One structured mutation of a document.
#[derive(Debug, Clone)]
enum Mutation {
    Insert { at: usize, token: usize },
    Delete { at: usize, len: usize },
    Byte { at: usize, byte: u8 },
    DuplicateLine { line: usize },
    DeleteLine { line: usize },
    SwapLines { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        2 => (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte { at, byte }),
        1 => any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        1 => any::<usize>().prop_map(|line| Mutation::DeleteLine { line }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

fn apply(doc: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = doc.to_vec();
    for m in mutations {
        match *m {
            Mutation::Insert { at, token } => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, TOKENS[token].bytes());
            }
            Mutation::Delete { at, len } if !bytes.is_empty() => {
                let at = at % bytes.len();
                let end = (at + len).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Byte { at, byte } if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            Mutation::DuplicateLine { line } => {
                let mut lines = split_lines(&bytes);
                if !lines.is_empty() {
                    let i = line % lines.len();
                    let copy = lines[i].clone();
                    lines.insert(i, copy);
                }
                bytes = lines.concat();
            }
            Mutation::DeleteLine { line } => {
                let mut lines = split_lines(&bytes);
                if !lines.is_empty() {
                    lines.remove(line % lines.len());
                }
                bytes = lines.concat();
            }
            Mutation::SwapLines { a, b } => {
                let mut lines = split_lines(&bytes);
                if !lines.is_empty() {
                    let n = lines.len();
                    lines.swap(a % n, b % n);
                }
                bytes = lines.concat();
            }
            _ => {}
        }
    }
    bytes
}

fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Arbitrary bytes (1 in 4) or a seed document with 1 to 8 mutations.
fn inputs(seeds: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..600),
        3 => (0..n, proptest::collection::vec(mutation(), 1..8))
            .prop_map(move |(i, ms)| apply(seeds[i].as_bytes(), &ms)),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lab_toml_seeds() -> Vec<String> {
    let mut seeds: Vec<String> = [
        "labs/api-client/lab.toml",
        "labs/cloud-service/lab.toml",
        "labs/database/lab.toml",
        "tests/check/fixtures/kinds/lab.toml",
        "tests/check/fixtures/broken/lab.toml",
        "tests/update/fixtures/v1.3.0/lab.toml",
        "tests/engine/fixtures/basic/lab.toml",
    ]
    .iter()
    .map(|p| repo(p))
    .collect();
    // Every duration key with a value too large for a Duration.
    seeds.push(
        "schema = 1\n[lab]\nid = \"t\"\ntitle = \"T\"\nversion = \"1.0.0\"\n\
         [service.app]\nrun = \"x\"\nready = { log = 'on (?P<addr>.*)', timeout = \"99999999999999999999s\" }\n\
         [[exercise]]\nid = \"01-a\"\ntitle = \"A\"\n\
         [[exercise.check]]\nkind = \"command\"\nrun = \"true\"\ntimeout = \"99999999999999999999s\"\n"
            .to_string(),
    );
    seeds
}

fn state_seed() -> String {
    "schema = 1\nlab = \"api-client@1.0.0\"\nsource = \"builtin:api-client\"\n\
     template = \"sha256:7794b9edd1663b8beab894d21e70f9f84a0b3b308fb38d1c49f104cba8b15cd2\"\n\
     track = \"python\"\nlabforge = \"0.1.0\"\ncurrent = \"01-quick\"\n\n\
     [answers]\nname = \"x\"\n\n[done]\n\"01-quick\" = 2026-11-24T10:02:11Z\n\n[hints]\n\"01-quick\" = 1\n\n\
     [files.\".gitignore\"]\nowner = \"shared\"\n\
     base = \"sha256:b0753eb5c3d4e040939535831f5e73c6d283ef312d54a93c45eb1ca064590872\"\n\n\
     [files.\"src/run.sh\"]\nowner = \"learner\"\n\
     base = \"sha256:0be36fc1b02a53ca577b8a3e8c827e133d9bfac16638a1ce60c5ae1152b6b375\"\nsymlink = false\n"
        .to_string()
}

fn journal_seed() -> String {
    let journal = Journal {
        kind: "update".into(),
        backup: "20261124T100211Z".into(),
        steps: vec![
            Step::write("src/app.py", "sha256:00".into(), false),
            Step::write("run.sh", "sha256:01".into(), true),
            Step::link("docs/current", "v1"),
            Step::delete("old.txt"),
        ],
    };
    toml::to_string_pretty(&journal).expect("a journal encodes")
}

fn catalog_seed() -> String {
    "title = \"Team labs\"\nschema = 1\n\n\
     [[lab]]\nid = \"a\"\ntitle = \"A\"\nsource = \"labs/a\"\ntags = [\"python\"]\nsummary = \"First\"\n\n\
     [[lab]]\nid = \"b\"\ntitle = \"B\"\nsource = \"https://example.invalid/b.tar.gz\"\n\n\
     [[lab]]\nid = \"c\"\ntitle = \"C\"\nsource = \"git+file:///srv/labs.git\"\nref = \"v1\"\n"
        .to_string()
}

fn adr_seeds() -> Vec<String> {
    let mut seeds: Vec<String> = [
        "templates/adr/madr4.md",
        "templates/adr/madr4-learner.md",
        "templates/adr/nygard.md",
        "docs/adr/0001-record-architecture-decisions.md",
        "docs/adr/0005-git2-merge-file-for-3-way-merges.md",
    ]
    .iter()
    .map(|p| repo(p))
    .collect();
    seeds.push(
        "# 2. Use X\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n\nSupersedes [1. Old](0001-old.md)\n\n\
         ## Context\n\nWe need X because of Y and Z.\n\n## Decision\n\nWe use X.\n\n## Consequences\n\nFaster.\n"
            .to_string(),
    );
    seeds
}

/// A folder for the loaders that read a file (state, journal).
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let tmp = crate::support::tempdir();
    let root = tmp.path().to_path_buf();
    std::fs::create_dir_all(root.join(".labforge")).unwrap();
    (tmp, root)
}

/// Replaces `file`: a new file each time (truncating one in place makes
/// ext4 flush it to disk, 3 ms a case instead of 50 µs).
fn rewrite(file: &Path, bytes: &[u8]) {
    let _ = std::fs::remove_file(file);
    std::fs::write(file, bytes).unwrap();
}

#[test]
fn issue_13_lab_toml_parser_and_validator_never_panic() {
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(lab_toml_seeds()), |bytes| {
            let _ = labforge::manifest::parse(&text(&bytes), Path::new("lab.toml"));
            Ok(())
        })
        .unwrap();
}

#[test]
fn issue_13_state_toml_loader_never_panics() {
    let (_tmp, root) = scratch();
    let file = root.join(labforge::state::STATE_FILE);
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(vec![state_seed()]), |bytes| {
            rewrite(&file, &bytes);
            let _ = labforge::state::State::load(&root);
            Ok(())
        })
        .unwrap();
}

#[test]
fn issue_13_update_journal_loader_never_panics() {
    let (_tmp, root) = scratch();
    let file = root.join(JOURNAL_FILE);
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(vec![journal_seed()]), |bytes| {
            rewrite(&file, &bytes);
            let _ = labforge::journal::pending(&root);
            Ok(())
        })
        .unwrap();
}

fn backup_list_seed() -> String {
    "kind = \"reset\"\nwhat = \"reset of 01-solve\"\nundone = false\n\n\
     [[files]]\npath = \"src/solve.py\"\nwas = \"file\"\n\
     object = \"sha256:0be36fc1b02a53ca577b8a3e8c827e133d9bfac16638a1ce60c5ae1152b6b375\"\n\
     after = \"sha256:b0753eb5c3d4e040939535831f5e73c6d283ef312d54a93c45eb1ca064590872\"\n\n\
     [[files]]\npath = \"docs/current\"\nwas = \"symlink\"\ntarget = \"../v1\"\nafter = \"absent\"\n\n\
     [[files]]\npath = \"new.txt\"\nwas = \"absent\"\nafter = \"link:x\"\n"
        .to_string()
}

#[test]
fn issue_14_backup_list_loader_never_panics() {
    let (_tmp, root) = scratch();
    let folder = root.join(".labforge/backups/20261204T100000Z-reset");
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("backup.toml");
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(vec![backup_list_seed()]), |bytes| {
            rewrite(&file, &bytes);
            let _ = labforge::backup::read_manifest(&folder);
            let _ = labforge::backup::undo::list(&root);
            Ok(())
        })
        .unwrap();
}

#[test]
fn issue_13_catalog_parser_never_panics() {
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(vec![catalog_seed()]), |bytes| {
            let _ = labforge::catalog::parse(&text(&bytes), Path::new("catalog.toml"));
            Ok(())
        })
        .unwrap();
}

#[test]
fn issue_13_adr_record_parser_never_panics() {
    use labforge::adr::{lint, markdown, parse, record};
    let opts = lint::LintOptions::default();
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&inputs(adr_seeds()), |bytes| {
            let t = text(&bytes);
            // The one record parser, under a numbered and a dated name.
            let _ = parse::parse("0002-x.md", &t);
            let _ = parse::parse("2026-01-01-x.md", &t);
            let doc = markdown::parse(&t);
            let _ = lint::is_madr(&doc);
            let _ = lint::lint_text(&t, Path::new("docs/adr/0002-x.md"), &opts);
            let _ = record::format_of(&t);
            let _ = record::display_title(&t, "0002-x.md");
            let _ = record::links(&t);
            let _ = record::status(&t);
            let _ = record::set_status(&t, "Accepted");
            let _ = record::add_link(&t, "Amends", "1. Old", "0001-old.md");
            let _ = record::add_relation(&t, "Superseded by", "3. New", "0003-new.md", 3);
            Ok(())
        })
        .unwrap();
}

/// The duration parser: any text, and numbers of any size with every unit.
/// `timeout = "99999999999999999999s"` once panicked at load time.
#[test]
fn issue_13_durations_of_any_size_never_panic() {
    let number = prop_oneof![
        any::<f64>().prop_map(|f| f.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[0-9]{1,40}(\\.[0-9]{0,5})?",
        "[0-9]e[0-9]{1,3}",
    ];
    let unit = prop_oneof![
        Just("ms"),
        Just("s"),
        Just("m"),
        Just("min"),
        Just("h"),
        Just("x")
    ];
    let duration = prop_oneof![
        (number, unit).prop_map(|(n, u)| format!("{n}{u}")),
        ".{0,20}",
    ];
    let _one = one_at_a_time();
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&duration, |s| {
            if let Ok(d) = labforge::manifest::parse_duration(&s) {
                // At most a day, so adding it to a clock never overflows.
                prop_assert!(
                    d <= std::time::Duration::from_secs(24 * 3600),
                    "{s} gave {d:?}"
                );
            }
            Ok(())
        })
        .unwrap();
    assert!(labforge::manifest::parse_duration("99999999999999999999s").is_err());
    assert_eq!(
        labforge::manifest::parse_duration("1.5s"),
        Ok(std::time::Duration::from_millis(1500))
    );
}
