//! Writing records: `init`, `new` (with `-s` supersede and `-l` links),
//! `link`, and opening the editor. Records are written atomically.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;

use super::repo::{RecordFile, Repo};
use super::{Format, builtin_template, fill, record, slug, today};

/// What `new` should write.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewOptions {
    pub(crate) title: String,
    /// References of records the new one supersedes (`-s`).
    pub(crate) supersedes: Vec<String>,
    /// `TARGET:LINK:REVERSE` link specs (`-l`).
    pub(crate) links: Vec<String>,
    /// `--format`; `None` means the repository's setting.
    pub(crate) format: Option<Format>,
    /// `--learner`: the MADR learner stub (guiding `<!-- prompt: … -->`
    /// questions), for lab authors.
    pub(crate) learner: bool,
}

/// Creates a record and returns its path relative to the current folder.
pub(crate) fn new_record(repo: &Repo, opts: &NewOptions) -> Result<PathBuf> {
    let format = match opts.format {
        _ if opts.learner => Format::Madr,
        Some(f) => f,
        None => repo.format()?,
    };
    let links: Vec<(String, String, String)> = opts
        .links
        .iter()
        .map(|l| parse_link_spec(l))
        .collect::<Result<_>>()?;
    // Resolve every reference before writing anything.
    let superseded: Vec<RecordFile> = opts
        .supersedes
        .iter()
        .map(|r| repo.find(r))
        .collect::<Result<_>>()?;
    let linked: Vec<(RecordFile, String, String)> = links
        .into_iter()
        .map(|(t, f, r)| Ok((repo.find(&t)?, f, r)))
        .collect::<Result<_>>()?;

    let number = repo.next_number()?;
    let template = if opts.learner {
        builtin_template("madr4-learner.md").to_string()
    } else {
        template_text(repo, format)?
    };
    let status = match format {
        Format::Nygard => "Accepted",
        Format::Madr => "proposed",
    };
    let mut text = fill(&template, number, &opts.title, &today(), status);
    let file_name = format!("{number:04}-{}.md", slug::slug(&opts.title));
    let path = repo.dir.join(&file_name);
    let title = record::display_title(&text, &file_name);

    // Edits to existing records, computed in memory first. Like adr-tools,
    // superseding removes only a status line that is exactly `Accepted`;
    // every other status text stays and the link is added.
    let mut edits: Vec<(PathBuf, String)> = Vec::new();
    for old in &superseded {
        let old_text = read_record(repo, old)?;
        let old_title = record::display_title(&old_text, &old.file_name);
        // adr-tools' spelling in Nygard records, MADR's in MADR ones.
        let fwd = match format {
            Format::Nygard => "Supercedes",
            Format::Madr => "Supersedes",
        };
        let back = if super::parse::parse(&old.file_name, &old_text)
            .format
            .is_madr()
        {
            "Superseded by"
        } else {
            "Superceded by"
        };
        text = record::add_relation(&text, fwd, &old_title, &old.file_name, old.number);
        let stripped = record::remove_status(&old_text, "Accepted");
        let updated = record::add_relation(&stripped, back, &title, &file_name, number);
        edits.push((old.path.clone(), updated));
    }
    for (target, forward, reverse) in &linked {
        let target_text = match edits.iter().find(|(p, _)| *p == target.path) {
            Some((_, t)) => t.clone(),
            None => read_record(repo, target)?,
        };
        let target_title = record::display_title(&target_text, &target.file_name);
        text = record::add_relation(
            &text,
            forward,
            &target_title,
            &target.file_name,
            target.number,
        );
        let updated = record::add_relation(&target_text, reverse, &title, &file_name, number);
        edits.retain(|(p, _)| *p != target.path);
        edits.push((target.path.clone(), updated));
    }
    fsx::create_dir_all(&repo.abs(&repo.dir))?;
    fsx::write_atomic(&repo.abs(&path), text)?;
    for (p, t) in edits {
        fsx::write_atomic(&repo.abs(&p), t)?;
    }
    Ok(path)
}

/// `<dir>/templates/template.md` when present, else the built-in one.
fn template_text(repo: &Repo, format: Format) -> Result<String> {
    let custom = repo.abs(&repo.dir).join("templates/template.md");
    if custom.is_file() {
        return fsx::read_to_string(&custom);
    }
    Ok(match format {
        Format::Nygard => builtin_template("nygard.md"),
        Format::Madr => builtin_template("madr4.md"),
    }
    .to_string())
}

