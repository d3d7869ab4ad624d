//! `lab.toml`: the contract between lab authors, labforge and its checks.
//!
//! Parsing is strict (every table denies unknown keys, so a typo is toml's own
//! error with line and column), then [`validate`] checks what serde cannot:
//! ids, references between exercises, track names, regexes, globs. Every
//! error points at `lab.toml:LINE:COL` and says how to fix it. The format is
//! documented for authors in `docs/lab-format.md`.

pub(crate) mod settings;
mod types;
mod validate;

pub(crate) use types::*;
pub use validate::parse_duration;
pub(crate) use validate::validate;

use std::path::Path;

use crate::error::{Error, Result};

/// The name of the manifest file at the root of every lab template.
pub(crate) const MANIFEST: &str = "lab.toml";

/// The schemas this labforge reads: 1 (each solution folder a full copy of
/// every file touched so far) and 2 (solutions as deltas).
pub(crate) const SCHEMAS: [u32; 2] = [1, 2];

/// Parses and validates `text`, the contents of `file` (used in errors only).
pub fn parse(text: &str, file: &Path) -> Result<Manifest> {
    let manifest = parse_unvalidated(text, file)?;
    validate(&manifest, text, file)?;
    Ok(manifest)
}

/// [`parse`] without [`validate`]: only for a lab whose lab.toml was
/// validated when this binary was tested (a built-in lab).
pub(crate) fn parse_unvalidated(text: &str, file: &Path) -> Result<Manifest> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| toml_error(e, text, file))?;
    if !SCHEMAS.contains(&manifest.schema) {
        return Err(Error::new(format!(
            "unsupported lab.toml schema {} (this labforge reads schema 1 and 2)",
            manifest.schema
        ))
        .at(file, 1, 1)
        .with_help("set `schema = 2` (solutions as deltas), or upgrade labforge"));
    }
    Ok(manifest)
}

include!(concat!(env!("OUT_DIR"), "/builtin_manifests.rs"));

/// The manifest of built-in lab `id` as build.rs parsed its lab.toml (with
/// the crate's own types, every place kept), or `None`: JSON reads in a
/// fraction of the TOML parser's time (issue 14).
/// `preparsed_manifests_equal_the_parsed_ones` checks both give the same.
pub(crate) fn preparsed(id: &str) -> Option<Manifest> {
    let (_, json) = BUILTIN_MANIFESTS.iter().find(|(i, _)| *i == id)?;
    serde_json::from_str(json).ok()
}

/// Turns a toml/serde error into a labforge error with line and column.
/// Why `re` is not a valid regex (the `regex` crate's message), or `None`.
/// Only parses it (with the `regex` crate's parser and settings): lab.toml
/// is validated on every run, and compiling each check's patterns cost more
/// than reading the rest of the lab.
pub(crate) fn regex_problem(re: &str) -> Option<String> {
    regex_syntax::Parser::new()
        .parse(re)
        .err()
        .map(|e| e.to_string())
}

/// Whether the valid regex `re` has a capture group named `name`.
pub(crate) fn regex_has_group(re: &str, name: &str) -> bool {
    use regex_syntax::hir::{Hir, HirKind};
    fn walk(h: &Hir, name: &str) -> bool {
        match h.kind() {
            HirKind::Capture(c) => c.name.as_deref() == Some(name) || walk(&c.sub, name),
            HirKind::Repetition(r) => walk(&r.sub, name),
            HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(|h| walk(h, name)),
            _ => false,
        }
    }
    regex_syntax::Parser::new()
        .parse(re)
        .is_ok_and(|h| walk(&h, name))
}

pub(crate) fn toml_error(e: toml::de::Error, text: &str, file: &Path) -> Error {
    let mut message = e.message().trim_end().to_string();
    let help = if let Some((key, known)) = unknown_field(&message) {
        // The nearest key instead of every key of the table (some have forty).
        match crate::suggest::nearest(&key, known.iter().map(String::as_str)) {
            Some(near) => {
                message = format!("unknown field `{key}`");
                format!("did you mean `{near}`? docs/lab-format.md lists every key")
            }
            None => "remove the key or fix its spelling; the keys are listed in docs/lab-format.md"
                .into(),
        }
    } else if message.starts_with("missing field") {
        "add the missing key; docs/lab-format.md lists what each table needs".into()
    } else {
        "fix the TOML at this place; docs/lab-format.md describes every key".into()
    };
    let err = Error::new(message).with_help(help);
    match e.span() {
        Some(span) => err.at_offset(file, text, span.start),
        None => err.in_file(file),
    }
}

/// The key and the expected keys of serde's "unknown field `K`, expected
/// one of `A`, `B`" (or "expected `A`").
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let known = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((key.to_string(), known))
}

#[cfg(test)]
mod tests;
