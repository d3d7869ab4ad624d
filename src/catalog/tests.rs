//! Unit tests of catalog parsing and source resolution.
use super::*;

#[test]
fn unknown_keys_point_at_line_and_column() {
    let text =
        "[[lab]]\nid = \"a\"\ntitle = \"A\"\nsource = \"labs/a\"\ntags = []\nsumary = \"x\"\n";
    let e = parse(text, Path::new("catalog.toml")).unwrap_err();
    assert_eq!(e.location.unwrap().to_string(), "catalog.toml:6:1");
    assert!(
        e.message.starts_with("unknown field `sumary`"),
        "{}",
        e.message
    );
}

#[test]
fn duplicate_ids_and_bad_sources_are_refused() {
    let text = "[[lab]]\nid = \"a\"\ntitle = \"A\"\nsource = \"labs/a\"\n[[lab]]\nid = \"a\"\ntitle = \"B\"\nsource = \"labs/b\"\n";
    let e = parse(text, Path::new("c.toml")).unwrap_err();
    assert_eq!(
        e.render(),
        "error: the lab id `a` is listed twice\n --> c.toml:6:6\nhelp: give every lab of a catalog its own id\n"
    );
    let text = "[[lab]]\nid = \"a\"\ntitle = \"A\"\nsource = \"ftp://x/y\"\n";
    let e = parse(text, Path::new("c.toml")).unwrap_err();
    assert_eq!(e.location.unwrap().to_string(), "c.toml:4:10");
}

#[test]
fn relative_sources_follow_the_catalog() {
    let entry = |src: &str, r: Option<&str>| CatalogEntry {
        id: Spanned::new(0..1, "a".into()),
        title: "A".into(),
        source: Spanned::new(0..1, src.into()),
        reference: r.map(Into::into),
        tags: vec![],
        summary: None,
    };
    let git = Registered {
        source: "https://h/labs.git".into(),
        resolved: Some("abc123".into()),
    };
    assert_eq!(
        lab_source(&git, &entry("labs/a", None)).to_string(),
        "https://h/labs.git//labs/a#abc123"
    );
    assert_eq!(
        lab_source(&git, &entry("./labs/a/", Some("v1"))).to_string(),
        "https://h/labs.git//labs/a#v1"
    );
    let url = Registered {
        source: "https://h/x/catalog.toml".into(),
        resolved: None,
    };
    assert_eq!(
        lab_source(&url, &entry("a-1.0.tar.gz", None)).to_string(),
        "https://h/x/a-1.0.tar.gz"
    );
    let dir = Registered {
        source: "/srv/cat".into(),
        resolved: None,
    };
    assert_eq!(
        lab_source(&dir, &entry("labs/a", None)).to_string(),
        "/srv/cat/labs/a"
    );
    assert_eq!(
        lab_source(&dir, &entry("https://h/r.git", Some("v2"))).to_string(),
        "https://h/r.git#v2"
    );
}
