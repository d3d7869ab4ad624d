//! Team catalogs: a `catalog.toml` (in a git repository, a folder, or at a
//! URL) listing labs, added under a name with `labforge catalog add NAME
//! SOURCE` and kept in the config folder (`catalogs.toml` records where each
//! came from; `catalogs/NAME.toml` is the copy last fetched, so listing never
//! needs the network). `NAME/LAB` then names a lab through its catalog.
//!
//! ```toml
//! title = "ACME platform labs"
//!
//! [[lab]]
//! id = "api-client"
//! title = "Build a resilient API client"
//! source = "labs/api-client"      # relative to the catalog, or any source
//! ref = "v1.2"                     # optional, git sources only
//! tags = ["http", "python"]
//! summary = "Auth, pagination, retries."
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::cache;
use crate::error::{Error, Result};
use crate::fsx;
use crate::source::{FetchOptions, SourceSpec, git, http, spec::is_name};

pub(crate) const CATALOG_FILE: &str = "catalog.toml";
const REGISTRY: &str = "catalogs.toml";

/// A `catalog.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub(crate) schema: Option<u32>,
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) lab: Vec<Spanned<CatalogEntry>>,
}

/// One `[[lab]]` of a catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogEntry {
    pub(crate) id: Spanned<String>,
    pub(crate) title: String,
    pub(crate) source: Spanned<String>,
    #[serde(default, rename = "ref")]
    pub(crate) reference: Option<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    #[serde(default)]
    pub(crate) summary: Option<String>,
}

/// A lab of a catalog as `labforge list` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct CatalogLab {
    /// `CATALOG/LAB`, what `labforge new` takes.
    pub(crate) name: String,
    pub(crate) catalog: String,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) summary: Option<String>,
    pub(crate) tags: Vec<String>,
    /// The source it resolves to (relative sources made absolute).
    pub(crate) source: String,
}

/// Where a catalog came from, as recorded in `catalogs.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Registered {
    pub(crate) source: String,
    /// The commit (git) the copy was read at, so relative labs are fetched
    /// at the same commit as the catalog that lists them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resolved: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Registry {
    #[serde(default)]
    catalog: BTreeMap<String, Registered>,
}

fn registry_path() -> Result<PathBuf> {
    Ok(cache::config_dir()?.join(REGISTRY))
}

fn copy_path(name: &str) -> Result<PathBuf> {
    Ok(cache::config_dir()?
        .join("catalogs")
        .join(format!("{name}.toml")))
}

fn load_registry() -> Result<Registry> {
    let path = registry_path()?;
    if !path.is_file() {
        return Ok(Registry::default());
    }
    let text = fsx::read_to_string(&path)?;
    toml::from_str(&text).map_err(|e| {
        toml_error(&e, &path, &text)
            .with_help("fix the file, or remove it to start again without catalogs")
    })
}

fn save_registry(reg: &Registry) -> Result<()> {
    let text = toml::to_string(reg)
        .map_err(|e| Error::new(format!("could not write the catalog list: {e}")))?;
    fsx::write_atomic(&registry_path()?, text)
}

fn toml_error(e: &toml::de::Error, file: &Path, text: &str) -> Error {
    let err = Error::new(e.message().trim().to_string());
    match e.span() {
        Some(span) => err.at_offset(file, text, span.start),
        None => err.in_file(file),
    }
}

/// Parses and validates a catalog file's text (`file` names it in errors).
pub fn parse(text: &str, file: &Path) -> Result<CatalogFile> {
    let cat: CatalogFile = toml::from_str(text).map_err(|e| {
        toml_error(&e, file, text).with_help("a catalog has an optional `title` and `[[lab]]` tables with id, title, source, and optional ref, tags, summary")
    })?;
    if let Some(schema) = cat.schema
        && schema != 1
    {
        return Err(Error::new(format!(
            "catalog schema {schema} is not supported (this labforge reads schema 1)"
        ))
        .in_file(file)
        .with_help("upgrade labforge, or ask the catalog's author for a schema 1 catalog"));
    }
    let mut seen = BTreeMap::new();
    for entry in &cat.lab {
        let lab = entry.get_ref();
        let id = lab.id.get_ref();
        if !is_name(id) {
            return Err(Error::new(format!("`{id}` is not a valid lab id"))
                .at_offset(file, text, lab.id.span().start)
                .with_help("use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit"));
        }
        if seen.insert(id.clone(), ()).is_some() {
            return Err(Error::new(format!("the lab id `{id}` is listed twice"))
                .at_offset(file, text, lab.id.span().start)
                .with_help("give every lab of a catalog its own id"));
        }
        let src = lab.source.get_ref();
        if !is_relative(src) {
            let parsed = SourceSpec::parse(src).map_err(|e| {
                Error::new(format!("the source of `{id}` is not valid: {}", e.message))
                    .at_offset(file, text, lab.source.span().start)
                    .with_help(e.help.unwrap_or_default())
            })?;
            if lab.reference.is_some()
                && !matches!(
                    parsed,
                    SourceSpec::Git {
                        reference: None,
                        ..
                    }
                )
            {
                return Err(Error::new(format!(
                    "`ref` of `{id}` only applies to a git source without its own `#ref`"
                ))
                .at_offset(file, text, lab.source.span().start)
                .with_help("drop `ref`, or put the ref in one place"));
            }
        }
    }
    Ok(cat)
}

