//! Tools for lab authors: `template init` (a working skeleton lab: one
//! exercise with one command check and hints, one ADR stub, a solution) and
//! `template pack` (a reproducible `.tar.gz` and its sha256, for sharing a
//! lab over HTTP with a `#sha256=` pin).

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fsx;
use crate::template::{Entry, Lab, SHARED_TEMPLATES};

/// The fixed modification time of every packed entry (2000-01-01T00:00:00Z),
/// unless `SOURCE_DATE_EPOCH` says otherwise.
pub(crate) const PACK_MTIME: u64 = 946_684_800;

/// A lab id made from a folder name: ASCII, lowercase, `-` between words.
pub(crate) fn id_from_name(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
    let mut id = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The files of the skeleton lab `id` (path, contents, executable).
fn skeleton(id: &str) -> Vec<(String, String, bool)> {
    let title = id
        .split('-')
        .filter(|w| !w.is_empty())
        .map(capitalize)
        .collect::<Vec<_>>()
        .join(" ");
    let adr = SHARED_TEMPLATES
        .get_file("adr/madr4-learner.md")
        .and_then(|f| f.contents_utf8())
        .map(|t| t.replacen("# TITLE", "# Greeting format", 1))
        .unwrap_or_else(|| FALLBACK_ADR.to_string())
        // The stub's `date: DATE` is rendered like `adr new` renders it.
        .replacen("date: DATE", &format!("date: {}", crate::adr::today()), 1);
    let mut files = vec![
        (
            "lab.toml".into(),
            LAB_TOML.replace("{ID}", id).replace("{TITLE}", &title),
            false,
        ),
        (
            "common/README.md".into(),
            README.replace("{TITLE}", &title),
            false,
        ),
        ("common/tests/test_greet.sh".into(), TEST.to_string(), true),
        ("track/shell/src/greet.sh".into(), STARTER.to_string(), true),
        ("exercises/01-greet.md".into(), EXERCISE.to_string(), false),
        (
            "solutions/01-greet/shell/src/greet.sh".into(),
            SOLUTION.to_string(),
            true,
        ),
        ("adr/0001-greeting-format.md".into(), adr, false),
    ];
    // Wrong solutions the check must refuse (docs/lab-format.md): the skeleton
    // shows the format, and `template lint` asks for three per exercise.
    for (name, lesson, body) in MUTANTS {
        let dir = format!("solutions/01-greet/mutants/{name}");
        files.push((
            format!("{dir}/mutant.toml"),
            format!("check = \"tests\"\nlesson = \"{lesson}\"\n"),
            false,
        ));
        files.push((
            format!("{dir}/shell/src/greet.sh"),
            format!(
                "#!/bin/sh\n# Print a greeting for the name given as the first argument.\n{body}\n"
            ),
            true,
        ));
    }
    files
}

/// The skeleton's wrong solutions: (name, the lesson it breaks, script body).
const MUTANTS: [(&str, &str, &str); 3] = [
    (
        "no-comma",
        "the greeting is exactly `Hello, NAME!`: punctuation is part of the format",
        "printf 'Hello %s!\\n' \"$1\"",
    ),
    (
        "fixed-name",
        "the name comes from the first argument, not from the script",
        "echo 'Hello, World!'",
    ),
    (
        "exit-code",
        "a script that prints the right line but exits non-zero has failed",
        "printf 'Hello, %s!\\n' \"$1\"\nexit 3",
    ),
];

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// Writes a skeleton lab into `dir` (which must not exist, or be empty),
/// staged in a temporary folder beside it and then renamed into place.
/// Returns the lab id and the files written.
pub(crate) fn init(dir: &Path, id: Option<&str>) -> Result<(String, Vec<String>)> {
    let name = std::path::absolute(dir).map_err(|e| Error::io("resolve", dir, e))?;
    let id = match id {
        Some(i) => i.to_string(),
        None => id_from_name(
            &name
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    };
    if !valid_id(&id) {
        return Err(
            Error::new(format!("`{id}` is not a valid lab id")).with_help(
                "pass --id with lowercase letters, digits and `-`, for example --id my-first-lab",
            ),
        );
    }
    if dir.exists() && (!dir.is_dir() || !fsx::read_dir_sorted(dir)?.is_empty()) {
        return Err(Error::new(format!(
            "`{}` already exists and is not empty",
            dir.display()
        ))
        .with_help("choose a new folder name; `template init` never overwrites files"));
    }
    let parent = name.parent().unwrap_or(Path::new("."));
    fsx::create_dir_all(parent)?;
    let stage = crate::interrupt::staging_dir(parent, ".labforge-init-")?;
    let files = skeleton(&id);
    for (rel, text, exec) in &files {
        let path = stage.path().join(rel);
        fsx::create_dir_all(path.parent().expect("skeleton paths have a parent"))?;
        fsx::write(&path, text)?;
        if *exec {
            set_executable(&path)?;
        }
    }
    // The skeleton must always be a valid lab; this catches a drift between
    // it and the lab.toml schema.
    Lab::local(stage.path())?;
    if dir.exists() {
        fsx::remove_dir_all(dir)?;
    }
    crate::interrupt::check()?;
    fsx::rename(stage.path(), dir)?;
    stage.keep();
    Ok((id, files.into_iter().map(|(p, _, _)| p).collect()))
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("make executable", path, e))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path) -> Result<()> {
    Ok(())
}

/// The result of packing a lab.
#[derive(Debug)]
pub(crate) struct Packed {
    pub(crate) out: PathBuf,
    pub(crate) sha256: String,
    pub(crate) files: usize,
    pub(crate) bytes: usize,
}

/// Packs the lab template in `dir` into a reproducible `.tar.gz`: entries in
/// path order at the archive root, mode 0644 or 0755, uid/gid 0, no user
/// names, one fixed mtime, and a gzip header without name or timestamp. The
/// same files always give the same bytes.
pub(crate) fn pack(dir: &Path, out: Option<&Path>) -> Result<Packed> {
    let lab = Lab::local(dir)?;
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => PathBuf::from(format!(
            "{}-{}.tar.gz",
            lab.manifest.lab.id.get_ref(),
            lab.manifest.lab.version.get_ref()
        )),
    };
    let abs_out = std::path::absolute(&out).map_err(|e| Error::io("resolve", &out, e))?;
    let abs_dir = std::path::absolute(dir).map_err(|e| Error::io("resolve", dir, e))?;
    if abs_out.starts_with(&abs_dir) {
        return Err(Error::new(format!("`{}` is inside the lab folder `{}`", out.display(), dir.display()))
            .with_help("write the archive outside the lab (the next pack would include it), for example -o ../lab.tar.gz"));
    }
    let bytes = tarball(&lab)?;
    fsx::write_atomic(&out, &bytes)?;
    Ok(Packed {
        out,
        sha256: hex::encode(Sha256::digest(&bytes)),
        files: lab.tree.entries.len(),
        bytes: bytes.len(),
    })
}

