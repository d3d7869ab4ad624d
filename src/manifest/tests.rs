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
