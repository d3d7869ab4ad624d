//! Writing a new lab: render the starter, add a `.gitignore`, stage
//! everything in a temporary folder beside the destination (files,
//! `.labforge/state.toml`, `.labforge/objects/`, the git repository), then
//! rename it into place. A destination that exists and is not empty is
//! refused; on any error the staging folder is removed, so nothing is left
//! behind and nothing outside the destination is ever written.
//!
//! Also owns file ownership (who may change which file on `update`) and
//! [`write_entries`], the one safe way to lay rendered files into a folder
//! (used by `reset`, `solution` and `update` too).
//!
//! Submodules: `write` (laying files safely), `gitignore`, `ownership`,
//! `base` (the object store and the state of a new lab).

mod base;
pub(crate) mod ci;
mod gitignore;
mod ownership;
mod write;

pub(crate) use base::base_state;
pub(crate) use gitignore::add_gitignore;
use ownership::OwnerGlobs;
pub(crate) use ownership::OwnerRules;
pub(crate) use write::write_entries;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;
use crate::gitrepo::GitFile;
use crate::render;
use crate::state;
use crate::template::{Entry, Lab};

use base::{entry_bytes, store_base};
use write::lay;

/// The name of `new`'s staging folders, before the pid.
pub(crate) const STAGING_PREFIX: &str = ".labforge-new-";

/// What `labforge new` was asked to do, without any clap type.
#[derive(Debug, Clone)]
pub(crate) struct NewOptions {
    pub(crate) dest: PathBuf,
    pub(crate) track: Option<String>,
    pub(crate) answers: toml::Table,
    pub(crate) git: bool,
    pub(crate) dry_run: bool,
}

/// What was (or, for a dry run, would be) written.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub(crate) dest: PathBuf,
    /// Every project file (without `.labforge/` and `.git/`).
    pub(crate) entries: BTreeMap<String, Entry>,
    /// The initial commit, unless `--no-git` or a dry run.
    pub(crate) commit: Option<String>,
}

/// Renders `lab` for `opts.track` and writes it to `opts.dest`.
pub(crate) fn generate(lab: &Lab, opts: &NewOptions) -> Result<Generated> {
    let entries = starter_entries(lab, opts.track.as_deref(), &opts.answers)?;
    write_generated(lab, lab.digest(), opts, entries, None)
}

/// [`generate`] for `labforge new`, which needs the template's files no
/// more: the bytes of copied files move into the project instead of being
/// copied, so the template is never held twice (issue 14: peak memory).
/// Afterwards `lab.tree` holds those paths with empty contents; the
/// manifest and origin are intact.
pub(crate) fn generate_taking(lab: &mut Lab, opts: &NewOptions) -> Result<Generated> {
    let track = opts.track.as_deref();
    let layers = render::starter_layers(track);
    // The ownership globs are built while the templates render and the
    // files are written: only the files' owners need them.
    let rules = (!opts.dry_run).then(|| OwnerGlobs::of(lab, track).build_beside());
    // The template's digest (every file of it, hashed in one stream) is
    // taken beside the rendering, which only reads the lab too; a built-in
    // lab's was computed by build.rs.
    let (plan, template) = match lab.builtin_digest() {
        Some(digest) => (
            render::plan_starter(lab, &layers, track, &opts.answers),
            digest.to_string(),
        ),
        None => std::thread::scope(|s| {
            let digest = s.spawn(|| lab.digest());
            let plan = render::plan_starter(lab, &layers, track, &opts.answers);
            (plan, digest.join().expect("the template digest panicked"))
        }),
    };
    let mut entries = render::finish_taking(lab, plan?)?;
    add_generated_files(lab, track, &opts.answers, &mut entries)?;
    write_generated(lab, template, opts, entries, rules)
}

