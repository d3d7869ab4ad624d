//! Unpacking `.tar.gz` / `.tgz` / `.zip` archives safely into a
//! [`TemplateTree`] in memory: nothing is written to disk here, and every
//! entry is checked first. Refused: paths with `..` or an absolute path,
//! symlinks and hard links pointing outside, device files, FIFOs, more than
//! the size cap once unpacked (decompression bombs), and truncated data.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Component, Path};

use crate::error::{Error, Result};
use crate::template::{Entry, IGNORED_NAMES, TemplateTree, check_link_inside};

/// What kind of archive a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TarGz,
    Zip,
}

impl Kind {
    pub fn of(url: &str) -> Kind {
        if url.to_ascii_lowercase().ends_with(".zip") {
            Kind::Zip
        } else {
            Kind::TarGz
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Kind::TarGz => "tar.gz",
            Kind::Zip => "zip",
        }
    }
}

/// Unpacks `bytes` (from `source`, for messages) with at most `cap` bytes of
/// file contents in total.
pub fn unpack(bytes: &[u8], kind: Kind, source: &str, cap: u64) -> Result<TemplateTree> {
    let mut out = Unpacked {
        source,
        cap,
        total: 0,
        entries: BTreeMap::new(),
    };
    match kind {
        Kind::TarGz => unpack_tar(bytes, &mut out)?,
        Kind::Zip => unpack_zip(bytes, &mut out)?,
    }
    Ok(TemplateTree {
        entries: out.entries,
    })
}

struct Unpacked<'a> {
    source: &'a str,
    cap: u64,
    total: u64,
    entries: BTreeMap<String, Entry>,
}

impl Unpacked<'_> {
    fn refuse(&self, what: String) -> Error {
        Error::new(format!("refusing to unpack `{}`: {what}", self.source))
            .with_help("the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand")
    }

    fn corrupt(&self, err: impl std::fmt::Display) -> Error {
        Error::new(format!("the archive `{}` is truncated or corrupt: {err}", self.source))
            .with_help("download it again with --refresh; if it keeps failing, ask its author to publish it again")
    }

    /// Reads one entry's contents, keeping the running total under the cap.
    fn read_limited(&mut self, reader: &mut dyn Read, name: &str) -> Result<Vec<u8>> {
        let room = self.cap.saturating_sub(self.total);
        let mut buf = Vec::new();
        let n = reader
            .take(room + 1)
            .read_to_end(&mut buf)
            .map_err(|e| self.corrupt(format!("{name}: {e}")))?;
        self.total += n as u64;
        if self.total > self.cap {
            return Err(self.too_big());
        }
        Ok(buf)
    }

    fn too_big(&self) -> Error {
        self.refuse(format!(
            "it unpacks to more than {} bytes (a decompression bomb?)",
            self.cap
        ))
        .with_help("raise the cap with LABFORGE_MAX_DOWNLOAD=BYTES only if you trust this archive")
    }

    /// A hard link becomes a copy of the file it names, which must be an
    /// earlier regular file of the archive.
    fn hard_link(&mut self, key: String, raw: &str, target: &str) -> Result<()> {
        let copy = self
            .key(target)
            .ok()
            .flatten()
            .and_then(|k| self.entries.get(&k))
            .filter(|e| matches!(e, Entry::File { .. }))
            .cloned()
            .ok_or_else(|| {
                self.refuse(format!(
                    "the hard link `{raw}` points outside the archive or at nothing before it (`{target}`)"
                ))
            })?;
        if let Entry::File { bytes, .. } = &copy {
            self.total += bytes.len() as u64;
        }
        if self.total > self.cap {
            return Err(self.too_big());
        }
        self.entries.insert(key, copy);
        Ok(())
    }

    /// The `/`-separated key of a member path, or None for the root itself.
    fn key(&self, raw: &str) -> Result<Option<String>> {
        let path = Path::new(raw);
        let mut parts = Vec::new();
        for c in path.components() {
            match c {
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                Component::CurDir => {}
                Component::ParentDir => {
                    return Err(self.refuse(format!("the entry `{raw}` climbs out with `..`")));
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(self.refuse(format!("the entry `{raw}` is an absolute path")));
                }
            }
        }
        if raw.contains('\\') {
            return Err(self.refuse(format!("the entry `{raw}` has a backslash in its path")));
        }
        if parts.iter().any(|p| IGNORED_NAMES.contains(&p.as_str())) {
            return Ok(None);
        }
        Ok(if parts.is_empty() {
            None
        } else {
            Some(parts.join("/"))
        })
    }

    fn link(&mut self, key: String, target: &str) -> Result<()> {
        check_link_inside(&key, Path::new(target)).map_err(|_| {
            self.refuse(format!(
                "the symlink `{key}` points outside the archive (`{target}`)"
            ))
        })?;
        self.entries.insert(key, Entry::Symlink(target.to_string()));
        Ok(())
    }
}

