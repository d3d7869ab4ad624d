//! Where the records are and which exist: `.adr-dir` / `doc/adr` discovery
//! (adr-tools' upward search), the record files, references (`3`,
//! `0003-foo.md`, a partial name), numbering and the per-repository format.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fsx;

use super::Format;

/// The records folder, as a path relative to the current folder (the way
/// adr-tools prints it), plus the current folder it is relative to.
#[derive(Debug, Clone)]
pub struct Repo {
    /// Relative to `cwd`, e.g. `doc/adr` or `../doc/adr`.
    pub dir: PathBuf,
    /// What `dir` is relative to for file system calls: the current folder,
    /// or empty when the process runs in it (so errors show short paths).
    pub cwd: PathBuf,
}

/// One record file: `NNNN-slug.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFile {
    pub number: u32,
    pub file_name: String,
    /// `dir/file_name`, relative to the current folder.
    pub path: PathBuf,
}

impl Repo {
    /// adr-tools' `_adr_dir`: the nearest `.adr-dir` (its contents) or
    /// `doc/adr` folder in the current folder or a parent; else `doc/adr`.
    pub fn locate(cwd: &Path) -> Result<Repo> {
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
                });
            }
            if dir.join("doc/adr").is_dir() {
                return Ok(Repo {
                    dir: rel.join("doc/adr"),
                    cwd: cwd.to_path_buf(),
                });
            }
            rel.push("..");
        }
        Ok(Repo {
            dir: PathBuf::from("doc/adr"),
            cwd: cwd.to_path_buf(),
        })
    }

    /// Makes file system calls use paths relative to the process's current
    /// folder, which `cwd` must be.
    pub fn relative_to_process(mut self) -> Repo {
        self.cwd = PathBuf::new();
        self
    }

    /// `rel` joined to `cwd` (for file system calls).
    pub fn abs(&self, rel: &Path) -> PathBuf {
        self.cwd.join(rel)
    }

    pub fn exists(&self) -> bool {
        self.abs(&self.dir).is_dir()
    }

    /// Every `NNNN-*.md` record, sorted by file name (one `read_dir`).
    pub fn records(&self) -> Result<Vec<RecordFile>> {
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
    pub fn records_or_missing(&self) -> Result<Vec<RecordFile>> {
        if !self.exists() {
            return Err(missing_dir(&self.dir));
        }
        self.records()
    }

    /// The next free number: one more than the largest.
    pub fn next_number(&self) -> Result<u32> {
        if !self.exists() {
            return Ok(1);
        }
        Ok(self.records()?.iter().map(|r| r.number).max().unwrap_or(0) + 1)
    }

    /// The format for new records: `<dir>/.adr-format` holds `madr` or
    /// `nygard`; without it, Nygard (adr-tools).
    pub fn format(&self) -> Result<Format> {
        let file = self.abs(&self.dir).join(".adr-format");
        if !file.is_file() {
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
    pub fn find(&self, reference: &str) -> Result<RecordFile> {
        let records = self.records_or_missing()?;
        find_in(&records, reference, &self.dir)
    }
}

pub fn find_in(records: &[RecordFile], reference: &str, dir: &Path) -> Result<RecordFile> {
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
pub fn missing_dir(dir: &Path) -> Error {
    Error::new(format!("The {} directory does not exist", dir.display()))
        .with_status(crate::error::Status::No)
        .with_help("run `adr init` to create it, or `adr new TITLE` to start with a first record")
}

/// `0012-foo.md` → 12. adr-tools' `^[0-9]+-[^/]*\.md` (decimal, never octal).
pub fn record_number(name: &str) -> Option<u32> {
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
