//! The tar side of [`super::unpack`]: a gzip stream read through a
//! counting cap, members iterated raw so that GNU long names and PAX
//! headers are size-checked here before they are read.

use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

use super::{MAX_PATH, MAX_PAX, STREAM_SLACK, Unpacked, shorten};
use crate::error::Result;
use crate::template::Entry;

/// Counts the bytes read through it and fails once more than `limit` were
/// read, remembering that it did (so the error can say "too big", not
/// "corrupt").
struct Capped<R> {
    inner: R,
    read: u64,
    limit: u64,
    over: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read > self.limit {
            self.over.set(true);
            return Err(std::io::Error::other(
                "the decompressed stream is over the cap",
            ));
        }
        let room = (self.limit - self.read + 1).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        self.read += n as u64;
        if self.read > self.limit {
            self.over.set(true);
            return Err(std::io::Error::other(
                "the decompressed stream is over the cap",
            ));
        }
        Ok(n)
    }
}

/// What GNU long-name and PAX headers said about the next member.
#[derive(Default)]
struct Pending {
    path: Option<String>,
    link: Option<String>,
    size: Option<u64>,
}

pub(super) fn unpack_tar<R: Read>(reader: R, out: &mut Unpacked) -> Result<()> {
    let over = Rc::new(Cell::new(false));
    let stream = Capped {
        inner: flate2::read::GzDecoder::new(std::io::BufReader::new(reader)),
        read: 0,
        limit: out.cap.saturating_add(STREAM_SLACK),
        over: over.clone(),
    };
    let io_err = |out: &Unpacked, e: std::io::Error| {
        if over.get() {
            out.too_big()
        } else {
            out.corrupt(e)
        }
    };
    let mut archive = tar::Archive::new(stream);
    // Raw: the tar crate reads long names and PAX headers whole into memory
    // before anyone can look at their size; here they are checked first.
    let entries = archive.entries().map_err(|e| io_err(out, e))?.raw(true);
    let mut pending = Pending::default();
    for entry in entries {
        let mut entry = entry.map_err(|e| io_err(out, e))?;
        out.count()?;
        let kind = entry.header().entry_type();
        let size = entry.header().entry_size().map_err(|e| out.corrupt(e))?;
        let read =
            read_extension(&mut entry, kind, size, &mut pending, out).map_err(|e| match e {
                Fail::Refused(e) => e,
                Fail::Io(e) => io_err(out, e),
            })?;
        if !read {
            let meta = std::mem::take(&mut pending);
            add_member(&mut entry, kind, size, meta, out)
                .map_err(|e| if over.get() { out.too_big() } else { e })?;
        }
    }
    if pending.path.is_some() || pending.link.is_some() || pending.size.is_some() {
        return Err(out.corrupt("a long-name or PAX header describes no entry"));
    }
    // After the tar's end only zero padding may follow (tar writers pad to
    // a record size); it is read through the cap too, so a gzip stream of
    // endless zeros is cut off. A truncated gzip stream also surfaces here.
    let mut rest = archive.into_inner();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = rest.read(&mut buf).map_err(|e| io_err(out, e))?;
        if n == 0 {
            break;
        }
        if buf[..n].iter().any(|b| *b != 0) {
            return Err(out.refuse("it has data after the end of the tar archive".to_string()));
        }
    }
    Ok(())
}

/// Why reading a header member failed: refused here, or an I/O error the
/// caller classifies (over the stream cap, or corrupt).
enum Fail {
    Refused(crate::error::Error),
    Io(std::io::Error),
}

