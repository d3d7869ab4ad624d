//! Integration tests: sources (git over file:// and git://, archives over
//! HTTP from a server thread on 127.0.0.1), the cache, catalogs, trust and
//! the authoring tools. No test needs the internet.

mod archives;
mod catalogs;
mod flags;
mod hostile;
pub mod hostile_servers;
mod limits;
pub mod repos;
mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{Output, labforge, tempdir};
use snapbox::str;

/// A private config and cache folder for one test, and a working folder.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempdir();
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        Home { dir }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }
    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.run_with(labforge(args), env)
    }
    /// `labforge ARGS` on a pseudo-terminal (through `script`), with `input`
    /// typed at it.
    pub fn run_on_terminal(&self, args: &str, input: &str) -> Output {
        let cmd = format!("{} {args}", crate::support::LABFORGE);
        let run = crate::support::Run::new("script", &["-qec", &cmd, "/dev/null"]).stdin(input);
        self.run_with(run, &[])
    }
    /// `labforge ARGS` in `dir` (a lab), with this home's folders.
    pub fn run_in(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.run_dir(labforge(args), dir, env)
    }
    fn run_with(&self, run: crate::support::Run, env: &[(&str, &str)]) -> Output {
        self.run_dir(run, &self.work(), env)
    }
    fn run_dir(&self, run: crate::support::Run, dir: &Path, env: &[(&str, &str)]) -> Output {
        let mut run = run
            .dir(dir)
            .env(
                "LABFORGE_CONFIG_DIR",
                self.path().join("config").display().to_string(),
            )
            .env("LABFORGE_CACHE_DIR", self.cache().display().to_string())
            .env("LABFORGE_RETRY_DELAY_MS", "10")
            .env("NO_PROXY", "127.0.0.1,localhost");
        for (k, v) in env {
            run = run.env(k, v);
        }
        run.run()
    }
    /// Every file under the working folder (relative paths).
    pub fn work_files(&self) -> Vec<String> {
        walk(&self.work())
    }
}

