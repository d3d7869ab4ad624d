//! Unpacking `.tar.gz` / `.tgz` / `.zip` archives safely into a
//! [`TemplateTree`] in memory: nothing is written to disk here, and every
//! entry is checked first. Refused: paths with `..` or an absolute path,
//! symlinks and hard links pointing outside, device files, FIFOs, sparse
//! files, more than the size cap once unpacked (decompression bombs), and
//! truncated data.
//!
//! Every size an archive declares is checked before it is read, so a small
//! hostile archive cannot make labforge allocate or read much: the whole
//! decompressed tar stream (headers, padding and anything after the tar's end
//! included) is read through a counting reader capped at the size cap plus
//! [`STREAM_SLACK`]; GNU long names (`L`/`K`) and PAX headers (`x`/`g`) are
//! parsed here (the tar crate's raw mode, which never buffers them) and
//! limited to [`MAX_PATH`] and [`MAX_PAX`] bytes; an archive has at most
//! [`MAX_ENTRIES`] members; only zero bytes may follow the tar's end.

mod tarball;
mod zipfile;

use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::path::{Component, Path};

use crate::error::{Error, Result};
use crate::template::{Entry, IGNORED_NAMES, TemplateTree, check_link_inside};

/// At most this many members (tar headers, zip entries) per archive.
pub(crate) const MAX_ENTRIES: u64 = 10_000;
/// At most this many bytes in a member's path or link target.
pub(crate) const MAX_PATH: u64 = 1024;
/// At most this many bytes in one PAX extended header.
pub(crate) const MAX_PAX: u64 = 64 * 1024;
/// The decompressed tar stream may exceed the cap on file contents by this
/// much (headers and padding).
pub(crate) const STREAM_SLACK: u64 = 16 * 1024 * 1024;
/// Names longer than this are cut in messages.
const SHOWN_NAME: usize = 200;

/// What kind of archive a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    TarGz,
    Zip,
}

impl Kind {
    pub(crate) fn of(url: &str) -> Kind {
        if url.to_ascii_lowercase().ends_with(".zip") {
            Kind::Zip
        } else {
            Kind::TarGz
        }
    }
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Kind::TarGz => "tar.gz",
            Kind::Zip => "zip",
        }
    }
}

/// Unpacks the archive `reader` holds (from `source`, for messages) with at
/// most `cap` bytes of file contents in total.
pub(crate) fn unpack<R: Read + Seek>(
    reader: R,
    kind: Kind,
    source: &str,
    cap: u64,
) -> Result<TemplateTree> {
    let mut out = Unpacked {
        source,
        cap,
        total: 0,
        members: 0,
        entries: BTreeMap::new(),
    };
    match kind {
        Kind::TarGz => tarball::unpack_tar(reader, &mut out)?,
        Kind::Zip => zipfile::unpack_zip(reader, &mut out)?,
    }
    Ok(TemplateTree {
        entries: out.entries,
    })
}

/// A name as shown in a message: at most [`SHOWN_NAME`] characters.
pub(crate) fn shorten(name: &str) -> String {
    match name.char_indices().nth(SHOWN_NAME) {
        Some((i, _)) => format!("{}… ({} bytes)", &name[..i], name.len()),
        None => name.to_string(),
    }
}

pub(crate) struct Unpacked<'a> {
    pub(crate) source: &'a str,
    pub(crate) cap: u64,
    pub(crate) total: u64,
    pub(crate) members: u64,
    pub(crate) entries: BTreeMap<String, Entry>,
}