/// Reads a GNU long-name/long-link or PAX member into `pending`, its
/// declared size checked first; false for any other member.
fn read_extension<R: Read>(
    entry: &mut tar::Entry<R>,
    kind: tar::EntryType,
    size: u64,
    pending: &mut Pending,
    out: &Unpacked,
) -> std::result::Result<bool, Fail> {
    match kind {
        tar::EntryType::GNULongName | tar::EntryType::GNULongLink => {
            let name = kind == tar::EntryType::GNULongName;
            let what = if name { "long-name" } else { "long-link" };
            if size > MAX_PATH {
                return Err(Fail::Refused(out.refuse(format!(
                    "a GNU {what} header declares {size} bytes, more than the {MAX_PATH}-byte limit for a path"
                ))));
            }
            let bytes = read_meta(entry, size).map_err(Fail::Io)?;
            let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
            let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
            if name {
                pending.path = Some(text);
            } else {
                pending.link = Some(text);
            }
            Ok(true)
        }
        tar::EntryType::XHeader | tar::EntryType::XGlobalHeader => {
            if size > MAX_PAX {
                return Err(Fail::Refused(out.refuse(format!(
                    "a PAX header declares {size} bytes, more than the {MAX_PAX}-byte limit"
                ))));
            }
            let bytes = read_meta(entry, size).map_err(Fail::Io)?;
            if kind == tar::EntryType::XHeader {
                apply_pax(&bytes, pending, out).map_err(Fail::Refused)?;
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// Adds one file, folder or link member (with what the headers before it
/// said) to the tree, or refuses it.
fn add_member<R: Read>(
    entry: &mut tar::Entry<R>,
    kind: tar::EntryType,
    size: u64,
    meta: Pending,
    out: &mut Unpacked,
) -> Result<()> {
    if meta.size.is_some_and(|s| s != size) {
        return Err(out
            .refuse("a PAX header gives a size that differs from its entry's header".to_string()));
    }
    let raw = match meta.path {
        Some(p) => p,
        None => String::from_utf8_lossy(&entry.path_bytes()).into_owned(),
    };
    let Some(key) = out.key(&raw)? else {
        return Ok(());
    };
    let mode = entry.header().mode().unwrap_or(0o644);
    match kind {
        tar::EntryType::Regular | tar::EntryType::Continuous => {
            out.check_declared(size)?;
            let bytes = out.read_limited(entry, &raw)?;
            out.entries.insert(
                key,
                Entry::File {
                    bytes: bytes.into(),
                    executable: mode & 0o111 != 0,
                },
            );
        }
        tar::EntryType::Directory => {}
        tar::EntryType::Symlink => {
            let target = link_name(entry, meta.link, out, &raw)?;
            out.link(key, &target)?;
        }
        tar::EntryType::Link => {
            let target = link_name(entry, meta.link, out, &raw)?;
            out.hard_link(key, &raw, &target)?;
        }
        other => {
            return Err(out.refuse(format!(
                "the entry `{}` is a {} (only files, folders and links are allowed)",
                shorten(&raw),
                describe(other)
            )));
        }
    }
    Ok(())
}

/// Reads a metadata member whose size was checked already.
fn read_meta(entry: &mut dyn Read, size: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(size as usize);
    entry.take(size).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < size {
        return Err(std::io::Error::other("a header's data is cut short"));
    }
    Ok(bytes)
}

/// The keys of a local PAX header that matter here: `path`, `linkpath` and
/// `size`. Anything else (times, owners, attributes) is ignored.
fn apply_pax(bytes: &[u8], pending: &mut Pending, out: &Unpacked) -> Result<()> {
    for ext in tar::PaxExtensions::new(bytes) {
        let ext = ext.map_err(|e| out.corrupt(format!("a PAX header is malformed: {e}")))?;
        let value = || {
            ext.value()
                .map(str::to_string)
                .map_err(|_| out.corrupt("a PAX header has a value that is not UTF-8"))
        };
        match ext.key_bytes() {
            b"path" => pending.path = Some(value()?),
            b"linkpath" => pending.link = Some(value()?),
            b"size" => {
                let v = value()?;
                pending.size = Some(v.trim().parse().map_err(|_| {
                    out.corrupt(format!(
                        "a PAX header has a size that is not a number: `{}`",
                        shorten(&v)
                    ))
                })?);
            }
            _ => {}
        }
    }
    Ok(())
}

fn link_name<R: Read>(
    entry: &tar::Entry<R>,
    long: Option<String>,
    out: &Unpacked,
    raw: &str,
) -> Result<String> {
    if let Some(l) = long {
        return Ok(l);
    }
    entry
        .link_name_bytes()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .ok_or_else(|| out.corrupt(format!("the link `{}` has no target", shorten(raw))))
}

fn describe(kind: tar::EntryType) -> &'static str {
    match kind {
        tar::EntryType::Char => "character device",
        tar::EntryType::Block => "block device",
        tar::EntryType::Fifo => "FIFO",
        tar::EntryType::GNUSparse => "sparse file",
        _ => "special file",
    }
}
