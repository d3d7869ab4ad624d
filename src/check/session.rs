//! A generated lab opened for a learner command: its root folder, state and
//! the template it came from (loaded again from `state.source`), plus the
//! operations on the learner's files that `reset` and `restore` share
//! (backups under `.labforge/backup/<timestamp>/`, pristine copies from the
//! object store).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::Exercise;
use crate::pathgate::{self, Last};
use crate::source::{self, FetchOptions};
use crate::state::{self, State};
use crate::template::{Lab, digest_bytes};

pub const BACKUP_DIR: &str = ".labforge/backup";

pub struct Session {
    pub root: PathBuf,
    pub state: State,
    pub lab: Lab,
    /// Held by commands that write the lab (see [`crate::lablock`]).
    pub lock: Option<crate::lablock::LabLock>,
}

impl Session {
    /// Opens the lab that holds the current folder. With `run_commands`, the
    /// lab's source must be trusted first (built-in labs always are).
    pub fn open(run_commands: bool, trust: bool) -> Result<Session> {
        Self::open_with(run_commands, trust, None)
    }

    /// Opens the lab for `command`, which writes it: the lab's lock is taken
    /// before its state is read, and held until the session is dropped.
    pub fn open_to_write(run_commands: bool, trust: bool, command: &str) -> Result<Session> {
        Self::open_with(run_commands, trust, Some(command))
    }

    fn open_with(run_commands: bool, trust: bool, writer: Option<&str>) -> Result<Session> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
        let root = State::find_root(&cwd)?;
        let lock = match writer {
            Some(command) => Some(crate::lablock::acquire(&root, command)?),
            None => None,
        };
        let state = State::load(&root)?;
        let lab = source::load(&state.source, &FetchOptions { offline: true, ..FetchOptions::default() }).map_err(|e| {
            let msg = format!("could not load the template of this lab (`{}`): {}", state.source, e.message);
            Error::new(msg).with_help("the lab's checks and hints come from its template; restore it at that place, or run `labforge update` with a reachable source")
        })?;
        // Trust is for the content that will run: the template just loaded.
        if run_commands {
            crate::trust::ensure_trusted(&crate::trust::Subject::of(&lab.origin), trust)?;
        }
        Ok(Session {
            root,
            state,
            lab,
            lock,
        })
    }

    pub fn track(&self) -> Option<&str> {
        self.state.track.as_deref()
    }

    /// The exercise named `id`, or the current one (or the first).
    pub fn exercise(&self, id: Option<&str>) -> Result<&Exercise> {
        let m = &self.lab.manifest;
        let wanted = id
            .map(str::to_string)
            .or_else(|| self.state.current.clone());
        let ex = match &wanted {
            Some(w) => m.exercise_by_id(w),
            None => m.exercises().next(),
        };
        ex.ok_or_else(|| {
            let ids: Vec<&str> = m.exercises().map(|e| e.id()).collect();
            match wanted {
                Some(w) if !ids.is_empty() => Error::new(format!("this lab has no exercise `{w}`"))
                    .with_help(format!(
                        "exercises: {}; `labforge status` lists them",
                        ids.join(", ")
                    )),
                _ => Error::new(format!("the lab `{}` has no exercises", m.id()))
                    .with_help("it is a plain project template: there is nothing to check"),
            }
        })
    }

    pub fn save(&self) -> Result<()> {
        self.state.save(&self.root)
    }

    /// A fresh backup folder `.labforge/backup/<UTC timestamp>/`.
    pub fn backup_dir(&self) -> PathBuf {
        let now = time::OffsetDateTime::now_utc();
        let stamp = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let base = self.root.join(BACKUP_DIR);
        let mut dir = base.join(&stamp);
        let mut n = 2;
        while dir.exists() {
            dir = base.join(format!("{stamp}-{n}"));
            n += 1;
        }
        dir
    }

    /// Puts the pristine copies of `paths` back. Files that exist and differ
    /// from their pristine copy are first copied under `backup`. Returns the
    /// paths backed up.
    pub fn restore_paths(&self, paths: &[String], backup: &Path) -> Result<Vec<String>> {
        let mut entries = BTreeMap::new();
        let mut backed_up = Vec::new();
        for p in paths {
            let rec = self.state.files.get(p).ok_or_else(|| {
                Error::new(format!("`{p}` is not a file this lab was generated with"))
                    .with_help("name a file listed in .labforge/state.toml")
            })?;
            // Never read through a link: a link among the folders is an
            // error, and a link in the learner's place is backed up as a
            // link (its target text), never the file it points at.
            let full = pathgate::resolve(&self.root, p, Last::MayBeLink)?;
            let saved = match std::fs::symlink_metadata(&full) {
                Ok(m) if m.file_type().is_symlink() => {
                    let target = fsx::read_link(&full)?;
                    let pristine = rec.symlink
                        && state::get_object(&self.root, &rec.base)?
                            == target.to_string_lossy().as_bytes();
                    (!pristine).then_some(Saved::Link(target))
                }
                Ok(m) if m.is_file() => {
                    let current = fsx::read(&full)?;
                    (digest_bytes(&current) != rec.base || rec.symlink)
                        .then_some(Saved::File(current))
                }
                _ => None,
            };
            if let Some(saved) = saved {
                let dest = backup.join(p);
                fsx::create_dir_all(dest.parent().expect("a file has a parent"))?;
                match saved {
                    Saved::File(bytes) => fsx::write(&dest, &bytes)?,
                    Saved::Link(target) => fsx::symlink(&target, &dest)?,
                }
                backed_up.push(p.clone());
            }
            entries.insert(p.clone(), state::base_entry(&self.root, rec)?);
        }
        crate::scaffold::write_entries(&self.root, &entries)?;
        Ok(backed_up)
    }
}

/// What a backup keeps of a learner's path.
enum Saved {
    File(Vec<u8>),
    Link(PathBuf),
}

/// Shows a path relative to the lab root.
pub fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
