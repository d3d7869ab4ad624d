//! Lab sources: what the user typed (`api-client`, `./my-lab`, a git or
//! tarball URL, `CATALOG/LAB`) parsed once into a typed [`SourceSpec`], then
//! loaded into a [`Lab`].

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::template::{Lab, builtin_ids};

/// Options for fetching remote sources.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    pub offline: bool,
    pub refresh: bool,
}

/// A parsed lab source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    Builtin(String),
    Local(PathBuf),
}

impl SourceSpec {
    pub fn parse(text: &str) -> Result<SourceSpec> {
        if let Some(id) = text.strip_prefix("builtin:") {
            return Ok(SourceSpec::Builtin(id.to_string()));
        }
        let looks_like_path = text.contains('/') || text.starts_with('.') || Path::new(text).is_dir();
        if looks_like_path {
            return Ok(SourceSpec::Local(PathBuf::from(text)));
        }
        if builtin_ids().iter().any(|id| id == text) {
            return Ok(SourceSpec::Builtin(text.to_string()));
        }
        Err(Error::new(format!("`{text}` is not a built-in lab or a folder"))
            .with_help(format!("built-in labs: {}; or give a path to a lab template folder", builtin_ids().join(", "))))
    }
}

/// Loads the lab a source names.
pub fn load(text: &str, _opts: &FetchOptions) -> Result<Lab> {
    match SourceSpec::parse(text)? {
        SourceSpec::Builtin(id) => Lab::builtin(&id),
        SourceSpec::Local(p) => Lab::local(&p),
    }
}
