//! Trust for labs that are not built in: their commands (setup, checks,
//! services) run only after the user confirms on a terminal, or with
//! `--trust`; the decision is remembered per source in the user's config
//! folder (`trusted.toml`). Off a terminal, without `--trust`, nothing runs.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cache;
use crate::error::{Error, Result};
use crate::fsx;

const TRUST_FILE: &str = "trusted.toml";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    /// Source string → when it was trusted.
    #[serde(default)]
    trusted: BTreeMap<String, toml::value::Datetime>,
}

fn trust_path() -> Result<PathBuf> {
    Ok(cache::config_dir()?.join(TRUST_FILE))
}

fn load() -> Result<TrustFile> {
    let path = trust_path()?;
    if !path.is_file() {
        return Ok(TrustFile::default());
    }
    let text = fsx::read_to_string(&path)?;
    toml::from_str(&text).map_err(|e| {
        let err = Error::new(format!("the trust file is damaged: {}", e.message().trim()));
        match e.span() {
            Some(s) => err.at_offset(&path, &text, s.start),
            None => err.in_file(&path),
        }
        .with_help(
            "fix the file, or delete it (labforge then asks again before running a lab's commands)",
        )
    })
}

/// Returns Ok when commands of the lab from `source` (a state source string
/// such as `builtin:api-client`, a path or a URL) may run.
///
/// Built-in labs are always trusted.
pub fn ensure_trusted(source: &str, trust_flag: bool) -> Result<()> {
    ensure_trusted_with(
        source,
        trust_flag,
        "read its lab.toml, then pass --trust, or run this command once on a terminal and confirm (the answer is remembered)",
    )
}

/// [`ensure_trusted`], with the help shown when it refuses: how the user can
/// see what the lab runs (a generated lab has no lab.toml to read) and what
/// `--trust` does.
pub fn ensure_trusted_with(source: &str, trust_flag: bool, help: &str) -> Result<()> {
    if source.starts_with("builtin:") {
        return Ok(());
    }
    let mut file = load()?;
    if file.trusted.contains_key(source) {
        return Ok(());
    }
    if !trust_flag {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(Error::new(format!("labforge will not run the commands of `{source}` without your consent"))
                .with_detail("this lab is not built in: its setup commands and checks run programs on this machine")
                .with_help(help.to_string()));
        }
        let prompt = format!(
            "`{source}` is not a built-in lab: its setup commands and checks run programs on this machine. Trust it and run them"
        );
        let yes = dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact()
            .map_err(|e| {
                Error::new(format!("could not ask for confirmation: {e}"))
                    .with_help("pass --trust to run the lab's commands")
            })?;
        if !yes {
            return Err(Error::new(format!(
                "you did not trust `{source}`, so none of its commands ran"
            ))
            .with_help(help.to_string()));
        }
    }
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let stamp = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    if let Ok(dt) = stamp.parse() {
        file.trusted.insert(source.to_string(), dt);
    }
    let text = toml::to_string(&file)
        .map_err(|e| Error::new(format!("could not record the trust decision: {e}")))?;
    fsx::write_atomic(&trust_path()?, text)
}

/// True when `source` is built in or was trusted before (no prompt).
pub fn is_trusted(source: &str) -> Result<bool> {
    Ok(source.starts_with("builtin:") || load()?.trusted.contains_key(source))
}
