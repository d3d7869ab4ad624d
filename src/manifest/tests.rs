use super::*;
use std::path::Path;

const MINIMAL: &str = r#"schema = 1
[lab]
id = "demo"
title = "Demo"
version = "1.0.0"
"#;

#[test]
fn minimal_lab_parses() {
    let m = parse(MINIMAL, Path::new("lab.toml")).unwrap();
    assert_eq!(m.lab_ref(), "demo@1.0.0");
    assert!(m.exercise.is_empty());
}

#[test]
fn unknown_key_has_line_and_column() {
    let text = format!("{MINIMAL}titel = \"x\"\n");
    let err = parse(&text, Path::new("lab.toml")).unwrap_err();
    let loc = err.location.unwrap();
    assert_eq!((loc.line, loc.column), (Some(6), Some(1)));
    assert!(
        err.message.starts_with("unknown field `titel`"),
        "{}",
        err.message
    );
}

#[test]
fn key_of_other_kind_is_rejected_at_the_check() {
    let text = format!(
        "{MINIMAL}\n[[exercise]]\nid = \"01-a\"\ntitle = \"A\"\n\n[[exercise.check]]\nkind = \"file\"\npath = \"x\"\nquery_file = \"q.sql\"\n"
    );
    let err = parse(&text, Path::new("lab.toml")).unwrap_err();
    assert_eq!(
        err.message,
        "`query_file` is not a key of a `file` check (check `file-1` of exercise `01-a`)"
    );
    assert_eq!(err.location.unwrap().line, Some(11));
}

#[test]
fn variables_keep_their_order() {
    let text =
        format!("{MINIMAL}[variable.zeta]\ndefault = \"z\"\n[variable.alpha]\ndefault = \"a\"\n");
    let m = parse(&text, Path::new("lab.toml")).unwrap();
    let names: Vec<&str> = m.variable.iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["zeta", "alpha"]);
}

#[test]
fn expand_vars_leaves_unknown_braces() {
    let mut vars = std::collections::BTreeMap::new();
    vars.insert("src".to_string(), "client".to_string());
    assert_eq!(
        expand_vars("{src}/a.py \\d{16} {x}", &vars),
        "client/a.py \\d{16} {x}"
    );
}

#[test]
fn durations() {
    use validate::parse_duration;
    assert_eq!(parse_duration("500ms").unwrap().as_millis(), 500);
    assert_eq!(parse_duration("2m").unwrap().as_secs(), 120);
    assert_eq!(parse_duration("1.5s").unwrap().as_millis(), 1500);
    assert!(parse_duration("soon").is_err());
    assert!(parse_duration("99999999999999999999s").is_err());
}

#[test]
fn issue_13_paths_and_globs_that_leave_the_lab_are_refused() {
    let cases = [
        (
            "[ownership]\nlearner = [\"../**\"]\n",
            "ownership glob `../**` is unsafe: `.` and `..` are not allowed",
        ),
        (
            "[ownership]\ntemplate = [\".git/hooks/*\"]\n",
            "ownership glob `.git/hooks/*` is unsafe: `.git` and `.labforge` are reserved (in any case or look-alike spelling)",
        ),
        (
            "[[exercise]]\nid = \"01-a\"\ntitle = \"A\"\nedit = [\"src/../../x/*.py\"]\n",
            "the `edit` glob `src/../../x/*.py` of exercise `01-a` is unsafe: `.` and `..` are not allowed",
        ),
        (
            "[[exercise]]\nid = \"01-a\"\ntitle = \"A\"\nsolution = \"sol/\u{FF0E}\u{FF0E}\"\n",
            "`solution` of exercise `01-a` `sol/\u{FF0E}\u{FF0E}` is unsafe: it is `.` or `..` once Unicode look-alikes and trailing dots are folded",
        ),
        (
            "[[migration]]\nversion = \"1.1.0\"\nremove = [\"/etc/passwd\"]\n",
            "the `[[migration]]` of version 1.1.0 removes `/etc/passwd`, which is unsafe: it is an absolute path",
        ),
    ];
    for (extra, message) in cases {
        let text = format!("{MINIMAL}{extra}");
        let err = parse(&text, Path::new("lab.toml")).unwrap_err();
        assert_eq!(err.message, message);
        assert!(err.help.is_some());
    }
    // Benign: `./` and a trailing `/` are fine, globs inside too.
    let ok = format!(
        "{MINIMAL}[ownership]\nlearner = [\"notes/**\", \"*.md\"]\n[[exercise]]\nid = \"01-a\"\ntitle = \"A\"\nedit = [\"{{src}}/a.*\"]\nsolution = \"solutions/01/\"\n[[migration]]\nversion = \"1.1.0\"\nrename = {{ \"a.py\" = \"pkg/a.py\" }}\n"
    );
    parse(&ok, Path::new("lab.toml")).unwrap();
}

/// Parsing a pattern (what lab.toml validation does) refuses exactly what
/// compiling it refuses, with the same message, and finds named groups.
#[test]
fn issue_14_regex_parse_agrees_with_compile() {
    for re in [
        r"ok",
        r"(?P<addr>127\.0\.0\.1:\d+)",
        r"listening on (?:x|(?<addr>\S+))+",
        r"a(b",
        r"(?<=x)y",
        r"\p{Nope}",
        r"[z-a]",
        r"x{2,1}",
        r"(?P<addr>a)(?P<addr>b)",
        r"\xFF",
        r"(?-u)\xFF",
    ] {
        let compiled = regex::Regex::new(re);
        assert_eq!(
            regex_problem(re),
            compiled.as_ref().err().map(|e| e.to_string()),
            "{re}"
        );
        if let Ok(c) = compiled {
            assert_eq!(
                regex_has_group(re, "addr"),
                c.capture_names().flatten().any(|n| n == "addr"),
                "{re}"
            );
        }
    }
}

/// The JSON build.rs made of each built-in lab.toml reads back as the very
/// manifest the TOML parser gives, every value's place included (Debug shows
/// the spans), so a release build may read it instead.
#[test]
fn preparsed_manifests_equal_the_parsed_ones() {
    let ids = crate::template::builtin_ids();
    assert_eq!(BUILTIN_MANIFESTS.len(), ids.len(), "one per built-in lab");
    for id in ids {
        let text = std::fs::read_to_string(format!("labs/{id}/lab.toml")).unwrap();
        let parsed = parse(&text, Path::new("lab.toml")).unwrap();
        let pre = preparsed(&id).unwrap_or_else(|| panic!("no pre-parsed manifest of {id}"));
        let (a, b) = (format!("{parsed:#?}"), format!("{pre:#?}"));
        assert!(
            a.contains("span: ") && !a.contains("span: 0..0,"),
            "Debug shows the places"
        );
        assert_eq!(a, b, "{id}");
    }
}

/// `[[variable]]` (an array of tables where a table belongs) gets the
/// message it got before variables could also be read as a list of pairs.
#[test]
fn variables_as_an_array_of_tables_are_refused_as_before() {
    let text = format!("{MINIMAL}\n[[variable]]\nname = \"x\"\n");
    let err = parse(&text, Path::new("lab.toml")).unwrap_err();
    assert!(
        err.message
            .starts_with("invalid type: sequence, expected a table"),
        "{}",
        err.message
    );
    assert!(err.location.is_some());
}
