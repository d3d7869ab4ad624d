//! Where the records are and which exist: `.adr-dir` / `doc/adr` discovery
//! (adr-tools' upward search), the record files, references (`3`,
//! `0003-foo.md`, a partial name), numbering and the per-repository format.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;

use super::Format;
use super::parse::Record;

/// When `dir` is a generated lab (it holds `.labforge/state.toml`), its ADR
/// folder (lab.toml's `adr.dir`, from the lab's template) and format.
/// A template that cannot be loaded offline leaves the default,
/// `docs/adr`, MADR 4.
///
/// The folder comes from the lab's state and template, so it goes through
/// the path gate: a relative plain path that passes through no symbolic link
/// inside the lab (`adr new` must never write outside it).
fn lab_at(dir: &Path, rel: &Path) -> Result<Option<(String, LabAdr)>> {
    if !dir.join(crate::state::STATE_FILE).is_file() {
        return Ok(None);
    }
    let Ok(state) = crate::state::State::load(dir) else {
        return Ok(None);
    };
    let opts = crate::source::FetchOptions {
        offline: true,
        ..Default::default()
    };
    let mut checks = Vec::new();
    let (adr_dir, format) = match crate::source::load(&state.source, &opts) {
        Ok(lab) => {
            let m = &lab.manifest;
            let s = m.adr_settings();
            let vars = m.track_vars(state.track.as_deref());
            let prefix = format!("{}/", s.dir.trim_end_matches('/'));
            for c in m.exercises().flat_map(|e| e.checks()) {
                if *c.kind.get_ref() != crate::manifest::CheckKind::Adr {
                    continue;
                }
                let Some(p) = &c.path else { continue };
                let p = crate::manifest::expand_vars(p, &vars);
                if let Some(name) = p.strip_prefix(&prefix).filter(|n| !n.contains('/')) {
                    checks.push((name.to_string(), super::lint::check_options(c)));
                }
            }
            (s.dir, s.format)
        }
        Err(_) => ("docs/adr".to_string(), "madr4".to_string()),
    };
    let root = if rel.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        rel.to_path_buf()
    };
    let adr_dir = adr_dir.trim_end_matches('/').to_string();
    crate::pathgate::resolve(dir, &adr_dir, crate::pathgate::Last::NoLink)?;
    Ok(Some((
        adr_dir,
        LabAdr {
            format: Format::parse(&format).unwrap_or(Format::Madr),
            root,
            checks,
        },
    )))
}

/// The records folder, as a path relative to the current folder (the way
/// adr-tools prints it), plus the current folder it is relative to.
#[derive(Debug, Clone)]
pub(crate) struct Repo {
    /// Relative to `cwd`, e.g. `doc/adr` or `../doc/adr`.
    pub(crate) dir: PathBuf,
    /// What `dir` is relative to for file system calls: the current folder,
    /// or empty when the process runs in it (so errors show short paths).
    pub(crate) cwd: PathBuf,
    /// Set when the folder is a labforge lab's ADR folder (from its
    /// template's `adr.dir`): the lab's ADR format.
    pub(crate) lab: Option<LabAdr>,
}

/// What a generated lab says about its ADRs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabAdr {
    /// `adr.format` of lab.toml (`madr4` by default).
    pub(crate) format: Format,
    /// The lab's root, relative to the current folder.
    pub(crate) root: PathBuf,
    /// The lint options of the lab's `adr` checks, by record file name.
    pub(crate) checks: Vec<(String, super::lint::LintOptions)>,
}

/// One record file: `NNNN-slug.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordFile {
    pub(crate) number: u32,
    pub(crate) file_name: String,
    /// `dir/file_name`, relative to the current folder.
    pub(crate) path: PathBuf,
}

