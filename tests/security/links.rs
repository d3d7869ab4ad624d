//! Item 2 of issue 13: symlinks. A template's links are resolved together
//! (chains included) against the template and the lab it lays out; update
//! never writes through a link; reset and restore copy a link as a link.

use super::{World, link};
use snapbox::str;

/// `common/a/up -> ..`, `common/z1 -> a/up/..`, `z2 -> z1`, …, `z12 ->
/// z11`, then `common/id_rsa -> z12/home/.ssh/id_rsa`: inside the template
/// folder every link resolves inside it, but laid into `lab/` (the `common/`
/// prefix stripped) `z1` is the folder above the lab, and `id_rsa` the fake
/// HOME's private key.
fn chain_of_12(w: &World) {
    w.tpl_link("common/a/up", "..");
    w.tpl_link("common/z1", "a/up/..");
    for i in 2..=12 {
        w.tpl_link(&format!("common/z{i}"), &format!("z{}", i - 1));
    }
    w.tpl_link("common/id_rsa", "z12/home/.ssh/id_rsa");
}

const LINK_HELP: &str = "help: make the link relative and keep its target inside the template, following the template's other links, or replace it by a copy\n";

#[test]
fn issue_13_a_link_chain_of_depth_12_is_refused_by_new_and_lint() {
    let w = World::new();
    chain_of_12(&w);
    let expected = str![[r#"
error: the symlink `common/id_rsa` points outside the lab (`z12/home/.ssh/id_rsa`): it climbs above the top folder
 --> ./tpl/common/id_rsa
help: make the link relative and keep its target inside the template, following the template's other links, or replace it by a copy

"#]];
    w.run(&["new", "./tpl", "lab", "--defaults", "--no-git"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(expected.clone());
    assert!(!w.lab().exists());
    w.run(&["template", "lint", "./tpl"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(expected);
    w.assert_contained();
}

#[test]
fn issue_13_link_chains_out_of_the_template_folder_are_refused() {
    // The chain of issue 13: each link looks inside, together they climb
    // out of the template folder itself (and on to the host's files).
    let w = World::new();
    w.tpl_link("common/a/up", "..");
    w.tpl_link("common/x1", "a/up/..");
    w.tpl_link("common/y/x2", "../x1/..");
    for i in 3..=8 {
        w.tpl_link(&format!("common/y/x{i}"), &format!("x{}/..", i - 1));
    }
    w.tpl_link("common/passwd", "y/x8/etc/passwd");
    let expected = str![[r#"
error: the symlink `common/passwd` points outside the template (`y/x8/etc/passwd`): it climbs above the top folder
 --> ./tpl/common/passwd
help: make the link relative and keep its target inside the template, following the template's other links, or replace it by a copy

"#]];
    w.run(&["new", "./tpl", "lab", "--defaults", "--no-git"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(expected.clone());
    w.run(&["template", "lint", "./tpl"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(expected);
    assert!(!w.lab().exists());
    w.assert_contained();
}

/// (links to make, the link named in the error, its target, the tree it leaves)
type Case = (
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
    &'static str,
);

#[test]
fn issue_13_links_to_folders_and_files_outside_through_a_chain_are_refused() {
    // A folder link (`home -> up/../..` from `common/`, via `up -> ..`) and
    // a file link through it; also a link into the lab's `.git`.
    let cases: [Case; 3] = [
        (
            &[("common/up", "."), ("common/home", "up/../../home")],
            "common/home",
            "up/../../home",
            "the template",
        ),
        (
            &[
                ("common/d/up", ".."),
                ("common/key", "d/up/../victim/keep.txt"),
            ],
            "common/key",
            "d/up/../victim/keep.txt",
            "the lab",
        ),
        (
            &[("common/hooks", ".git/hooks")],
            "common/hooks",
            ".git/hooks",
            "the template",
        ),
    ];
    for (links, name, target, place) in cases {
        let w = World::new();
        for (at, to) in links {
            w.tpl_link(at, to);
        }
        let why = if target.starts_with(".git") {
            "`.git` on its way: `.git` and `.labforge` are reserved (in any case or look-alike spelling)"
        } else {
            "it climbs above the top folder"
        };
        let expected = format!(
            "error: the symlink `{name}` points outside {place} (`{target}`): {why}\n --> ./tpl/{name}\n{LINK_HELP}"
        );
        w.run(&["new", "./tpl", "lab", "--defaults", "--no-git"])
            .code(2)
            .stdout_eq(str![])
            .stderr_eq(&expected);
        assert!(!w.lab().exists());
        w.assert_contained();
    }
}

#[test]
fn issue_13_benign_links_inside_the_lab_still_work() {
    let w = World::new();
    w.tpl_link("common/bin/solve", "../src/solve.py");
    w.tpl_link("common/latest", "src");
    w.tpl_link("common/a/up", "..");
    w.tpl_link("common/readme", "a/up/README.md");
    w.generate();
    let lab = w.lab();
    assert_eq!(
        std::fs::read_link(lab.join("bin/solve"))
            .unwrap()
            .display()
            .to_string(),
        "../src/solve.py"
    );
    assert_eq!(
        std::fs::read_to_string(lab.join("readme")).unwrap(),
        "# Security fixture\n"
    );
    // An update that changes a link's target keeps it a link.
    w.template("1.1.0", "", &[]);
    w.tpl_link("common/bin/solve", "../src/solve.py");
    w.tpl_link("common/latest", "tests");
    w.tpl_link("common/a/up", "..");
    w.tpl_link("common/readme", "a/up/README.md");
    w.in_lab(&["update"]).code(0);
    assert_eq!(
        std::fs::read_link(lab.join("latest"))
            .unwrap()
            .display()
            .to_string(),
        "tests"
    );
    w.assert_contained();
}

/// A learner-owned link (`data`, `[ownership] learner`) that a new version
/// turns into a folder: update refuses before writing anything, whether the
/// link points inside the lab or (retargeted) at the victim folder.
#[test]
fn issue_13_update_never_writes_through_a_learner_link_turned_into_a_folder() {
    for target in ["src", "../victim"] {
        let w = World::new();
        w.template("1.0.0", "", &[]);
        w.tpl_link("common/data", "src");
        w.generate();
        if target != "src" {
            std::fs::remove_file(w.lab().join("data")).unwrap();
            link(target, &w.lab().join("data"));
        }
        w.template(
            "1.1.0",
            "",
            &[("common/data/payload.sh", "#!/bin/sh\necho pwned\n")],
        );
        let before = w.lab_entries();
        for args in [&["update"][..], &["update", "--dry-run"]] {
            w.in_lab(args)
                .code(2)
                .stdout_eq(str![])
                .redact("[LAB]", w.lab().display())
                .stderr_eq(str![[r#"
error: `data` is a symbolic link, so labforge will not read or write `data/payload.sh` through it
 --> [LAB]
help: labforge never follows a link inside a lab; move `data` away (or replace it by a real folder), then run the command again

"#]]);
        }
        assert_eq!(w.lab_entries(), before, "{target}: nothing written");
        assert!(!w.lab().join("src/payload.sh").exists());
        assert!(!w.victim().join("payload.sh").exists());
        w.assert_contained();
        // Replaced by a real folder, the same update goes through.
        std::fs::remove_file(w.lab().join("data")).unwrap();
        std::fs::create_dir(w.lab().join("data")).unwrap();
        w.in_lab(&["update"]).code(0);
        assert!(w.lab().join("data/payload.sh").is_file());
        w.assert_contained();
    }
}

/// An `edit` file (and a template-owned test) replaced by a link to the
/// fake HOME's private key: `reset` and `restore` back the link up as a
/// link and put the pristine file back; the key's bytes never enter the lab.
#[test]
fn issue_13_reset_and_restore_copy_a_link_as_a_link() {
    let w = World::new();
    w.generate();
    let key = w.home().join(".ssh/id_rsa").display().to_string();
    let solve = w.lab().join("src/solve.py");
    std::fs::remove_file(&solve).unwrap();
    link(&key, &solve);
    w.in_lab(&["reset", "01-solve"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-reset/ (`labforge undo` puts it back)
restored src/solve.py

"#]]);
    assert_eq!(
        std::fs::read_to_string(&solve).unwrap(),
        "def solve():\n    return 0  # TODO(lab)\n"
    );
    let backups = super::entries(&w.lab().join(".labforge/backups"));
    let saved: Vec<&String> = backups.values().filter(|v| v.starts_with("-> ")).collect();
    assert_eq!(saved, [&format!("-> {key}")], "the link is kept as a link");
    w.assert_contained();

    let test = w.lab().join("tests/test_solve.py");
    std::fs::remove_file(&test).unwrap();
    link(&key, &test);
    w.in_lab(&["restore", "tests"])
        .code(0)
        .stderr_eq(str![])
        .stdout_eq(str![[r#"
backed up 1 file to .labforge/backups/[..]-restore/ (`labforge undo` puts it back)
restored tests/test_solve.py

"#]]);
    assert_eq!(std::fs::read_to_string(&test).unwrap(), "assert True\n");
    w.assert_contained();

    // A link among the folders of an edit file is refused, not followed.
    std::fs::rename(w.lab().join("src"), w.root.join("victim/src")).unwrap();
    link("../victim/src", &w.lab().join("src"));
    let victim_src = super::digest(&w.root.join("victim/src"));
    w.in_lab(&["reset", "01-solve"])
        .code(2)
        .stdout_eq(str![])
        .redact("[LAB]", w.lab().display())
        .stderr_eq(str![[r#"
error: `src` is a symbolic link, so labforge will not read or write `src/solve.py` through it
 --> [LAB]
help: labforge never follows a link inside a lab; move `src` away (or replace it by a real folder), then run the command again

"#]]);
    assert_eq!(super::digest(&w.root.join("victim/src")), victim_src);
    assert_eq!(super::secret_files(&w.lab()), Vec::<String>::new());
}

/// Template files whose names are `.git` or `..` in disguise (full-width,
/// another case, an invisible joiner) are refused by `new` before anything
/// is written.
#[test]
fn issue_13_template_files_named_like_git_or_dotdot_in_disguise_are_refused() {
    let cases = [
        (
            "common/.GIT/hooks/post-checkout",
            ".GIT",
            "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
        ),
        (
            "common/.\u{FF27}\u{FF29}\u{FF34}/hooks/post-checkout",
            ".\u{FF27}\u{FF29}\u{FF34}",
            "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
        ),
        (
            "common/.g\u{200C}it/config",
            ".g\u{200C}it",
            "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
        ),
        (
            "common/\u{FF0E}\u{FF0E}/x.txt",
            "\u{FF0E}\u{FF0E}",
            "it is `.` or `..` once Unicode look-alikes and trailing dots are folded",
        ),
        (
            "common/.LABFORGE/state.toml",
            ".LABFORGE",
            "`.git` and `.labforge` are reserved (in any case or look-alike spelling)",
        ),
    ];
    for (file, name, why) in cases {
        let w = World::new();
        super::write(&w.tpl().join(file), "#!/bin/sh\necho pwned\n");
        let out = w.run(&["new", "./tpl", "lab", "--defaults", "--no-git"]);
        let expected = format!(
            "error: the template file `{file}` has an unsafe name `{}`: {why}\nhelp: rename it in the template; `.git`, `.labforge` and look-alikes of `.`, `..` and `/` are refused\n",
            name.escape_debug()
        );
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (2, "", expected.as_str())
        );
        assert!(!w.lab().exists(), "{file}: nothing written");
        w.assert_contained();
    }
}

/// The same attacks from a git source: the template is read from git objects
/// (links as git symlinks), then checked by the same gate.
#[test]
fn issue_13_git_sources_get_the_same_gate() {
    if !crate::support::require_tool("git") {
        return;
    }
    let w = World::new();
    let repo = crate::sources::repos::Repo::init(&w.root.join("repo-links"));
    crate::sources::repos::copy_dir(&w.tpl(), &repo.dir);
    for (at, target) in std::iter::once(("common/a/up".to_string(), "..".to_string()))
        .chain(std::iter::once(("common/z1".into(), "a/up/..".into())))
        .chain((2..=12).map(|i| (format!("common/z{i}"), format!("z{}", i - 1))))
        .chain(std::iter::once((
            "common/id_rsa".into(),
            "z12/home/.ssh/id_rsa".into(),
        )))
    {
        link(&target, &repo.dir.join(&at));
    }
    repo.commit("links");
    let url = repo.url();
    w.run(&["new", &url, "lab", "--defaults", "--no-git"])
        .code(2)
        .stdout_eq(str![])
        .stderr_eq(format!(
            "error: the symlink `common/id_rsa` points outside the lab (`z12/home/.ssh/id_rsa`): it climbs above the top folder\n --> {url}/common/id_rsa\n{LINK_HELP}"
        ));
    assert!(!w.lab().exists());

    let repo = crate::sources::repos::Repo::init(&w.root.join("repo-rename"));
    repo.write(
        "lab.toml",
        &super::lab_toml(
            "1.1.0",
            "\n[[migration]]\nversion = \"1.1.0\"\nrename = { \"README.md\" = \"../victim\" }\n",
        ),
    );
    repo.write("common/README.md", "# x\n");
    repo.commit("rename out");
    let url = repo.url();
    w.run(&["new", &url, "lab", "--defaults", "--no-git"])
        .code(2)
        .stdout_eq(str![])
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: the `[[migration]]` of version 1.1.0 renames a file to `../victim`, which is unsafe: `.` and `..` are not allowed
 --> [URL]/lab.toml:25:26
help: migration paths are relative paths inside the lab: no `..`, no leading `/`, no backslash, not into `.git` or `.labforge` (for example "docs/README.md" = "README.md")

"#]]);
    assert!(!w.lab().exists());
    w.assert_contained();
}
