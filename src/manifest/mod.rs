//! `lab.toml`: the contract between lab authors, labforge and its checks.
//!
//! Parsing is strict (every table denies unknown keys, so a typo is toml's own
//! error with line and column), then [`validate`] checks what serde cannot:
//! ids, references between exercises, track names, regexes, globs. Every
//! error points at `lab.toml:LINE:COL` and says how to fix it. The format is
//! documented for authors in `docs/lab-format.md`.

pub mod settings;
mod types;
mod validate;

pub use types::*;
pub use validate::{is_version, parse_duration, validate};

use std::path::Path;

use crate::error::{Error, Result};

/// The name of the manifest file at the root of every lab template.
pub const MANIFEST: &str = "lab.toml";

/// The manifest schema `template init` and `template migrate` write: v2,
/// where `solutions/NN-*/` holds only the files exercise NN adds or changes.
pub const SCHEMA: u32 = 2;

/// The schemas this labforge reads: 1 (each solution folder a full copy of
/// every file touched so far) and 2 (solutions as deltas).
pub const SCHEMAS: [u32; 2] = [1, 2];

/// Parses and validates `text`, the contents of `file` (used in errors only).
pub fn parse(text: &str, file: &Path) -> Result<Manifest> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| toml_error(e, text, file))?;
    if !SCHEMAS.contains(&manifest.schema) {
        return Err(Error::new(format!(
            "unsupported lab.toml schema {} (this labforge reads schema 1 and 2)",
            manifest.schema
        ))
        .at(file, 1, 1)
        .with_help("set `schema = 2` (solutions as deltas), or upgrade labforge"));
    }
    validate(&manifest, text, file)?;
    Ok(manifest)
}

/// Turns a toml/serde error into a labforge error with line and column.
pub fn toml_error(e: toml::de::Error, text: &str, file: &Path) -> Error {
    let message = e.message().trim_end().to_string();
    let help = if message.starts_with("unknown field") {
        "remove the key or fix its spelling; the keys are listed in docs/lab-format.md"
    } else if message.starts_with("missing field") {
        "add the missing key; docs/lab-format.md lists what each table needs"
    } else {
        "fix the TOML at this place; docs/lab-format.md describes every key"
    };
    let err = Error::new(message).with_help(help);
    match e.span() {
        Some(span) => err.at_offset(file, text, span.start),
        None => err.in_file(file),
    }
}

#[cfg(test)]
mod tests;
