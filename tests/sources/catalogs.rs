//! Team catalogs: a catalog of two labs in a git repository, added, listed
//! (with the built-in labs), used, updated and removed.

use super::repos::Repo;
use super::{Home, state_source};
use snapbox::str;

const CATALOG: &str = r#"title = "Team labs"

[[lab]]
id = "hello"
title = "Hello from the team"
source = "labs/hello"
tags = ["intro"]
summary = "The first lab."

[[lab]]
id = "second"
title = "The second lab"
source = "labs/second"
"#;

#[test]
fn a_catalog_of_two_labs_is_listed_and_used() {
    let home = Home::new();
    let repo = Repo::init(&home.path().join("team-labs"));
    repo.add_fixture("hello-lab", "labs/hello")
        .add_fixture("second-lab", "labs/second")
        .write("catalog.toml", CATALOG);
    let c1 = repo.commit("catalog");
    let url = repo.url();

    home.run(&["catalog", "add", "team", &url])
        .code(0)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
added the catalog `team` (2 labs); `labforge list` shows its labs as team/LAB

"#]]);
    home.run(&["catalog", "list"])
        .code(0)
        .redact("[URL]", &url)
        .stdout_eq(str![[r#"
NAME  LABS  SOURCE
team  2     [URL]

"#]]);
    home.run(&["catalog", "list", "--json"])
        .code(0)
        .redact("[URL]", &url)
        .stdout_eq(str![[r#"
[
  {
    "name": "team",
    "title": "Team labs",
    "source": "[URL]",
    "labs": [
      "hello",
      "second"
    ]
  }
]

"#]]);
    let listed = home.run(&["list", "--json"]);
    listed.code(0);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).unwrap();
    let team: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| r["source"] == "team")
        .map(|r| {
            (
                r["id"].as_str().unwrap().into(),
                r["version"].as_str().unwrap().into(),
                r["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        team,
        [
            (
                "team/hello".into(),
                "1.0.0".into(),
                "Hello from a shared source".into()
            ),
            (
                "team/second".into(),
                "2.0.0".into(),
                "The second lab of a catalog".into()
            )
        ]
    );
    assert!(
        rows.iter().any(|r| r["source"] == "builtin"),
        "built-in labs are listed too: {}",
        listed.stdout
    );

    // A catalog lab is fetched at the catalog's commit.
    home.run(&["new", "team/second", "mine", "--defaults", "--no-git"])
        .code(0);
    assert_eq!(
        state_source(&home.work().join("mine")),
        (format!("{url}//labs/second#{c1}"), c1.clone())
    );
    snapbox::assert_data_eq!(
        std::fs::read_to_string(home.work().join("mine/NOTES.md")).unwrap(),
        str![[r#"
second

"#]]
    );

    // The team renames a lab; `catalog update` picks it up.
    repo.write(
        "catalog.toml",
        &CATALOG.replace("id = \"second\"", "id = \"two\""),
    );
    let c2 = repo.commit("rename");
    home.run(&["catalog", "update"]).code(0).stderr_eq(str![[r#"
updated the catalog `team` (2 labs)

"#]]);
    home.run(&["new", "team/second", "x"])
        .code(2)
        .stderr_eq(str![[r#"
error: the catalog `team` has no lab `second`
  labs: hello, two
help: `labforge list` shows every lab; `labforge catalog update team` fetches the catalog again

"#]]);
    home.run(&["new", "team/two", "two", "--defaults", "--no-git"])
        .code(0);
    assert_eq!(state_source(&home.work().join("two")).1, c2);

    home.run(&["catalog", "add", "team", &url])
        .code(2)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: there is already a catalog `team` (from `[URL]`)
help: `labforge catalog update team` fetches it again; `labforge catalog remove team` frees the name

"#]]);
    home.run(&["catalog", "remove", "team"])
        .code(0)
        .stderr_eq(str![[r#"
removed the catalog `team`

"#]]);
    home.run(&["new", "team/two", "y"]).code(2).stderr_eq(str![[r#"
error: there is no catalog `team`
  catalogs: none yet
help: `team/two` is read as CATALOG/LAB; add the catalog with `labforge catalog add team SOURCE`, or write ./team/two for a folder

"#]]);
    home.run(&["catalog", "list"])
        .code(0)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
no catalogs yet; `labforge catalog add NAME SOURCE` adds one

"#]]);
}

#[test]
fn a_bad_catalog_is_refused_with_its_line() {
    let home = Home::new();
    let dir = home.path().join("cat");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("catalog.toml"),
        "[[lab]]\nid = \"a\"\ntitle = \"A\"\nsource = \"labs/a\"\nsumary = \"typo\"\n",
    )
    .unwrap();
    home.run(&["catalog", "add", "bad", dir.to_str().unwrap()])
        .code(2)
        .redact("[DIR]", dir.display())
        .stderr_eq(str![[r#"
error: unknown field `sumary`, expected one of `id`, `title`, `source`, `ref`, `tags`, `summary`
 --> [DIR]/catalog.toml:5:1
help: a catalog has an optional `title` and `[[lab]]` tables with id, title, source, and optional ref, tags, summary

"#]]);
    home.run(&["catalog", "list", "--json"])
        .code(0)
        .stdout_eq(str![[r#"
[]

"#]]);
}

#[test]
fn a_catalog_at_a_url_lists_archives_beside_it() {
    let home = Home::new();
    let tgz = super::archives::good_with_top_folder();
    let catalog = "[[lab]]\nid = \"hello\"\ntitle = \"Hello\"\nsource = \"hello-1.0.tar.gz\"\n";
    let srv = super::server::Server::start(std::collections::BTreeMap::from([
        (
            "/labs/catalog.toml".to_string(),
            super::server::Reply::Ok(catalog.as_bytes().to_vec()),
        ),
        (
            "/labs/hello-1.0.tar.gz".to_string(),
            super::server::Reply::Ok(tgz.clone()),
        ),
    ]));
    home.run(&["catalog", "add", "web", &srv.url("/labs/catalog.toml")])
        .code(0);
    home.run(&["new", "web/hello", "h", "--defaults", "--no-git"])
        .code(0);
    let digest = super::archives::sha256(&tgz);
    assert_eq!(
        state_source(&home.work().join("h")),
        (
            srv.url("/labs/hello-1.0.tar.gz"),
            format!("sha256:{digest}")
        )
    );
}