pub(crate) fn read_record(repo: &Repo, r: &RecordFile) -> Result<String> {
    fsx::read_to_string(&repo.abs(&r.path))
}

/// `N:Link:Reverse link` → (N, Link, Reverse link).
fn parse_link_spec(spec: &str) -> Result<(String, String, String)> {
    let mut parts = spec.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(f), Some(r)) if !t.is_empty() && !f.is_empty() && !r.is_empty() => {
            Ok((t.to_string(), f.to_string(), r.to_string()))
        }
        _ => Err(Error::new(format!("bad link `{spec}`")).with_help(
            "write `-l \"TARGET:LINK:REVERSE-LINK\"`, e.g. `-l \"1:Amends:Amended by\"`",
        )),
    }
}

/// `init [DIR]`: creates the folder (and `.adr-dir` when DIR is given) and
/// record 1. Refuses when the folder already holds records.
pub(crate) fn init(cwd: &Path, dir: Option<&str>, format: Format) -> Result<PathBuf> {
    if let Some(d) = dir {
        fsx::create_dir_all(&cwd.join(d))?;
    }
    let repo = match dir {
        Some(d) => Repo::at(PathBuf::from(d), cwd.to_path_buf()),
        None => Repo::locate(cwd)?,
    };
    if repo.exists() && !repo.records()?.is_empty() {
        return Err(Error::new(format!(
            "`{}` already holds architecture decision records",
            repo.dir.display()
        ))
        .with_help("add a record with `adr new TITLE`, or give `adr init` another folder"));
    }
    if let Some(d) = dir {
        fsx::write_atomic(&cwd.join(".adr-dir"), format!("{d}\n"))?;
    }
    fsx::create_dir_all(&repo.abs(&repo.dir))?;
    if format == Format::Madr {
        fsx::write_atomic(&repo.abs(&repo.dir).join(".adr-format"), "madr\n")?;
    }
    let template = match format {
        Format::Nygard => builtin_template("nygard-init.md"),
        Format::Madr => builtin_template("madr4-init.md"),
    };
    let text = fill(
        template,
        1,
        "Record architecture decisions",
        &today(),
        "Accepted",
    );
    let path = repo.dir.join("0001-record-architecture-decisions.md");
    fsx::write_atomic(&repo.abs(&path), text)?;
    Ok(path)
}

/// `link SOURCE LINK TARGET REVERSE-LINK`.
pub(crate) fn link(
    repo: &Repo,
    source: &str,
    forward: &str,
    target: &str,
    reverse: &str,
) -> Result<()> {
    let records = repo.records_or_missing()?;
    let s = super::repo::find_in(&records, source, &repo.dir)?;
    let t = super::repo::find_in(&records, target, &repo.dir)?;
    let s_text = read_record(repo, &s)?;
    let t_text = read_record(repo, &t)?;
    let s_title = record::display_title(&s_text, &s.file_name);
    let t_title = record::display_title(&t_text, &t.file_name);
    if s.path == t.path {
        return Err(
            Error::new(format!("cannot link `{}` to itself", s.path.display()))
                .with_help("give two different records"),
        );
    }
    fsx::write_atomic(
        &repo.abs(&s.path),
        record::add_relation(&s_text, forward, &t_title, &t.file_name, t.number),
    )?;
    fsx::write_atomic(
        &repo.abs(&t.path),
        record::add_relation(&t_text, reverse, &s_title, &s.file_name, s.number),
    )?;
    Ok(())
}

/// Runs `$VISUAL` (preferred) or `$EDITOR` on `path` and waits; nothing
/// when neither is set or both are empty.
pub(crate) fn edit(cwd: &Path, path: &Path) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().into_owned())
        .find(|v| !v.trim().is_empty());
    let Some(editor) = editor else { return Ok(()) };
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or_default();
    let status = std::process::Command::new(program)
        .args(words)
        .arg(path)
        .current_dir(cwd)
        .status()
        .map_err(|e| {
            Error::new(format!("could not run the editor `{editor}`: {e}")).with_help(format!(
                "the record was written to `{}`; fix VISUAL or EDITOR, or unset them",
                path.display()
            ))
        })?;
    if !status.success() {
        return Err(
            Error::new(format!("the editor `{editor}` failed ({status})")).with_help(format!(
                "the record was written to `{}`; edit it by hand",
                path.display()
            )),
        );
    }
    Ok(())
}