pub fn walk(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// `source` and `resolved` of a generated lab's state.
pub fn state_source(dest: &Path) -> (String, String) {
    let text = std::fs::read_to_string(dest.join(".labforge/state.toml")).expect("state.toml");
    let t: toml::Table = toml::from_str(&text).unwrap();
    let get = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    (get("source"), get("resolved"))
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn git_over_file_url_pins_tags_branches_and_commits() {
    let home = Home::new();
    let repo = repos::Repo::init(&home.path().join("repo"));
    repo.add_fixture("hello-lab", "");
    let c1 = repo.commit("v1");
    repo.tag("v1", &c1);
    repo.write("common/README.md", "# Hello, version 2\n");
    let c2 = repo.commit("v2");
    let url = repo.url();

    home.run(&[
        "new",
        &format!("{url}#v1"),
        "at-tag",
        "--defaults",
        "--no-git",
    ])
    .code(0);
    snapbox::assert_data_eq!(
        read(home.work().join("at-tag/README.md")),
        str![[r#"
# Hello

Fetched from a shared source.

"#]]
    );
    assert_eq!(
        state_source(&home.work().join("at-tag")),
        (format!("{url}#v1"), c1.clone())
    );

    home.run(&["new", &url, "at-head", "--defaults", "--no-git"])
        .code(0);
    snapbox::assert_data_eq!(
        read(home.work().join("at-head/README.md")),
        str![[r#"
# Hello, version 2

"#]]
    );
    assert_eq!(
        state_source(&home.work().join("at-head")),
        (url.clone(), c2.clone())
    );

    home.run(&[
        "new",
        &format!("{url}#main"),
        "at-branch",
        "--defaults",
        "--no-git",
    ])
    .code(0);
    assert_eq!(state_source(&home.work().join("at-branch")).1, c2);

    // An abbreviated commit the server does not advertise.
    home.run(&[
        "new",
        &format!("{url}#{}", &c1[..8]),
        "at-commit",
        "--defaults",
        "--no-git",
    ])
    .code(0);
    assert_eq!(state_source(&home.work().join("at-commit")).1, c1);
}

#[test]
fn missing_git_ref_lists_what_exists() {
    let home = Home::new();
    let repo = repos::Repo::init(&home.path().join("repo"));
    repo.add_fixture("hello-lab", "");
    let c1 = repo.commit("v1");
    repo.tag("v1.0", &c1);
    let url = repo.url();
    home.run(&["new", &format!("{url}#v9"), "out"])
        .code(2)
        .stdout_eq(str![])
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: the git ref `v9` does not exist in `[URL]#v9`
  branches: main
  tags: v1.0
help: write an existing branch, tag or commit after `#` (or drop `#REF` for the default branch)

"#]]);
    assert_eq!(home.work_files(), Vec::<String>::new());
}

#[test]
fn git_daemon_subfolders_and_offline_cache() {
    if !crate::support::require_tool("git") {
        return;
    }
    let home = Home::new();
    let base = home.path().join("served");
    let repo = repos::Repo::init(&base.join("labs"));
    repo.add_fixture("hello-lab", "labs/hello");
    repo.write("README.md", "# Our labs\n");
    let c1 = repo.commit("first");
    repo.tag("v1", &c1);
    let daemon = repos::Daemon::start(&base);
    let url = format!("git://127.0.0.1:{}/labs", daemon.port);

    let src = format!("{url}//labs/hello#v1");
    home.run(&["new", &src, "one", "--defaults", "--no-git"])
        .code(0);
    assert_eq!(
        state_source(&home.work().join("one")),
        (src.clone(), c1.clone())
    );
    snapbox::assert_data_eq!(
        read(home.work().join("one/README.md")),
        str![[r#"
# Hello

Fetched from a shared source.

"#]]
    );
    let shallow = walk(&home.cache().join("git"))
        .into_iter()
        .filter(|f| f.ends_with("/shallow"))
        .count();
    assert_eq!(shallow, 1, "a tag the server advertises is fetched shallow");

    // The repository root and a folder above the lab have no lab.toml: the
    // error says where the labs are.
    home.run(&["new", &format!("{url}#v1"), "two"])
        .code(2)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: `[URL]#v1` has no lab.toml, so it is not a lab template
help: labs are in subfolders: add one of //labs/hello to the URL

"#]]);
    home.run(&["new", &format!("{url}//labs#v1"), "two"])
        .code(2)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: the folder `labs` of `[URL]//labs#v1` has no lab.toml, so it is not a lab template
help: labs are in subfolders: add one of //labs/hello to the URL

"#]]);
    home.run(&["new", &format!("{url}//nowhere#v1"), "two"])
        .code(2)
        .redact("[URL]", &url)
        .redact("[COMMIT]", &c1[..12])
        .stderr_eq(str![[r#"
error: the subfolder `nowhere` does not exist in `[URL]//nowhere#v1` (commit [COMMIT])
help: check the path after `//`: it is relative to the repository root

"#]]);

    // With the daemon gone, the cache still serves the same source offline.
    drop(daemon);
    home.run(&["new", &src, "three", "--defaults", "--no-git", "--offline"])
        .code(0);
    assert_eq!(
        state_source(&home.work().join("three")),
        (src.clone(), c1.clone())
    );
    let uncached = format!("{url}//labs/hello#main");
    home.run(&["new", &uncached, "four", "--offline"])
        .code(2)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: `[URL]//labs/hello#main` is not in the cache, and --offline forbids fetching it
help: run the command once without --offline (online) to fetch it into the cache

"#]]);
    // --refresh must go to the network, which is gone now.
    home.run(&["new", &src, "five", "--refresh"])
        .code(2)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: could not connect to the git repository `[URL]//labs/hello#v1`: [..]
help: check the URL and your network; private repositories need a git credential helper (https) or a key in ssh-agent (ssh); a cached copy works with --offline

"#]]);
    assert_eq!(
        walk(&home.work())
            .iter()
            .filter(|f| f.starts_with("four") || f.starts_with("five"))
            .count(),
        0
    );
}

#[test]
fn archives_over_http_with_pins_zip_retries_and_offline() {
    let home = Home::new();
    let tgz = archives::good_with_top_folder();
    let zip = archives::good_zip();
    let routes = BTreeMap::from([
        (
            "/hello-1.0.tar.gz".to_string(),
            server::Reply::Ok(tgz.clone()),
        ),
        ("/hello.zip".to_string(), server::Reply::Ok(zip.clone())),
        (
            "/busy.tgz".to_string(),
            server::Reply::FailFirst(2, tgz.clone()),
        ),
    ]);
    let srv = server::Server::start(routes);
    let digest = archives::sha256(&tgz);
    let src = format!("{}#sha256={digest}", srv.url("/hello-1.0.tar.gz"));

    home.run(&["new", &src, "one", "--defaults", "--no-git"])
        .code(0);
    snapbox::assert_data_eq!(
        read(home.work().join("one/README.md")),
        str![[r#"
# Hello

"#]]
    );
    assert_eq!(
        state_source(&home.work().join("one")),
        (src.clone(), format!("sha256:{digest}"))
    );
    assert_eq!(srv.hits("/hello-1.0.tar.gz"), 1);

    // Cached: --offline (and a plain second run) never touch the server.
    home.run(&["new", &src, "two", "--defaults", "--no-git", "--offline"])
        .code(0);
    home.run(&["new", &src, "three", "--defaults", "--no-git"])
        .code(0);
    assert_eq!(srv.hits("/hello-1.0.tar.gz"), 1);
    home.run(&["new", &src, "four", "--defaults", "--no-git", "--refresh"])
        .code(0);
    assert_eq!(srv.hits("/hello-1.0.tar.gz"), 2);

    home.run(&[
        "new",
        &srv.url("/hello.zip"),
        "zipped",
        "--defaults",
        "--no-git",
    ])
    .code(0);
    snapbox::assert_data_eq!(
        read(home.work().join("zipped/README.md")),
        str![[r#"
# Hello from a zip

"#]]
    );

    // Two 503s, then the archive: retried with backoff.
    home.run(&[
        "new",
        &srv.url("/busy.tgz"),
        "busy",
        "--defaults",
        "--no-git",
    ])
    .code(0);
    assert_eq!(srv.hits("/busy.tgz"), 3);

    let uncached = srv.url("/never.tar.gz");
    home.run(&["new", &uncached, "five", "--offline"])
        .code(2)
        .redact("[UNCACHED]", &uncached)
        .stderr_eq(str![[r#"
error: `[UNCACHED]` is not in the cache, and --offline forbids fetching it
help: run the command once without --offline (online) to fetch it into the cache

"#]]);
    assert_eq!(srv.hits("/never.tar.gz"), 0);
}

#[test]
fn pack_is_reproducible_and_round_trips_over_http() {
    let home = Home::new();
    home.run(&["template", "init", "my-lab"])
        .code(0)
        .stdout_eq(str![])
        .stderr_eq(str![[r#"
created the lab `my-lab` in my-lab:
  lab.toml
  common/README.md
  common/tests/test_greet.sh
  track/shell/src/greet.sh
  exercises/01-greet.md
  solutions/01-greet/shell/src/greet.sh
  adr/0001-greeting-format.md
  solutions/01-greet/mutants/no-comma/mutant.toml
  solutions/01-greet/mutants/no-comma/shell/src/greet.sh
  solutions/01-greet/mutants/fixed-name/mutant.toml
  solutions/01-greet/mutants/fixed-name/shell/src/greet.sh
  solutions/01-greet/mutants/exit-code/mutant.toml
  solutions/01-greet/mutants/exit-code/shell/src/greet.sh
next: `labforge template test my-lab`, then edit lab.toml and the files above

"#]]);
    let first = home.run(&["template", "pack", "my-lab", "-o", "a.tar.gz"]);
    first.code(0);
    let a = std::fs::read(home.work().join("a.tar.gz")).unwrap();
    let digest = archives::sha256(&a);
    first
        .redact("[DIGEST]", &digest)
        .stdout_eq(str![[r#"
[DIGEST]  a.tar.gz

"#]])
        .redact("[SIZE]", a.len())
        .redact("[DIGEST]", &digest)
        .stderr_eq(str![[r#"
packed 13 files ([SIZE] bytes); share it as URL#sha256=[DIGEST]

"#]]);
    // Touch every file (new mtimes) and pack again: identical bytes.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    for f in walk(&home.work().join("my-lab")) {
        let p = home.work().join("my-lab").join(f);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, bytes).unwrap();
    }
    home.run(&["template", "pack", "my-lab", "-o", "b.tar.gz"])
        .code(0)
        .redact("[DIGEST]", &digest)
        .stdout_eq(str![[r#"
[DIGEST]  b.tar.gz

"#]]);
    assert_eq!(std::fs::read(home.work().join("b.tar.gz")).unwrap(), a);
    // The default name, and never inside the lab folder.
    home.run(&["template", "pack", "my-lab"])
        .code(0)
        .redact("[DIGEST]", &digest)
        .stdout_eq(str![[r#"
[DIGEST]  my-lab-0.1.0.tar.gz

"#]]);
    home.run(&["template", "pack", "my-lab", "-o", "my-lab/x.tar.gz"]).code(2).stderr_eq(str![[r#"
error: `my-lab/x.tar.gz` is inside the lab folder `my-lab`
help: write the archive outside the lab (the next pack would include it), for example -o ../lab.tar.gz

"#]]);

    let srv = server::Server::start(BTreeMap::from([(
        "/my-lab.tar.gz".to_string(),
        server::Reply::Ok(a),
    )]));
    let src = format!("{}#sha256={digest}", srv.url("/my-lab.tar.gz"));
    home.run(&["new", &src, "learner", "--defaults", "--no-git"])
        .code(0);
    assert_eq!(
        walk(&home.work().join("learner"))
            .into_iter()
            .filter(|f| !f.starts_with(".labforge/"))
            .collect::<Vec<_>>(),
        [
            ".gitignore",
            "README.md",
            "docs/adr/0001-greeting-format.md",
            "src/greet.sh",
            "tests/test_greet.sh"
        ]
    );
}

#[test]
fn init_refuses_to_overwrite_and_checks_the_id() {
    let home = Home::new();
    std::fs::create_dir_all(home.work().join("taken")).unwrap();
    std::fs::write(home.work().join("taken/file"), "x").unwrap();
    home.run(&["template", "init", "taken"])
        .code(2)
        .stderr_eq(str![[r#"
error: `taken` already exists and is not empty
help: choose a new folder name; `template init` never overwrites files

"#]]);
    home.run(&["template", "init", "x", "--id", "Bad Id"])
        .code(2)
        .stderr_eq(str![[r#"
error: `Bad Id` is not a valid lab id
help: pass --id with lowercase letters, digits and `-`, for example --id my-first-lab

"#]]);
    assert_eq!(home.work_files(), ["taken/file"]);
}

#[test]
fn the_skeleton_passes_template_test_once_trusted() {
    let home = Home::new();
    home.run(&["template", "init", "sk"]).code(0);
    let abs = home.work().join("sk").display().to_string();
    // Off a terminal, a lab that is not built in needs --trust.
    home.run(&["template", "test", "sk"])
        .code(2)
        .stdout_eq(str![])
        .redact("[ABS]", &abs)
        .stderr_eq(str![[r#"
error: labforge will not run the commands of `[ABS]` without your consent
  this lab is not built in: its setup commands and checks run programs on this machine
help: --trust lets this template's setup commands and checks run on this machine: for your own template, `labforge template test sk --trust`

"#]]);
    // Its starter fails the check, its solution passes it, and the check
    // refuses each of its three wrong solutions (issue 17).
    let ok = str![[r#"
template test sk@0.1.0
track shell
...
  starter            1 of 1 checks fail as they should [..]
  solution 01-greet  exercises 1..1 pass; mutants: 3 of 3 killed [..]
...
result: ok (0 warning(s))

"#]];
    home.run(&["template", "test", "sk", "--trust"])
        .code(0)
        .stdout_eq(ok.clone());
    // The decision is remembered per source.
    home.run(&["template", "test", "sk"]).code(0).stdout_eq(ok);
    let trusted: toml::Table =
        toml::from_str(&read(home.path().join("config/trusted.toml"))).unwrap();
    assert_eq!(
        trusted["trusted"]
            .as_table()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [&abs]
    );
}

#[test]
fn git_symlinks_pointing_outside_are_refused() {
    let home = Home::new();
    let repo = repos::Repo::init(&home.path().join("repo"));
    repo.add_fixture("hello-lab", "");
    std::os::unix::fs::symlink("../../secret", repo.dir.join("common/link")).unwrap();
    repo.commit("a link out");
    let url = repo.url();
    home.run(&["new", &url, "out"])
        .code(2)
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: `[URL]`: the symlink `common/link` points outside the template (`../../secret`)
help: make the link relative and keep its target inside the template, or replace it by a copy

"#]]);
    home.run(&["new", &url, "out", "--offline", "--refresh"])
        .code(2)
        .stderr_eq(str![[r#"
error: --offline and --refresh contradict each other
help: --offline uses only the cache; --refresh fetches again: pass one of them

"#]]);
    assert_eq!(home.work_files(), Vec::<String>::new());
}

#[test]
fn trust_is_asked_on_a_terminal_and_remembered() {
    if !crate::support::require_tool("script") {
        return;
    }
    let home = Home::new();
    home.run(&["template", "init", "sk"]).code(0);
    let trusted = home.path().join("config/trusted.toml");
    let no = home.run_on_terminal("template test sk", "n\n");
    no.code(2);
    assert!(no.stdout.contains("is not a built-in lab: its setup commands and checks run programs on this machine. Trust it and run them"), "{}", no.stdout);
    assert!(
        no.stdout.contains("error: you did not trust `"),
        "{}",
        no.stdout
    );
    assert!(!trusted.exists(), "a no is not remembered");
    home.run_on_terminal("template test sk", "y\n").code(0);
    let abs = home.work().join("sk").display().to_string();
    let table: toml::Table = toml::from_str(&read(trusted)).unwrap();
    assert_eq!(
        table["trusted"]
            .as_table()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        [&abs]
    );
    // Off the terminal now, without --trust: remembered.
    home.run(&["template", "test", "sk"]).code(0);
}

/// A folder laid out as a bare repository (`HEAD`, `config`, `objects/`,
/// `refs/`: files a template can ship into a lab) never lends its config to
/// labforge's git, wherever labforge runs: here the config turns every
/// `file://` URL into an `ext::` command that would create `pwned`.
#[test]
fn issue_13_a_planted_bare_repository_in_the_working_folder_is_never_read() {
    let home = Home::new();
    let repo = repos::Repo::init(&home.path().join("repo"));
    repo.add_fixture("hello-lab", "");
    repo.commit("v1");
    let evil = home.work().join("evil");
    std::fs::create_dir_all(evil.join("objects")).unwrap();
    std::fs::create_dir_all(evil.join("refs/heads")).unwrap();
    std::fs::write(evil.join("HEAD"), "ref: refs/heads/main\n").unwrap();
    let marker = home.path().join("pwned");
    std::fs::write(
        evil.join("config"),
        format!(
            "[core]\n\trepositoryformatversion = 0\n\tbare = true\n\
             [protocol \"ext\"]\n\tallow = always\n\
             [url \"ext::sh -c touch% {}% >&2 #\"]\n\tinsteadOf = file://\n",
            marker.display()
        ),
    )
    .unwrap();
    home.run_in(
        &evil,
        &["new", &repo.url(), "out", "--defaults", "--no-git"],
        &[],
    )
    .code(0);
    assert!(!marker.exists(), "the planted config ran a command");
    assert!(evil.join("out/README.md").is_file());
}
