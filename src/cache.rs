//! The user's folders: the download cache (`LABFORGE_CACHE_DIR`, else the
//! platform cache folder + `labforge`) and the config folder
//! (`LABFORGE_CONFIG_DIR`, else the platform config folder + `labforge`),
//! plus the cache layout, its locks and the download size cap.
//!
//! Layout of the cache:
//! - `git/<key>/`: a bare repository per git URL (key = sha256 of the URL);
//!   `git/<key>.toml` maps each ref asked for to the commit it resolved to.
//! - `archives/<sha256>.<ext>`: downloaded archives, by content digest;
//!   `archives/<key>.toml` maps an archive URL to the digest last fetched.
//! - `tmp/`: partial downloads, removed on failure.

use std::fs::File;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::fsx;

/// The default size cap of a download and of an unpacked archive.
pub(crate) const DEFAULT_MAX_DOWNLOAD: u64 = 100 * 1024 * 1024;

/// The cache folder (created on first use by the callers that write).
pub(crate) fn cache_dir() -> Result<PathBuf> {
    user_dir("LABFORGE_CACHE_DIR", dirs::cache_dir(), "cache")
}

/// The config folder (catalogs, trust decisions).
pub(crate) fn config_dir() -> Result<PathBuf> {
    user_dir("LABFORGE_CONFIG_DIR", dirs::config_dir(), "config")
}

fn user_dir(var: &str, platform: Option<PathBuf>, what: &str) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    platform.map(|d| d.join("labforge")).ok_or_else(|| {
        Error::new(format!("could not find your {what} folder"))
            .with_help(format!("set {var} to a folder labforge may use"))
    })
}

/// The size cap in bytes: `LABFORGE_MAX_DOWNLOAD` (bytes, or with a `K`,
/// `M` or `G` suffix, powers of 1024), else 100 MiB.
pub(crate) fn max_download() -> Result<u64> {
    let Ok(text) = std::env::var("LABFORGE_MAX_DOWNLOAD") else {
        return Ok(DEFAULT_MAX_DOWNLOAD);
    };
    parse_size(&text).ok_or_else(|| {
        Error::new(format!("LABFORGE_MAX_DOWNLOAD=`{text}` is not a size"))
            .with_help("write a number of bytes, optionally with K, M or G (for example 100M)")
    })
}

fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().trim_end_matches("iB").trim_end_matches('B');
    let (num, mult) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1024),
        'm' | 'M' => (&t[..t.len() - 1], 1024 * 1024),
        'g' | 'G' => (&t[..t.len() - 1], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(mult)
}

/// A short stable key for a URL (first 16 bytes of its sha256, in hex).
pub(crate) fn key(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

/// A sub-folder of the cache, created.
pub(crate) fn cache_subdir(name: &str) -> Result<PathBuf> {
    let dir = cache_dir()?.join(name);
    fsx::create_dir_all(&dir)?;
    Ok(dir)
}

/// An exclusive lock on `path` (a lock file), held until dropped, so two
/// labforge processes never fetch into the same cache entry at once.
pub(crate) struct Lock(File);

impl Lock {
    pub(crate) fn acquire(path: &Path) -> Result<Lock> {
        if let Some(parent) = path.parent() {
            fsx::create_dir_all(parent)?;
        }
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| Error::io("open the lock file", path, e))?;
        // std's advisory lock (flock on Unix, LockFileEx on Windows), stable since 1.89.
        file.lock().map_err(|e| Error::io("lock", path, e))?;
        Ok(Lock(file))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// The error for a source that is not in the cache under `--offline`.
pub(crate) fn not_cached(source: &str) -> Error {
    Error::new(format!(
        "`{source}` is not in the cache, and --offline forbids fetching it"
    ))
    .with_help("run the command once without --offline (online) to fetch it into the cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("4K"), Some(4096));
        assert_eq!(parse_size("2MiB"), Some(2 * 1024 * 1024));
        assert_eq!(parse_size("1G"), Some(1024 * 1024 * 1024));
        assert_eq!(parse_size("lots"), None);
    }
}