impl Repo {
    /// adr-tools' `_adr_dir`: the nearest `.adr-dir` (its contents) or
    /// `doc/adr` folder in the current folder or a parent; else `doc/adr`.
    pub(crate) fn locate(cwd: &Path) -> Result<Repo> {
        let mut rel = PathBuf::new();
        for dir in cwd.ancestors() {
            if dir.parent().is_none() {
                break;
            }
            let marker = dir.join(".adr-dir");
            if marker.is_file() {
                let text = fsx::read_to_string(&marker)?;
                let target = text.trim_end_matches(['\n', '\r']);
                if target.trim().is_empty() {
                    return Err(Error::new("`.adr-dir` is empty").in_file(marker).with_help(
                        "write the records folder into it, e.g. `doc/adr`, or run `adr init DIR`",
                    ));
                }
                return Ok(Repo {
                    dir: rel.join(target),
                    cwd: cwd.to_path_buf(),
                    lab: lab_at(dir, &rel)?.map(|(_, l)| l),
                });
            }
            if let Some((adr_dir, lab)) = lab_at(dir, &rel)? {
                return Ok(Repo {
                    dir: rel.join(adr_dir),
                    cwd: cwd.to_path_buf(),
                    lab: Some(lab),
                });
            }
            if dir.join("doc/adr").is_dir() {
                return Ok(Repo {
                    dir: rel.join("doc/adr"),
                    cwd: cwd.to_path_buf(),
                    lab: None,
                });
            }
            rel.push("..");
        }
        Ok(Repo {
            dir: PathBuf::from("doc/adr"),
            cwd: cwd.to_path_buf(),
            lab: None,
        })
    }

    /// A plain repository at `dir` (relative to `cwd`).
    pub(crate) fn at(dir: PathBuf, cwd: PathBuf) -> Repo {
        Repo {
            dir,
            cwd,
            lab: None,
        }
    }

    /// Every record, parsed (a record that cannot be read is an `Err`).
    pub(crate) fn parsed(&self) -> Result<Vec<(RecordFile, Result<Record>)>> {
        let records = self.records_or_missing()?;
        Ok(records
            .into_iter()
            .map(|r| {
                let parsed = fsx::read_to_string(&self.abs(&r.path))
                    .map(|text| super::parse::parse(&r.file_name, &text));
                (r, parsed)
            })
            .collect())
    }

    /// Makes file system calls use paths relative to the process's current
    /// folder, which `cwd` must be.
    pub(crate) fn relative_to_process(mut self) -> Repo {
        self.cwd = PathBuf::new();
        self
    }

    /// `rel` joined to `cwd` (for file system calls).
    pub(crate) fn abs(&self, rel: &Path) -> PathBuf {
        self.cwd.join(rel)
    }

    pub(crate) fn exists(&self) -> bool {
        self.abs(&self.dir).is_dir()
    }

    /// Every `NNNN-*.md` record, sorted by file name (one `read_dir`).
    pub(crate) fn records(&self) -> Result<Vec<RecordFile>> {
        let dir = self.abs(&self.dir);
        let rd = std::fs::read_dir(&dir).map_err(|e| Error::io("list the folder", &self.dir, e))?;
        let mut out = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| Error::io("list the folder", &self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(number) = record_number(&name) {
                out.push(RecordFile {
                    number,
                    path: self.dir.join(&name),
                    file_name: name,
                });
            }
        }
        out.sort_by(|a, b| a.file_name.cmp(&b.file_name));
        Ok(out)
    }

    /// The records, or adr-tools' "The doc/adr directory does not exist".
    pub(crate) fn records_or_missing(&self) -> Result<Vec<RecordFile>> {
        if !self.exists() {
            return Err(missing_dir(&self.dir));
        }
        self.records()
    }

    /// The next free number: one more than the largest.
    pub(crate) fn next_number(&self) -> Result<u32> {
        if !self.exists() {
            return Ok(1);
        }
        Ok(self.records()?.iter().map(|r| r.number).max().unwrap_or(0) + 1)
    }

