//! A generated lab opened for a learner command: its root folder, state and
//! the template it came from (loaded again from `state.source`), plus the
//! operations on the learner's files that `reset` and `restore` share
//! (pristine copies from the object store, saved first in the one backup
//! store and written through the one journal). Opening a lab finishes an
//! operation a killed labforge left half-done.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::fsx;
use crate::journal::{self, Journal, Step};
use crate::manifest::Exercise;
use crate::pathgate::{self, Last};
use crate::source::{self, FetchOptions};
use crate::state::{self, State};
use crate::template::Lab;

pub(crate) struct Session {
    pub(crate) root: PathBuf,
    pub(crate) state: State,
    pub(crate) lab: Lab,
    /// Held by commands that write the lab (see [`crate::lablock`]).
    _lock: Option<crate::lablock::LabLock>,
}

impl Session {
    /// Opens the lab that holds the current folder. With `run_commands`, the
    /// lab's source must be trusted first (built-in labs always are).
    pub(crate) fn open(run_commands: bool, trust: bool) -> Result<Session> {
        Self::open_with(run_commands, trust, None)
    }

    /// Opens the lab for `command`, which writes it: the lab's lock is taken
    /// before its state is read, and held until the session is dropped.
    pub(crate) fn open_to_write(run_commands: bool, trust: bool, command: &str) -> Result<Session> {
        Self::open_with(run_commands, trust, Some(command))
    }

    fn open_with(run_commands: bool, trust: bool, writer: Option<&str>) -> Result<Session> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::new(format!("could not read the current folder: {e}")))?;
        let root = State::find_root(&cwd)?;
        let mut lock = match writer {
            Some(command) => Some(crate::lablock::acquire(&root, command)?),
            None => None,
        };
        if journal::pending(&root)?.is_some() {
            if lock.is_none() {
                lock = Some(crate::lablock::acquire(
                    &root,
                    "finish an interrupted operation",
                )?);
            }
            journal::recover_and_say(&root)?;
        }
        let state = State::load(&root)?;
        let lab = load_template(&state).map_err(|e| {
            let msg = format!("could not load the template of this lab (`{}`): {}", state.source, e.message);
            Error::new(msg).with_help("the lab's checks and hints come from its template; restore it at that place, or run `labforge update` with a reachable source")
        })?;
        // Trust is for the content that will run: the template just loaded.
        if run_commands {
            // A teammate's lab: its lab.toml is not in the lab, `show` describes it.
            crate::trust::ensure_trusted_with(
                &crate::trust::Subject::of(&lab.origin),
                trust,
                &format!(
                    "`labforge show {}` describes it (setup commands, exercises, checks); then pass --trust, or run this command once on a terminal and confirm (the answer is remembered)",
                    shell_word(&state.source)
                ),
            )?;
        }
        Ok(Session {
            root,
            state,
            lab,
            _lock: lock,
        })
    }

    pub(crate) fn track(&self) -> Option<&str> {
        self.state.track.as_deref()
    }

    /// The exercise named `id` (an id, its number or a unique prefix: see
    /// [`super::select`]), or the current one (or the first).
    pub(crate) fn exercise(&self, id: Option<&str>) -> Result<&Exercise> {
        let m = &self.lab.manifest;
        match id
            .map(str::to_string)
            .or_else(|| self.state.current.clone())
        {
            Some(w) => super::select::find(m, &w),
            None => m.exercises().next().ok_or_else(|| {
                Error::new(format!("the lab `{}` has no exercises", m.id()))
                    .with_help("it is a plain project template: there is nothing to check")
            }),
        }
    }

    pub(crate) fn save(&self) -> Result<()> {
        self.state.save(&self.root)
    }

    /// Puts the pristine copies of `paths` back, as the operation `kind`
    /// (`reset` or `restore`) described by `what`. Every path about to change
    /// is saved in the backup store first (see [`crate::backup`]) and the
    /// writes go through the journal, so a killed reset is finished by the
    /// next command and `labforge undo` takes it back.
    pub(crate) fn restore_paths(
        &self,
        kind: &str,
        what: &str,
        paths: &[String],
    ) -> Result<Restored> {
        let mut steps = Vec::new();
        let mut saved = Vec::new();
        for p in paths {
            let rec = self.state.files.get(p).ok_or_else(|| {
                Error::new(format!("`{p}` is not a file this lab was generated with"))
                    .with_help("name a file listed in .labforge/state.toml")
            })?;
            // Never read through a link: a link among the folders is an
            // error, and a link in the learner's place is backed up as a
            // link (its target text), never the file it points at.
            let full = pathgate::resolve(&self.root, p, Last::MayBeLink)?;
            let meta = std::fs::symlink_metadata(&full).ok();
            let now = crate::backup::signature(&self.root, p)?;
            let pristine = if rec.symlink {
                let target = state::get_object(&self.root, &rec.base)?;
                now == format!("link:{}", String::from_utf8_lossy(&target))
            } else {
                now == rec.base
                    && meta
                        .as_ref()
                        .is_some_and(|m| fsx::is_executable(m) == rec.executable)
            };
            if pristine {
                continue;
            }
            if now != "absent" {
                saved.push(p.clone());
            }
            steps.push(if rec.symlink {
                let target = state::get_object(&self.root, &rec.base)?;
                Step::link(p, &String::from_utf8_lossy(&target))
            } else {
                Step::write(p, rec.base.clone(), rec.executable)
            });
        }
        if steps.is_empty() {
            return Ok(Restored {
                backup: None,
                saved,
            });
        }
        journal::check_steps(&steps)?;
        let backup = crate::backup::create(&self.root, kind, what, None, &steps)?;
        journal::crash_point();
        journal::run(
            &self.root,
            &Journal {
                kind: kind.into(),
                backup: backup.clone(),
                steps,
            },
        )?;
        Ok(Restored {
            backup: Some(backup),
            saved,
        })
    }
}

/// What [`Session::restore_paths`] did.
pub(crate) struct Restored {
    /// The backup folder's name, when a file changed.
    pub(crate) backup: Option<String>,
    /// The paths that held the learner's own content (now in the backup).
    pub(crate) saved: Vec<String>,
}

/// The template a lab was made from: from the cache for a remote source,
/// else fetched again (deleting the cache is always safe), at the commit
/// the lab was made from when the source can pin it.
fn load_template(state: &State) -> Result<Lab> {
    let offline = FetchOptions {
        offline: true,
        ..FetchOptions::default()
    };
    let cached = source::load(&state.source, &offline);
    let Ok(spec) = source::SourceSpec::parse(&state.source) else {
        return cached;
    };
    if cached.is_ok() || !spec.is_remote() {
        return cached;
    }
    let online = FetchOptions::default();
    if let (source::SourceSpec::Git { url, subfolder, .. }, Some(commit)) = (&spec, &state.resolved)
    {
        let pinned = source::SourceSpec::Git {
            url: url.clone(),
            reference: Some(commit.clone()),
            subfolder: subfolder.clone(),
        };
        // Fetched again earlier, the commit is cached under its own id.
        if let Ok(lab) = source::load_spec(&pinned, &offline) {
            return Ok(lab);
        }
        crate::eoutln!(
            "note: the template of this lab is not in the cache: fetching `{}` again",
            state.source
        );
        if let Ok(lab) = source::load_spec(&pinned, &online) {
            return Ok(lab);
        }
    } else {
        crate::eoutln!(
            "note: the template of this lab is not in the cache: fetching `{}` again",
            state.source
        );
    }
    source::load(&state.source, &online)
}

/// `text` quoted for a shell command line when it needs it.
fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-:+=@#,".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
