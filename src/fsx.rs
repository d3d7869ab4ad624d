//! Filesystem wrappers that put the path into every error.
//!
//! Every filesystem call in labforge goes through here (house style, habit 2),
//! so a failure always says which file and what labforge was trying to do.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io("read", path, e))
}

/// A file's bytes and its metadata, both from one open file (one path
/// lookup, and the mode is the one of the bytes read).
pub(crate) fn read_with_metadata(path: &Path) -> Result<(Vec<u8>, fs::Metadata)> {
    use std::io::Read;
    let err = |e| Error::io("read", path, e);
    let mut file = fs::File::open(path).map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(err)?;
    Ok((bytes, meta))
}

pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|_| {
        Error::new(format!("`{}` is not valid UTF-8 text", path.display()))
            .with_help("save the file as UTF-8")
    })
}

pub(crate) fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    fs::write(path, contents).map_err(|e| Error::io("write", path, e))
}

/// Writes through a temporary file in the same folder, then renames it over
/// `path`, so readers see the old or the new contents, never half of them.
pub(crate) fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".labforge-tmp-");
    // tempfile creates 0600 files; a new file gets the usual 0666 & !umask,
    // like `fs::write` (an existing file's permissions are copied below).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    tmp.write_all(contents.as_ref())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", tmp.path(), e))?;
    if let Ok(meta) = fs::metadata(path) {
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

pub(crate) fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|e| Error::io("create the folder", path, e))
}

pub(crate) fn remove_file(path: &Path) -> Result<()> {
    fs::remove_file(path).map_err(|e| Error::io("remove", path, e))
}

pub(crate) fn remove_dir_all(path: &Path) -> Result<()> {
    fs::remove_dir_all(path).map_err(|e| Error::io("remove the folder", path, e))
}

pub(crate) fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|e| Error::io(&format!("move `{}` to", from.display()), to, e))
}

pub(crate) fn copy(from: &Path, to: &Path) -> Result<u64> {
    fs::copy(from, to).map_err(|e| Error::io(&format!("copy `{}` to", from.display()), to, e))
}

pub(crate) fn metadata(path: &Path) -> Result<fs::Metadata> {
    fs::metadata(path).map_err(|e| Error::io("read the metadata of", path, e))
}

pub(crate) fn symlink_metadata(path: &Path) -> Result<fs::Metadata> {
    fs::symlink_metadata(path).map_err(|e| Error::io("read the metadata of", path, e))
}

pub(crate) fn read_link(path: &Path) -> Result<PathBuf> {
    fs::read_link(path).map_err(|e| Error::io("read the link", path, e))
}

/// Creates the symlink `at` pointing at `target` (the link itself, never
/// a copy of what it points at).
pub(crate) fn symlink(target: &Path, at: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(target, at).map_err(|e| Error::io("create the symlink", at, e))
    }
    #[cfg(not(unix))]
    {
        let _ = target;
        Err(Error::new(format!(
            "cannot create the symlink `{}` on this system",
            at.display()
        ))
        .with_help("use a Unix system for labs with symlinks"))
    }
}

/// The entries of a folder, sorted by name.
pub(crate) fn read_dir_sorted(path: &Path) -> Result<Vec<PathBuf>> {
    let rd = fs::read_dir(path).map_err(|e| Error::io("list the folder", path, e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("list the folder", path, e))?;
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

/// Marks a file executable (0o755) on Unix; a no-op elsewhere.
pub(crate) fn set_executable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io("make executable", path, e))?;
    }
    Ok(())
}

pub(crate) fn is_executable(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// True when `path` does not exist or is an empty folder.
pub(crate) fn is_absent_or_empty_dir(path: &Path) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Error::io("read the metadata of", path, e)),
        Ok(meta) if meta.is_dir() => Ok(read_dir_sorted(path)?.is_empty()),
        Ok(_) => Ok(false),
    }
}