fn tarball(lab: &Lab) -> Result<Vec<u8>> {
    let mtime = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PACK_MTIME);
    let io = |e: std::io::Error| Error::new(format!("could not build the archive: {e}"));
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, entry) in &lab.tree.entries {
        let mut header = tar::Header::new_gnu();
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        match entry {
            Entry::File { bytes, executable } => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(if *executable { 0o755 } else { 0o644 });
                header.set_size(bytes.len() as u64);
                tar.append_data(&mut header, path, &bytes[..]).map_err(io)?;
            }
            Entry::Symlink(target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                tar.append_link(&mut header, path, target).map_err(io)?;
            }
        }
    }
    let mut gz = tar.into_inner().map_err(io)?;
    gz.flush().map_err(io)?;
    gz.finish().map_err(io)
}

const LAB_TOML: &str = r#"schema = 2

[lab]
id = "{ID}"
title = "{TITLE}"
version = "0.1.0"
summary = "A starter lab: replace this summary with what learners build."
minutes = 15
tracks = ["shell"]
adr = { dir = "docs/adr", format = "madr4" }

[track.shell]
needs = ["sh"]
vars = { src = "src" }

[[exercise]]
id = "01-greet"
title = "Greet someone by name"
doc = "exercises/01-greet.md"
edit = ["{src}/greet.sh"]
solution = "solutions/01-greet"
hints = [
  "The name arrives as the first argument of the script: \"$1\".",
  "printf 'Hello, %s!\\n' \"$1\" prints the whole line.",
]

[[exercise.check]]
id = "tests"
kind = "command"
run = "sh tests/test_greet.sh"
hint = "Run `sh tests/test_greet.sh` yourself: it prints what it expected and what it got."
"#;

const README: &str = "# {TITLE}\n\nA lab made with `labforge template init`. `labforge status` shows the current\nexercise, `labforge hint` gives a hint, and `labforge check` checks your work.\n";

const EXERCISE: &str = "# 01 Greet someone by name\n\n`src/greet.sh NAME` should print `Hello, NAME!` and exit 0.\n\nOptionally, write down why you chose this exact greeting format in\n`docs/adr/0001-greeting-format.md` (no check reads it; `labforge adr lint 1`\nshows what is still a stub).\n\n## How this is checked\n\n`sh tests/test_greet.sh` runs `sh src/greet.sh Ada` and expects exactly\n`Hello, Ada!` and exit status 0.\n";

const TEST: &str = "#!/bin/sh\n# The check of exercise 01: src/greet.sh must greet by name.\nexpected='Hello, Ada!'\nactual=$(sh src/greet.sh Ada 2>&1)\nstatus=$?\nif [ \"$status\" -eq 0 ] && [ \"$actual\" = \"$expected\" ]; then\n  echo \"ok: $expected\"\n  exit 0\nfi\necho \"expected: $expected (exit 0)\"\necho \"got:      $actual (exit $status)\"\nexit 1\n";

const STARTER: &str = "#!/bin/sh\n# Print a greeting for the name given as the first argument.\n# TODO(lab): print \"Hello, NAME!\" where NAME is \"$1\".\necho \"not implemented yet\"\nexit 1\n";

const SOLUTION: &str = "#!/bin/sh\n# Print a greeting for the name given as the first argument.\nprintf 'Hello, %s!\\n' \"$1\"\n";

const FALLBACK_ADR: &str = "---\nstatus: proposed\ndate: DATE\ndecision-makers: {list everyone involved in the decision}\n---\n\n# Greeting format\n\n## Context and Problem Statement\n\n<!-- prompt: What problem forces a decision here? -->\n{Describe the context and problem statement.}\n\n## Considered Options\n\n<!-- prompt: Which real alternatives did you consider? Name at least two. -->\n* {title of option 1}\n* {title of option 2}\n\n## Decision Outcome\n\n<!-- prompt: Which option did you choose, and why? -->\nChosen option: \"{title of option 1}\", because {justification}.\n\n### Consequences\n\n<!-- prompt: What gets better, and what gets worse? -->\n* Good, because {positive consequence}\n* Bad, because {negative consequence}\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_folder_names() {
        assert_eq!(id_from_name("My First Lab"), "my-first-lab");
        assert_eq!(id_from_name("Café_lab!"), "cafe-lab");
        assert!(valid_id("my-lab") && !valid_id("-x") && !valid_id("A"));
    }
}