impl Unpacked<'_> {
    pub(crate) fn refuse(&self, what: String) -> Error {
        Error::new(format!("refusing to unpack `{}`: {what}", self.source))
            .with_help("the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand")
    }

    pub(crate) fn corrupt(&self, err: impl std::fmt::Display) -> Error {
        let text = err.to_string();
        Error::new(format!(
            "the archive `{}` is truncated or corrupt: {}",
            self.source,
            shorten(&text)
        ))
        .with_help("download it again with --refresh; if it keeps failing, ask its author to publish it again")
    }

    /// Counts one more member against [`MAX_ENTRIES`].
    pub(crate) fn count(&mut self) -> Result<()> {
        self.members += 1;
        if self.members > MAX_ENTRIES {
            return Err(self.refuse(format!(
                "it has more than {MAX_ENTRIES} members (the limit for a lab template)"
            )));
        }
        Ok(())
    }

    /// Refuses a file whose declared size does not fit in what is left.
    pub(crate) fn check_declared(&self, size: u64) -> Result<()> {
        if self.total.saturating_add(size) > self.cap {
            return Err(self.too_big());
        }
        Ok(())
    }

    /// Reads one entry's contents, keeping the running total under the cap.
    pub(crate) fn read_limited(&mut self, reader: &mut dyn Read, name: &str) -> Result<Vec<u8>> {
        let room = self.cap.saturating_sub(self.total);
        let mut buf = Vec::new();
        let n = reader
            .take(room + 1)
            .read_to_end(&mut buf)
            .map_err(|e| self.corrupt(format!("{}: {e}", shorten(name))))?;
        self.total += n as u64;
        if self.total > self.cap {
            return Err(self.too_big());
        }
        Ok(buf)
    }

    pub(crate) fn too_big(&self) -> Error {
        self.refuse(format!(
            "it unpacks to more than {} bytes (a decompression bomb?)",
            self.cap
        ))
        .with_help("raise the cap with LABFORGE_MAX_DOWNLOAD=BYTES only if you trust this archive")
    }

    /// A hard link becomes a copy of the file it names, which must be an
    /// earlier regular file of the archive.
    pub(crate) fn hard_link(&mut self, key: String, raw: &str, target: &str) -> Result<()> {
        let copy = self
            .key(target)
            .ok()
            .flatten()
            .and_then(|k| self.entries.get(&k))
            .filter(|e| matches!(e, Entry::File { .. }))
            .cloned()
            .ok_or_else(|| {
                self.refuse(format!(
                    "the hard link `{}` points outside the archive or at nothing before it (`{}`)",
                    shorten(raw),
                    shorten(target)
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
    pub(crate) fn key(&self, raw: &str) -> Result<Option<String>> {
        if raw.len() as u64 > MAX_PATH {
            return Err(self.refuse(format!(
                "the entry `{}` has a path longer than {MAX_PATH} bytes",
                shorten(raw)
            )));
        }
        let path = Path::new(raw);
        let shown = shorten(raw);
        let mut parts = Vec::new();
        for c in path.components() {
            match c {
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                Component::CurDir => {}
                Component::ParentDir => {
                    return Err(self.refuse(format!("the entry `{shown}` climbs out with `..`")));
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(self.refuse(format!("the entry `{shown}` is an absolute path")));
                }
            }
        }
        if raw.contains('\\') {
            return Err(self.refuse(format!("the entry `{shown}` has a backslash in its path")));
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

    pub(crate) fn link(&mut self, key: String, target: &str) -> Result<()> {
        if target.len() as u64 > MAX_PATH {
            return Err(self.refuse(format!(
                "the symlink `{}` has a target longer than {MAX_PATH} bytes",
                shorten(&key)
            )));
        }
        check_link_inside(&key, Path::new(target)).map_err(|_| {
            self.refuse(format!(
                "the symlink `{}` points outside the archive (`{}`)",
                shorten(&key),
                shorten(target)
            ))
        })?;
        self.entries.insert(key, Entry::Symlink(target.to_string()));
        Ok(())
    }
}

/// Archives often hold one top folder (`demo-1.0/lab.toml`): when the root
/// has no `lab.toml` but a single folder, that folder becomes the root.
pub(crate) fn strip_single_top(tree: TemplateTree) -> TemplateTree {
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
    use std::io::Cursor;

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
        let tree = strip_single_top(
            unpack(Cursor::new(&bytes), Kind::TarGz, "demo.tgz", 1 << 20).unwrap(),
        );
        let keys: Vec<&str> = tree.entries.keys().map(String::as_str).collect();
        assert_eq!(keys, ["bin/run", "bin/run.sh", "copy.toml", "lab.toml"]);
        assert_eq!(tree.entries["bin/run"], Entry::Symlink("run.sh".into()));
        assert_eq!(
            tree.entries["bin/run.sh"],
            Entry::File {
                bytes: b"#!/bin/sh\n".to_vec().into(),
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
        let e = unpack(Cursor::new(&bytes), Kind::TarGz, "x.tgz", 1000).unwrap_err();
        assert_eq!(
            e.message,
            "refusing to unpack `x.tgz`: it unpacks to more than 1000 bytes (a decompression bomb?)"
        );
        let e = unpack(
            Cursor::new(b"not a gzip stream"),
            Kind::TarGz,
            "x.tgz",
            1000,
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("the archive `x.tgz` is truncated or corrupt: "),
            "{}",
            e.message
        );
        let e = unpack(Cursor::new(b"PK not a zip"), Kind::Zip, "x.zip", 1000).unwrap_err();
        assert!(
            e.message
                .starts_with("the archive `x.zip` is truncated or corrupt: "),
            "{}",
            e.message
        );
    }

    fn raw_tgz(blocks: &[Vec<u8>]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for b in blocks {
            std::io::Write::write_all(&mut gz, b).unwrap();
        }
        std::io::Write::write_all(&mut gz, &[0; 1024]).unwrap();
        gz.finish().unwrap()
    }

    fn header(name: &str, kind: tar::EntryType, size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).unwrap();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    fn padded(data: &[u8]) -> Vec<u8> {
        let mut v = data.to_vec();
        v.resize(data.len().div_ceil(512) * 512, 0);
        v
    }

    #[test]
    fn pax_and_long_names_apply_to_the_next_entry_and_must_agree_on_size() {
        let long = "a/".repeat(100) + "file.txt";
        let record = format!("{} path={long}\n", long.len() + 10);
        assert_eq!(record.len(), long.len() + 10);
        let bytes = raw_tgz(&[
            header("PaxHeader", tar::EntryType::XHeader, record.len() as u64),
            padded(record.as_bytes()),
            header("short", tar::EntryType::Regular, 2),
            padded(b"hi"),
            header("././@LongLink", tar::EntryType::GNULongName, 9),
            padded(b"long.txt\0"),
            header("x", tar::EntryType::Regular, 1),
            padded(b"!"),
        ]);
        let tree = unpack(Cursor::new(&bytes), Kind::TarGz, "p.tgz", 1 << 20).unwrap();
        let keys: Vec<&str> = tree.entries.keys().map(String::as_str).collect();
        assert_eq!(keys, [long.as_str(), "long.txt"]);

        let bytes = raw_tgz(&[
            header("PaxHeader", tar::EntryType::XHeader, 11),
            padded(b"11 size=99\n"),
            header("f", tar::EntryType::Regular, 1),
            padded(b"!"),
        ]);
        let e = unpack(Cursor::new(&bytes), Kind::TarGz, "p.tgz", 1 << 20).unwrap_err();
        assert_eq!(
            e.message,
            "refusing to unpack `p.tgz`: a PAX header gives a size that differs from its entry's header"
        );

        let bytes = raw_tgz(&[
            header("././@LongLink", tar::EntryType::GNULongName, 4),
            padded(b"abc\0"),
        ]);
        let e = unpack(Cursor::new(&bytes), Kind::TarGz, "p.tgz", 1 << 20).unwrap_err();
        assert_eq!(
            e.message,
            "the archive `p.tgz` is truncated or corrupt: a long-name or PAX header describes no entry"
        );
    }
}
