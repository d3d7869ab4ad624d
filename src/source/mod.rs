//! Lab sources: what the user typed (`api-client`, `./my-lab`, a git or
//! archive URL, `CATALOG/LAB`) parsed once into a typed [`SourceSpec`], then
//! loaded into a [`Lab`] through the cache ([`load`] is the one entry point).

pub(crate) mod archive;
pub(crate) mod git;
pub(crate) mod gitwatch;
pub(crate) mod http;
pub(crate) mod spec;

use std::path::PathBuf;

use sha2::{Digest, Sha256};

pub(crate) use spec::SourceSpec;

use crate::cache;
use crate::error::{Error, Result};
use crate::fsx;
use crate::manifest::MANIFEST;
use crate::template::{Lab, Origin, TemplateTree};

/// Options for fetching remote sources.
#[derive(Debug, Clone, Default)]
pub(crate) struct FetchOptions {
    /// Use only the cache; fail clearly when the source is not cached.
    pub(crate) offline: bool,
    /// Fetch again even when the source is cached.
    pub(crate) refresh: bool,
}

/// Loads the lab a source names.
pub(crate) fn load(text: &str, opts: &FetchOptions) -> Result<Lab> {
    if opts.offline && opts.refresh {
        return Err(
            Error::new("--offline and --refresh contradict each other").with_help(
                "--offline uses only the cache; --refresh fetches again: pass one of them",
            ),
        );
    }
    let spec = SourceSpec::parse(text)?;
    load_spec(&spec, opts)
}

/// Loads a parsed source (catalog entries are resolved through the catalog
/// they name, once).
pub(crate) fn load_spec(spec: &SourceSpec, opts: &FetchOptions) -> Result<Lab> {
    match spec {
        SourceSpec::Builtin(id) => Lab::builtin(id),
        SourceSpec::Local(p) => Lab::local(p),
        SourceSpec::Catalog { catalog, lab } => {
            let resolved = crate::catalog::resolve(catalog, lab)?;
            if matches!(resolved, SourceSpec::Catalog { .. }) {
                return Err(Error::new(format!(
                    "the catalog lab `{catalog}/{lab}` names another catalog lab (`{resolved}`)"
                ))
                .with_help("a catalog's `source` must be a folder, a git URL or an archive URL"));
            }
            load_spec(&resolved, opts)
        }
        SourceSpec::Git {
            url,
            reference,
            subfolder,
        } => {
            let shown = spec.to_string();
            let fetched = git::load(
                url,
                reference.as_deref(),
                subfolder.as_deref(),
                &shown,
                opts,
            )?;
            remote_lab(
                fetched.tree,
                &shown,
                url,
                subfolder.as_deref(),
                fetched.commit,
            )
        }
        SourceSpec::Archive {
            url,
            sha256,
            subfolder,
        } => archive_lab(
            &spec.to_string(),
            url,
            sha256.as_deref(),
            subfolder.as_deref(),
            opts,
        ),
    }
}

/// An archive's lab: unpacked (from the cache or a download), opened at its
/// single top folder and at `//subfolder`.
fn archive_lab(
    shown: &str,
    url: &str,
    sha256: Option<&str>,
    subfolder: Option<&str>,
    opts: &FetchOptions,
) -> Result<Lab> {
    let (tree, digest) = load_archive(url, sha256, shown, opts)?;
    let tree = archive::strip_single_top(tree);
    let tree = match subfolder {
        Some(sub) => {
            let t = tree.subtree(sub);
            if t.entries.is_empty() {
                return Err(Error::new(format!(
                    "the subfolder `{sub}` does not exist in `{shown}`"
                ))
                .with_help("check the path after `//`: it is relative to the archive's root"));
            }
            t
        }
        None => tree,
    };
    remote_lab(tree, shown, url, subfolder, format!("sha256:{digest}"))
}