/// Writes the rendered `entries` of `lab` (whose digest is `template`).
fn write_generated(
    lab: &Lab,
    template: String,
    opts: &NewOptions,
    entries: BTreeMap<String, Entry>,
    rules: Option<ownership::Pending>,
) -> Result<Generated> {
    let track = opts.track.as_deref();
    check_destination(&opts.dest)?;
    if opts.dry_run {
        return Ok(Generated {
            dest: opts.dest.clone(),
            entries,
            commit: None,
        });
    }
    let parent = match opts.dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(
            Error::new(format!("the folder `{}` does not exist", parent.display())).with_help(
                format!(
                    "create it first (`mkdir -p {}`), or choose another destination",
                    parent.display()
                ),
            ),
        );
    }
    // `.labforge-new-<pid>-XXXXXX`: removed on any error or signal, and by
    // the next `new` into this folder if this process is killed outright.
    let stage = crate::interrupt::staging_dir(&parent, STAGING_PREFIX)?;
    // The project's files and the pristine base (digests, ownership globs,
    // the pack) are independent: the files go in on a second thread while
    // this one stores the base. They never meet, since no template path may
    // lie under `.labforge/` (`render::paths`). The files' error wins, so
    // errors stay the ones of a sequential run.
    let (laid, state) = std::thread::scope(|s| {
        let laid = s.spawn(|| lay(stage.path(), &entries, true));
        let rules = match rules {
            Some(pending) => pending.rules(),
            None => OwnerRules::new(lab, track),
        };
        let state = rules.and_then(|rules| {
            store_base(
                lab,
                template,
                track,
                &opts.answers,
                stage.path(),
                &entries,
                rules,
                true,
            )
        });
        (laid.join().expect("the file writer panicked"), state)
    });
    laid?;
    let state = state?;
    // A plain write: the staging folder is private until the rename, so the
    // fsync of `State::save` would only slow `new` down.
    let text = toml::to_string_pretty(&state)
        .map_err(|e| Error::new(format!("could not encode the lab state: {e}")))?;
    fsx::write(&stage.path().join(state::STATE_FILE), &text)?;
    let commit = if opts.git {
        let m = &lab.manifest;
        let message = format!(
            "Start {} (labforge {}@{})\n",
            m.lab.title,
            m.id(),
            m.version()
        );
        let pack = fsx::read(&stage.path().join(state::PACK_FILE))?;
        let files = git_files(&entries, &text, &pack);
        Some(crate::gitrepo::init_and_commit(
            stage.path(),
            &files,
            &message,
        )?)
    } else {
        None
    };
    set_dir_mode(stage.path(), &opts.dest)?;
    crate::interrupt::pause_for_tests("LABFORGE_NEW_PAUSE_MS");
    // Re-check right before the rename: the destination may have appeared,
    // or Ctrl-C came (then the staging folder is removed, nothing is left).
    check_destination(&opts.dest)?;
    crate::interrupt::check()?;
    fsx::rename(stage.path(), &opts.dest)?;
    // The folder now lives at `dest`; keep the staging guard from deleting it.
    stage.keep();
    Ok(Generated {
        dest: opts.dest.clone(),
        entries,
        commit,
    })
}

/// Every file of the learner's starter project, exactly as `labforge new`
/// writes it (and as `update` should re-render it): the layers of
/// [`render::starter_layers`] plus the `.gitignore` of [`add_gitignore`].
/// Never any solution.
pub(crate) fn starter_entries(
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<BTreeMap<String, Entry>> {
    let mut entries = render::render_layers(lab, &render::starter_layers(track), track, answers)?;
    add_generated_files(lab, track, answers, &mut entries)?;
    Ok(entries)
}

/// The files labforge adds to the rendered starter: `.gitignore` and CI.
fn add_generated_files(
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
    entries: &mut BTreeMap<String, Entry>,
) -> Result<()> {
    add_gitignore(lab, track, entries);
    ci::add_ci(lab, track, answers, entries)
}

/// Everything `generate` wrote, for the first commit: the project files,
/// `.labforge/state.toml` and the pack of pristine objects.
fn git_files<'a>(
    entries: &'a BTreeMap<String, Entry>,
    state_text: &'a str,
    pack: &'a [u8],
) -> Vec<GitFile<'a>> {
    let mut files: Vec<GitFile<'a>> = entries
        .iter()
        .map(|(path, entry)| GitFile {
            path: path.clone(),
            bytes: entry_bytes(entry),
            executable: matches!(
                entry,
                Entry::File {
                    executable: true,
                    ..
                }
            ),
            symlink: matches!(entry, Entry::Symlink(_)),
        })
        .collect();
    files.push(GitFile {
        path: state::STATE_FILE.to_string(),
        bytes: state_text.as_bytes(),
        executable: false,
        symlink: false,
    });
    files.push(GitFile {
        path: state::PACK_FILE.to_string(),
        bytes: pack,
        executable: false,
        symlink: false,
    });
    files
}

/// Refuses a destination that exists and is not an empty folder.
pub(crate) fn check_destination(dest: &Path) -> Result<()> {
    if fsx::is_absent_or_empty_dir(dest)? {
        return Ok(());
    }
    let what = if dest.is_dir() {
        "exists and is not empty"
    } else {
        "exists and is not a folder"
    };
    Err(Error::new(format!("`{}` {what}", dest.display())).with_help(
        "labforge never writes into an existing folder: choose another destination, or move the existing one away first",
    ))
}

/// The staging folder is private (0700); give the new lab the mode of the
/// empty folder it replaces, or 0755.
fn set_dir_mode(stage: &Path, dest: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dest)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o755);
        std::fs::set_permissions(stage, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("set the permissions of", stage, e))?;
    }
    let _ = (stage, dest);
    Ok(())
}
