//! The zip side of [`super::unpack`]: the central directory is
//! size-checked from its end record before the zip crate reads it.

use std::io::{Read, Seek};

use super::{MAX_ENTRIES, MAX_PATH, MAX_PAX, Unpacked, shorten};
use crate::error::Result;
use crate::template::Entry;

pub(super) fn unpack_zip<R: Read + Seek>(mut reader: R, out: &mut Unpacked) -> Result<()> {
    check_zip_directory(&mut reader, out)?;
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| out.corrupt(e))?;
    if zip.len() as u64 > MAX_ENTRIES {
        return Err(out.refuse(format!(
            "it has more than {MAX_ENTRIES} members (the limit for a lab template)"
        )));
    }
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
                out.check_declared(file.size())?;
                let bytes = out.read_limited(&mut file, &raw)?;
                out.entries.insert(
                    key,
                    Entry::File {
                        bytes: bytes.into(),
                        executable: mode & 0o111 != 0,
                    },
                );
            }
            0o120000 => {
                if file.size() > MAX_PATH {
                    return Err(out.refuse(format!(
                        "the symlink `{}` has a target longer than {MAX_PATH} bytes",
                        shorten(&key)
                    )));
                }
                let target = out.read_limited(&mut file, &raw)?;
                out.link(key, &String::from_utf8_lossy(&target))?;
            }
            _ => {
                return Err(out.refuse(format!(
                    "the entry `{}` is a special file (only files, folders and links are allowed)",
                    shorten(&raw)
                )));
            }
        }
    }
    Ok(())
}

/// The zip crate reads the whole central directory into memory when it
/// opens an archive; its end record says how big that is, so a directory
/// of millions of entries is refused before it is read. Zip64 (for archives
/// over 4 GiB or 65,535 entries) is never needed by a lab template.
fn check_zip_directory<R: Read + Seek>(reader: &mut R, out: &Unpacked) -> Result<()> {
    use std::io::SeekFrom;
    let len = reader.seek(SeekFrom::End(0)).map_err(|e| out.corrupt(e))?;
    let tail_len = len.min(22 + 65_535);
    reader
        .seek(SeekFrom::Start(len - tail_len))
        .map_err(|e| out.corrupt(e))?;
    let mut tail = vec![0u8; tail_len as usize];
    reader.read_exact(&mut tail).map_err(|e| out.corrupt(e))?;
    reader.rewind().map_err(|e| out.corrupt(e))?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
    else {
        return Err(out.corrupt("no end of central directory record"));
    };
    let u16_at = |i: usize| u16::from_le_bytes([tail[at + i], tail[at + i + 1]]);
    let entries = u16_at(10);
    let size = u32::from_le_bytes([tail[at + 12], tail[at + 13], tail[at + 14], tail[at + 15]]);
    if entries == u16::MAX || size == u32::MAX {
        return Err(out.refuse(
            "it is a zip64 archive (not needed for a lab template, and not supported)".to_string(),
        ));
    }
    if u64::from(entries) > MAX_ENTRIES {
        return Err(out.refuse(format!(
            "it has more than {MAX_ENTRIES} members (the limit for a lab template)"
        )));
    }
    // Each entry's record is at most 46 bytes plus a path, an extra field
    // and a comment of 64 KiB each; far less for a template.
    if u64::from(size) > MAX_ENTRIES * (46 + MAX_PATH) + MAX_PAX {
        return Err(out.refuse(format!(
            "its central directory declares {size} bytes, more than its members need"
        )));
    }
    Ok(())
}