fn remote_lab(
    tree: TemplateTree,
    shown: &str,
    url: &str,
    subfolder: Option<&str>,
    resolved: String,
) -> Result<Lab> {
    let place = match subfolder {
        Some(s) => format!("the folder `{s}` of `{shown}`"),
        None => format!("`{shown}`"),
    };
    if !tree.entries.contains_key(MANIFEST) {
        let mut err = Error::new(format!(
            "{place} has no {MANIFEST}, so it is not a lab template"
        ));
        let nested: Vec<&str> = tree
            .entries
            .keys()
            .filter_map(|k| k.strip_suffix("/lab.toml"))
            .take(5)
            .collect();
        let help = if nested.is_empty() {
            let top: std::collections::BTreeSet<&str> = tree
                .entries
                .keys()
                .map(|k| k.split('/').next().unwrap_or(""))
                .collect();
            err = err.with_detail(format!(
                "it holds: {}",
                top.into_iter().take(12).collect::<Vec<_>>().join(", ")
            ));
            "point at a folder with a lab.toml (add `//SUBFOLDER` to the URL), or create a lab with `labforge template init DIR`".to_string()
        } else {
            let prefix = subfolder.map(|s| format!("{s}/")).unwrap_or_default();
            let subs: Vec<String> = nested.iter().map(|n| format!("//{prefix}{n}")).collect();
            format!(
                "labs are in subfolders: add one of {} to the URL",
                subs.join(", ")
            )
        };
        return Err(err.with_help(help));
    }
    let manifest_path = match subfolder {
        Some(s) => PathBuf::from(format!("{url}/{s}/{MANIFEST}")),
        None => PathBuf::from(format!("{url}/{MANIFEST}")),
    };
    Lab::from_tree(
        tree,
        Origin::Remote {
            spec: shown.to_string(),
            resolved,
        },
        manifest_path,
    )
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveMeta {
    url: String,
    sha256: String,
}

/// The archive's files and the sha256 of its bytes: from the cache when it
/// is there (and not `--refresh`), else downloaded, verified, unpacked in
/// memory and only then cached.
fn load_archive(
    url: &str,
    pin: Option<&str>,
    shown: &str,
    opts: &FetchOptions,
) -> Result<(TemplateTree, String)> {
    let base = cache::cache_subdir("archives")?;
    let kind = archive::Kind::of(url);
    let key = cache::key(url);
    let meta_path = base.join(format!("{key}.toml"));
    let _lock = cache::Lock::acquire(&base.join(format!("{key}.lock")))?;
    let cap = cache::max_download()?;
    let cached_digest = match pin {
        Some(p) => Some(p.to_string()),
        None => fsx::read_to_string(&meta_path)
            .ok()
            .and_then(|t| toml::from_str::<ArchiveMeta>(&t).ok())
            .map(|m| m.sha256),
    };
    if !opts.refresh
        && let Some(digest) = &cached_digest
    {
        let path = base.join(format!("{digest}.{}", kind.extension()));
        if let Ok(mut file) = std::fs::File::open(&path)
            && file_digest(&mut file).is_ok_and(|d| d == *digest)
        {
            let file = rewound(file, &path)?;
            return Ok((archive::unpack(file, kind, shown, cap)?, digest.clone()));
        }
    }
    if opts.offline {
        return Err(cache::not_cached(shown));
    }
    // Downloaded into a temporary file beside the cache entries: it becomes
    // one (a rename) only once verified and unpacked; otherwise it is removed.
    let tmp_dir = cache::cache_subdir("tmp")?;
    let mut tmp = tempfile::Builder::new()
        .prefix("download-")
        .tempfile_in(&tmp_dir)
        .map_err(|e| Error::io("create a temporary file in", &tmp_dir, e))?;
    http::download_to(url, cap, tmp.as_file_mut()).map_err(|e| name_source(e, shown, url))?;
    let digest = file_digest(tmp.as_file_mut()).map_err(|e| Error::io("read", tmp.path(), e))?;
    if let Some(p) = pin
        && p != digest
    {
        return Err(Error::new(format!("the archive `{url}` does not match its pin: expected sha256 {p}, got {digest}"))
            .with_help("the archive changed or was tampered with; nothing was cached. If its author published a new version, update the `#sha256=` pin"));
    }
    let file = tmp.reopen().map_err(|e| Error::io("read", tmp.path(), e))?;
    let tree = archive::unpack(std::io::BufReader::new(file), kind, shown, cap)?;
    let dest = base.join(format!("{digest}.{}", kind.extension()));
    tmp.persist(&dest)
        .map_err(|e| Error::io("store the archive in the cache at", &dest, e.error))?;
    let meta = ArchiveMeta {
        url: url.to_string(),
        sha256: digest.clone(),
    };
    let text = toml::to_string(&meta)
        .map_err(|e| Error::new(format!("could not write the cache record: {e}")))?;
    fsx::write_atomic(&meta_path, text)?;
    Ok((tree, digest))
}

/// The sha256 of a file's bytes, read from its current position.
fn file_digest(file: &mut std::fs::File) -> std::io::Result<String> {
    use std::io::Read;
    use std::io::Seek;
    file.rewind()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn rewound(
    mut file: std::fs::File,
    path: &std::path::Path,
) -> Result<std::io::BufReader<std::fs::File>> {
    use std::io::Seek;
    file.rewind().map_err(|e| Error::io("read", path, e))?;
    Ok(std::io::BufReader::new(file))
}

/// Download errors name the URL; say which source it was when they differ.
fn name_source(e: Error, shown: &str, url: &str) -> Error {
    if shown == url {
        e
    } else {
        e.with_detail(format!("source: {shown}"))
    }
}