    /// The format for new records: `<dir>/.adr-format` holds `madr` or
    /// `nygard`; without it, the lab's `adr.format`; else MADR when every
    /// existing record has front matter; else Nygard (adr-tools).
    pub(crate) fn format(&self) -> Result<Format> {
        let file = self.abs(&self.dir).join(".adr-format");
        if !file.is_file() {
            if let Some(lab) = &self.lab {
                return Ok(lab.format);
            }
            if self.exists() {
                let records = self.records()?;
                let all_front = !records.is_empty()
                    && records.iter().all(|r| {
                        std::fs::read(self.abs(&r.path))
                            .is_ok_and(|b| b.starts_with(b"---\n") || b.starts_with(b"---\r\n"))
                    });
                if all_front {
                    return Ok(Format::Madr);
                }
            }
            return Ok(Format::Nygard);
        }
        let text = fsx::read_to_string(&file)?;
        Format::parse(text.trim()).ok_or_else(|| {
            Error::new(format!("unknown ADR format `{}`", text.trim()))
                .in_file(self.dir.join(".adr-format"))
                .with_help("write `madr` or `nygard` into the file")
        })
    }

    /// Finds the record `reference` names: a number means exactly that
    /// number (`3` is never `13`); otherwise a path or part of a file name.
    pub(crate) fn find(&self, reference: &str) -> Result<RecordFile> {
        let records = self.records_or_missing()?;
        find_in(&records, reference, &self.dir)
    }
}

pub(crate) fn find_in(records: &[RecordFile], reference: &str, dir: &Path) -> Result<RecordFile> {
    let reference = reference.trim();
    let matches: Vec<&RecordFile> =
        if !reference.is_empty() && reference.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = reference.parse().map_err(|_| no_match(reference, dir))?;
            records.iter().filter(|r| r.number == n).collect()
        } else {
            let name = Path::new(reference)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let exact: Vec<_> = records.iter().filter(|r| r.file_name == name).collect();
            if exact.is_empty() && !reference.is_empty() {
                records
                    .iter()
                    .filter(|r| r.file_name.contains(reference))
                    .take(1)
                    .collect()
            } else {
                exact
            }
        };
    match matches.as_slice() {
        [] => Err(no_match(reference, dir)),
        [one] => Ok((*one).clone()),
        many => {
            let mut e = Error::new(format!("{} records have the number {reference}", many.len()))
                .with_help("name the record by its file name, or give one of them a new number with `adr renumber FILE`");
            for r in many {
                e = e.with_detail(r.path.display().to_string());
            }
            Err(e)
        }
    }
}

fn no_match(reference: &str, dir: &Path) -> Error {
    Error::new(format!(
        "no ADR in `{}` matches `{reference}`",
        dir.display()
    ))
    .with_help("give a record's number or file name; `adr list` shows them")
}

/// The error adr-tools prints when the folder is missing (exact text).
pub(crate) fn missing_dir(dir: &Path) -> Error {
    Error::new(format!("The {} directory does not exist", dir.display()))
        .with_status(crate::error::Status::No)
        .with_help("run `adr init` to create it, or `adr new TITLE` to start with a first record")
}

/// `0012-foo.md` → 12. adr-tools' `^[0-9]+-[^/]*\.md` (decimal, never octal).
pub(crate) fn record_number(name: &str) -> Option<u32> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || !name[digits..].starts_with('-') || !name.ends_with(".md") {
        return None;
    }
    name[..digits].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_decimal() {
        assert_eq!(record_number("0008-x.md"), Some(8));
        assert_eq!(record_number("0009-x.md"), Some(9));
        assert_eq!(record_number("README.md"), None);
        assert_eq!(record_number("0001-x.md.bak"), None);
    }

    #[test]
    fn number_reference_is_exact() {
        let rs: Vec<RecordFile> = ["0003-a.md", "0013-b.md"]
            .iter()
            .map(|n| RecordFile {
                number: record_number(n).unwrap(),
                file_name: n.to_string(),
                path: n.into(),
            })
            .collect();
        assert_eq!(
            find_in(&rs, "3", Path::new("d")).unwrap().file_name,
            "0003-a.md"
        );
        assert_eq!(
            find_in(&rs, "b", Path::new("d")).unwrap().file_name,
            "0013-b.md"
        );
        assert!(find_in(&rs, "4", Path::new("d")).is_err());
    }
}