/// A catalog source that is a path inside the catalog (`labs/api-client`).
fn is_relative(src: &str) -> bool {
    !src.contains("://")
        && !src.starts_with('/')
        && !src.starts_with('~')
        && !src.starts_with("builtin:")
        && !src.contains('@')
}

/// Fetches a catalog's text from its source; returns the text, where it was
/// read (for messages) and the commit for git sources.
fn fetch(source: &str, opts: &FetchOptions) -> Result<(String, PathBuf, Option<String>)> {
    let lower = source.to_ascii_lowercase();
    if lower.ends_with(".toml") && source.contains("://") {
        let bytes = http::download(source, 1024 * 1024)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::new(format!("`{source}` is not UTF-8 text"))
                .with_help("save catalog.toml as UTF-8")
        })?;
        return Ok((text, PathBuf::from(source), None));
    }
    match SourceSpec::parse(source)? {
        SourceSpec::Local(dir) => {
            let file = if dir.is_dir() { dir.join(CATALOG_FILE) } else { dir.clone() };
            if !file.is_file() {
                return Err(Error::new(format!("`{}` has no {CATALOG_FILE}", dir.display()))
                    .with_help("point at a folder (or git repository) whose root holds catalog.toml, or at the file itself"));
            }
            Ok((fsx::read_to_string(&file)?, file, None))
        }
        spec @ SourceSpec::Git { .. } => {
            let SourceSpec::Git { url, reference, subfolder } = &spec else { unreachable!() };
            let fetched = git::load(url, reference.as_deref(), subfolder.as_deref(), source, opts)?;
            let bytes = fetched.tree.get(CATALOG_FILE).ok_or_else(|| {
                Error::new(format!("`{source}` has no {CATALOG_FILE} at its root"))
                    .with_help("add a catalog.toml to the repository, or point at its folder with //SUBFOLDER")
            })?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| Error::new(format!("{CATALOG_FILE} of `{source}` is not UTF-8")))?;
            Ok((text, PathBuf::from(format!("{source}/{CATALOG_FILE}")), Some(fetched.commit)))
        }
        other => Err(Error::new(format!("`{other}` cannot hold a catalog"))
            .with_help("a catalog is a catalog.toml in a folder, in a git repository, or at an http(s) URL")),
    }
}

/// Makes a catalog source absolute (folders) so it still works from any
/// working folder.
fn normalize(source: &str) -> Result<String> {
    if source.contains("://") || source.contains('@') {
        return Ok(source.to_string());
    }
    let abs =
        std::path::absolute(source).map_err(|e| Error::io("resolve", Path::new(source), e))?;
    Ok(abs.display().to_string())
}

/// `labforge catalog add`: fetches and validates, then records. Returns
/// the number of labs.
pub(crate) fn add(name: &str, source: &str) -> Result<usize> {
    if !is_name(name) {
        return Err(
            Error::new(format!("`{name}` is not a valid catalog name")).with_help(
                "use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit",
            ),
        );
    }
    let mut reg = load_registry()?;
    if let Some(existing) = reg.catalog.get(name) {
        return Err(Error::new(format!("there is already a catalog `{name}` (from `{}`)", existing.source))
            .with_help(format!("`labforge catalog update {name}` fetches it again; `labforge catalog remove {name}` frees the name")));
    }
    let source = normalize(source)?;
    let count = store(name, &source, &mut reg, &FetchOptions::default())?;
    save_registry(&reg)?;
    Ok(count)
}