fn unpack_tar(bytes: &[u8], out: &mut Unpacked) -> Result<()> {
    let gz = flate2::read::GzDecoder::new(Cursor::new(bytes));
    let mut archive = tar::Archive::new(gz);
    let entries = archive.entries().map_err(|e| out.corrupt(e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| out.corrupt(e))?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(key) = out.key(&raw)? else { continue };
        let header = entry.header();
        let kind = header.entry_type();
        let mode = header.mode().unwrap_or(0o644);
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                let bytes = out.read_limited(&mut entry, &raw)?;
                out.entries.insert(
                    key,
                    Entry::File {
                        bytes,
                        executable: mode & 0o111 != 0,
                    },
                );
            }
            tar::EntryType::Directory => {}
            tar::EntryType::Symlink => {
                let target = link_name(&entry, out, &raw)?;
                out.link(key, &target)?;
            }
            tar::EntryType::Link => {
                let target = link_name(&entry, out, &raw)?;
                out.hard_link(key, &raw, &target)?;
            }
            tar::EntryType::XHeader
            | tar::EntryType::XGlobalHeader
            | tar::EntryType::GNULongName
            | tar::EntryType::GNULongLink => {}
            other => {
                return Err(out.refuse(format!(
                    "the entry `{raw}` is a {} (only files, folders and links are allowed)",
                    describe(other)
                )));
            }
        }
    }
    // A gzip stream cut short inside the last block surfaces here.
    let mut rest = Vec::new();
    archive
        .into_inner()
        .read_to_end(&mut rest)
        .map_err(|e| out.corrupt(e))?;
    Ok(())
}

fn link_name<R: Read>(entry: &tar::Entry<R>, out: &Unpacked, raw: &str) -> Result<String> {
    entry
        .link_name_bytes()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .ok_or_else(|| out.corrupt(format!("the link `{raw}` has no target")))
}

fn describe(kind: tar::EntryType) -> &'static str {
    match kind {
        tar::EntryType::Char => "character device",
        tar::EntryType::Block => "block device",
        tar::EntryType::Fifo => "FIFO",
        _ => "special file",
    }
}

fn unpack_zip(bytes: &[u8], out: &mut Unpacked) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| out.corrupt(e))?;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|e| out.corrupt(e))?;
        let raw = file.name().map_err(|e| out.corrupt(e))?.into_owned();
        let Some(key) = out.key(&raw)? else { continue };
        let mode = file.unix_mode().unwrap_or(0o644);
        let kind = mode & 0o170000;
        if file.is_dir() {
            continue;
        }
        match kind {
            0 | 0o100000 => {
                let bytes = out.read_limited(&mut file, &raw)?;
                out.entries.insert(
                    key,
                    Entry::File {
                        bytes,
                        executable: mode & 0o111 != 0,
                    },
                );
            }
            0o120000 => {
                let target = out.read_limited(&mut file, &raw)?;
                out.link(key, &String::from_utf8_lossy(&target))?;
            }
            _ => return Err(out.refuse(format!(
                "the entry `{raw}` is a special file (only files, folders and links are allowed)"
            ))),
        }
    }
    Ok(())
}

/// Archives often hold one top folder (`demo-1.0/lab.toml`): when the root
/// has no `lab.toml` but a single folder, that folder becomes the root.
pub fn strip_single_top(tree: TemplateTree) -> TemplateTree {
    if tree.entries.contains_key(crate::manifest::MANIFEST) {
        return tree;
    }
    let tops: std::collections::BTreeSet<&str> = tree
        .entries
        .keys()
        .map(|k| k.split('/').next().unwrap_or(""))
        .collect();
    match tops.iter().next() {
        Some(top) if tops.len() == 1 && tree.entries.keys().all(|k| k.contains('/')) => {
            tree.subtree(top)
        }
        _ => tree,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tgz(build: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        build(&mut b);
        let tar = b.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        gz.finish().unwrap()
    }

    fn file(b: &mut tar::Builder<Vec<u8>>, path: &str, body: &[u8], mode: u32) {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(mode);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, path, body).unwrap();
    }

    #[test]
    fn links_inside_are_kept_and_hard_links_copied() {
        let bytes = tgz(|b| {
            file(b, "demo-1.0/lab.toml", b"schema = 1\n", 0o644);
            file(b, "demo-1.0/bin/run.sh", b"#!/bin/sh\n", 0o755);
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, "demo-1.0/bin/run", "run.sh").unwrap();
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Link);
            h.set_size(0);
            b.append_link(&mut h, "demo-1.0/copy.toml", "demo-1.0/lab.toml")
                .unwrap();
        });
        let tree = strip_single_top(unpack(&bytes, Kind::TarGz, "demo.tgz", 1 << 20).unwrap());
        let keys: Vec<&str> = tree.entries.keys().map(String::as_str).collect();
        assert_eq!(keys, ["bin/run", "bin/run.sh", "copy.toml", "lab.toml"]);
        assert_eq!(tree.entries["bin/run"], Entry::Symlink("run.sh".into()));
        assert_eq!(
            tree.entries["bin/run.sh"],
            Entry::File {
                bytes: b"#!/bin/sh\n".to_vec(),
                executable: true
            }
        );
        assert_eq!(tree.get("copy.toml"), Some(&b"schema = 1\n"[..]));
    }

    #[test]
    fn the_cap_counts_every_file_and_garbage_is_corrupt() {
        let bytes = tgz(|b| {
            file(b, "a", &[1; 600], 0o644);
            file(b, "b", &[2; 600], 0o644);
        });
        let e = unpack(&bytes, Kind::TarGz, "x.tgz", 1000).unwrap_err();
        assert_eq!(
            e.message,
            "refusing to unpack `x.tgz`: it unpacks to more than 1000 bytes (a decompression bomb?)"
        );
        let e = unpack(b"not a gzip stream", Kind::TarGz, "x.tgz", 1000).unwrap_err();
        assert!(
            e.message
                .starts_with("the archive `x.tgz` is truncated or corrupt: "),
            "{}",
            e.message
        );
        let e = unpack(b"PK not a zip", Kind::Zip, "x.zip", 1000).unwrap_err();
        assert!(
            e.message
                .starts_with("the archive `x.zip` is truncated or corrupt: "),
            "{}",
            e.message
        );
    }
}