fn store(name: &str, source: &str, reg: &mut Registry, opts: &FetchOptions) -> Result<usize> {
    let (text, file, resolved) = fetch(source, opts)?;
    let cat = parse(&text, &file)?;
    fsx::write_atomic(&copy_path(name)?, &text)?;
    reg.catalog.insert(
        name.to_string(),
        Registered {
            source: source.to_string(),
            resolved,
        },
    );
    Ok(cat.lab.len())
}

/// `labforge catalog remove`.
pub(crate) fn remove(name: &str) -> Result<()> {
    let mut reg = load_registry()?;
    if reg.catalog.remove(name).is_none() {
        return Err(unknown(name, &reg));
    }
    save_registry(&reg)?;
    let copy = copy_path(name)?;
    if copy.is_file() {
        fsx::remove_file(&copy)?;
    }
    Ok(())
}

/// `labforge catalog update [NAME]`: fetches again; returns (name, labs).
pub(crate) fn update(name: Option<&str>) -> Result<Vec<(String, usize)>> {
    let mut reg = load_registry()?;
    let names: Vec<String> = match name {
        Some(n) if reg.catalog.contains_key(n) => vec![n.to_string()],
        Some(n) => return Err(unknown(n, &reg)),
        None => reg.catalog.keys().cloned().collect(),
    };
    let mut out = Vec::new();
    for n in names {
        let source = reg.catalog[&n].source.clone();
        let count = store(
            &n,
            &source,
            &mut reg,
            &FetchOptions {
                offline: false,
                refresh: true,
            },
        )?;
        out.push((n, count));
    }
    save_registry(&reg)?;
    Ok(out)
}

fn unknown(name: &str, reg: &Registry) -> Error {
    let known: Vec<&str> = reg.catalog.keys().map(String::as_str).collect();
    let list = if known.is_empty() {
        "none yet".to_string()
    } else {
        known.join(", ")
    };
    Error::new(format!("there is no catalog `{name}`"))
        .with_detail(format!("catalogs: {list}"))
        .with_help(
            "`labforge catalog add NAME SOURCE` adds one; `labforge catalog list` shows them",
        )
}

/// The registered catalogs with their stored copies, by name.
pub(crate) fn catalogs() -> Result<Vec<(String, Registered, CatalogFile)>> {
    let reg = load_registry()?;
    let mut out = Vec::new();
    for (name, r) in reg.catalog {
        let path = copy_path(&name)?;
        let text = fsx::read_to_string(&path).map_err(|e| {
            e.with_help(format!(
                "run `labforge catalog update {name}` to fetch the catalog again"
            ))
        })?;
        let cat = parse(&text, &path)?;
        out.push((name, r, cat));
    }
    Ok(out)
}

/// Every lab of every catalog, in catalog then file order (no network).
pub(crate) fn catalog_labs() -> Result<Vec<CatalogLab>> {
    let mut out = Vec::new();
    for (name, reg, cat) in catalogs()? {
        for entry in &cat.lab {
            let lab = entry.get_ref();
            out.push(CatalogLab {
                name: format!("{name}/{}", lab.id.get_ref()),
                catalog: name.clone(),
                id: lab.id.get_ref().clone(),
                title: lab.title.clone(),
                summary: lab.summary.clone(),
                tags: lab.tags.clone(),
                source: lab_source(&reg, lab).to_string(),
            });
        }
    }
    Ok(out)
}

/// Catalog labs as `labforge list` rows: read from the cache or disk when
/// there (version, tracks, exercises), else from the catalog alone (never
/// the network).
pub(crate) fn catalog_summaries() -> Result<Vec<crate::labinfo::LabSummary>> {
    let offline = FetchOptions {
        offline: true,
        refresh: false,
    };
    let mut out = Vec::new();
    for c in catalog_labs()? {
        let lab = SourceSpec::parse(&c.source).and_then(|s| crate::source::load_spec(&s, &offline));
        out.push(match lab {
            Ok(lab) => crate::labinfo::LabSummary::from_lab(&lab, &c.name, &c.catalog),
            Err(_) => crate::labinfo::LabSummary {
                id: c.name,
                version: "-".into(),
                title: c.title,
                tracks: Vec::new(),
                exercises: 0,
                minutes: None,
                summary: c.summary,
                source: c.catalog,
            },
        });
    }
    Ok(out)
}

/// A lab generated from a catalog records the source the catalog resolved
/// it to (a git source pinned at the catalog's commit), so that the lab
/// works without the catalog. `update` follows the catalog instead: when a
/// registered catalog lists `source` (the same repository and folder, at
/// any commit), that catalog is fetched again and the entry's new source
/// returned (None when no catalog lists it).
pub(crate) fn follow(source: &str) -> Result<Option<SourceSpec>> {
    // The commit a git source is pinned at is the catalog's at the time;
    // the repository and folder say which entry it was.
    let place = |spec: SourceSpec| match spec {
        SourceSpec::Git { url, subfolder, .. } => SourceSpec::Git {
            url,
            reference: None,
            subfolder,
        }
        .to_string(),
        other => other.to_string(),
    };
    let wanted = place(SourceSpec::parse(source)?);
    let found = catalogs()?.into_iter().find_map(|(name, reg, cat)| {
        cat.lab
            .iter()
            .find(|e| place(lab_source(&reg, e.get_ref())) == wanted)
            .map(|e| (name.clone(), e.get_ref().id.get_ref().clone()))
    });
    let Some((catalog, lab)) = found else {
        return Ok(None);
    };
    update(Some(&catalog))?;
    resolve(&catalog, &lab).map(Some)
}

/// The source of `CATALOG/LAB`.
pub(crate) fn resolve(catalog: &str, lab: &str) -> Result<SourceSpec> {
    let all = catalogs()?;
    let Some((_, reg, cat)) = all.iter().find(|(n, _, _)| n == catalog) else {
        let reg = load_registry()?;
        return Err(unknown(catalog, &reg).with_help(format!(
            "`{catalog}/{lab}` is read as CATALOG/LAB; add the catalog with `labforge catalog add {catalog} SOURCE`, or write ./{catalog}/{lab} for a folder"
        )));
    };
    let Some(entry) = cat.lab.iter().find(|e| e.get_ref().id.get_ref() == lab) else {
        let ids: Vec<&str> = cat
            .lab
            .iter()
            .map(|e| e.get_ref().id.get_ref().as_str())
            .collect();
        return Err(Error::new(format!("the catalog `{catalog}` has no lab `{lab}`"))
            .with_detail(format!("labs: {}", ids.join(", ")))
            .with_help(format!("`labforge list` shows every lab; `labforge catalog update {catalog}` fetches the catalog again")));
    };
    Ok(lab_source(reg, entry.get_ref()))
}

/// A catalog entry's source as a full [`SourceSpec`]: relative paths are
/// taken inside the catalog's folder, repository (at the catalog's commit
/// unless the entry has a `ref`) or URL.
fn lab_source(reg: &Registered, lab: &CatalogEntry) -> SourceSpec {
    let src = lab.source.get_ref();
    let rel = src.trim_start_matches("./").trim_end_matches('/');
    let at_url = reg.source.contains("://") && reg.source.to_ascii_lowercase().ends_with(".toml");
    let spec = if is_relative(src) {
        match SourceSpec::parse(&reg.source) {
            Ok(SourceSpec::Git {
                url,
                reference,
                subfolder,
            }) if !at_url => SourceSpec::Git {
                url,
                reference: lab.reference.clone().or(reg.resolved.clone()).or(reference),
                subfolder: Some(match subfolder {
                    Some(s) => format!("{s}/{rel}"),
                    None => rel.to_string(),
                }),
            },
            _ if at_url => {
                let base = reg
                    .source
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&reg.source);
                SourceSpec::parse(&format!("{base}/{rel}"))
                    .unwrap_or(SourceSpec::Local(PathBuf::from(rel)))
            }
            _ => {
                let base = Path::new(&reg.source);
                let dir = if base.is_file() {
                    base.parent().unwrap_or(base)
                } else {
                    base
                };
                SourceSpec::Local(dir.join(rel))
            }
        }
    } else {
        SourceSpec::parse(src).unwrap_or(SourceSpec::Local(PathBuf::from(src)))
    };
    match (spec, &lab.reference) {
        (
            SourceSpec::Git {
                url,
                reference: None,
                subfolder,
            },
            Some(r),
        ) => SourceSpec::Git {
            url,
            reference: Some(r.clone()),
            subfolder,
        },
        (spec, _) => spec,
    }
}

#[cfg(test)]
mod tests;
