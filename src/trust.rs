//! Trust for labs that are not built in: their commands (setup, checks,
//! services) run only after the user confirms on a terminal, or with
//! `--trust`. The decision is remembered in the user's config folder
//! (`trusted.toml`) per source AND per content: a remote source is trusted at
//! the commit or archive digest it resolved to, so a branch that moves or an
//! archive URL that serves new bytes is asked about again. A local folder is
//! the user's own and is trusted by its path. Off a terminal, without
//! `--trust`, nothing runs.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cache;
use crate::error::{Error, Result};
use crate::fsx;
use crate::template::Origin;

const TRUST_FILE: &str = "trusted.toml";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    /// Source string → what was trusted and when.
    #[serde(default)]
    trusted: BTreeMap<String, Record>,
}

/// One trust decision. Files written before content was recorded hold only
/// the time; such a record still trusts a local folder, not a remote source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Content {
        /// The commit or `sha256:` digest trusted ("" for a local folder).
        resolved: String,
        at: toml::value::Datetime,
    },
    Legacy(toml::value::Datetime),
}

/// What a lab's trust is keyed on: its source string and its content.
pub(crate) struct Subject {
    pub(crate) source: String,
    /// The resolved commit or digest of a remote source; "" for a folder.
    pub(crate) resolved: String,
    builtin: bool,
}

impl Subject {
    pub(crate) fn of(origin: &Origin) -> Subject {
        Subject {
            source: origin.source_string(),
            resolved: origin.resolved().unwrap_or("").to_string(),
            builtin: origin.is_builtin(),
        }
    }
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

/// How a subject stands: trusted, never trusted, or trusted at other content.
enum Standing {
    Trusted,
    Unknown,
    Changed(String),
}

fn standing(file: &TrustFile, s: &Subject) -> Standing {
    if s.builtin {
        return Standing::Trusted;
    }
    match file.trusted.get(&s.source) {
        None => Standing::Unknown,
        Some(Record::Content { resolved, .. }) if *resolved == s.resolved => Standing::Trusted,
        Some(Record::Content { resolved, .. }) => Standing::Changed(resolved.clone()),
        Some(Record::Legacy(_)) if s.resolved.is_empty() => Standing::Trusted,
        Some(Record::Legacy(_)) => Standing::Changed(String::new()),
    }
}

fn short(resolved: &str) -> String {
    let r = resolved.strip_prefix("sha256:").unwrap_or(resolved);
    if r.is_empty() {
        "unknown content".to_string()
    } else {
        r.chars().take(12).collect()
    }
}

/// Returns Ok when the commands of the lab `s` names may run: built in,
/// trusted before at this content, `trust_flag` (recorded), or confirmed on
/// a terminal (recorded).
pub(crate) fn ensure_trusted(s: &Subject, trust_flag: bool) -> Result<()> {
    ensure_trusted_with(
        s,
        trust_flag,
        "read its lab.toml, then pass --trust, or run this command once on a terminal and confirm (the answer is remembered)",
    )
}

/// [`ensure_trusted`], with the help shown when it refuses: how the user can
/// see what the lab runs (a generated lab has no lab.toml to read) and what
/// `--trust` does.
pub(crate) fn ensure_trusted_with(s: &Subject, trust_flag: bool, help: &str) -> Result<()> {
    let file = load()?;
    let changed = match standing(&file, s) {
        Standing::Trusted => return Ok(()),
        Standing::Unknown => None,
        Standing::Changed(old) => Some(format!(
            "you trusted it at {}; it is now at {}",
            short(&old),
            short(&s.resolved)
        )),
    };
    let source = &s.source;
    if !trust_flag {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            let mut err = Error::new(format!(
                "labforge will not run the commands of `{source}` without your consent"
            ));
            if let Some(c) = &changed {
                err = err.with_detail(format!("its content changed: {c}"));
            }
            return Err(err
                .with_detail("this lab is not built in: its setup commands and checks run programs on this machine")
                .with_help(help.to_string()));
        }
        let prompt = match &changed {
            Some(c) => format!(
                "`{source}` changed since you trusted it ({c}): its setup commands and checks run programs on this machine. Trust the new content and run them"
            ),
            None => format!(
                "`{source}` is not a built-in lab: its setup commands and checks run programs on this machine. Trust it and run them"
            ),
        };
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
    record_in(file, s)
}

/// Records that the lab `s` names is trusted at its current content.
pub(crate) fn record(s: &Subject) -> Result<()> {
    if s.builtin {
        return Ok(());
    }
    record_in(load()?, s)
}

fn record_in(mut file: TrustFile, s: &Subject) -> Result<()> {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let stamp = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    if let Ok(at) = stamp.parse() {
        file.trusted.insert(
            s.source.clone(),
            Record::Content {
                resolved: s.resolved.clone(),
                at,
            },
        );
    }
    let text = toml::to_string(&file)
        .map_err(|e| Error::new(format!("could not record the trust decision: {e}")))?;
    fsx::write_atomic(&trust_path()?, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(source: &str, resolved: &str) -> Subject {
        Subject {
            source: source.into(),
            resolved: resolved.into(),
            builtin: false,
        }
    }

    #[test]
    fn trust_is_keyed_on_source_and_content_and_old_files_still_load() {
        let file: TrustFile = toml::from_str(
            "[trusted]\n\"/labs/mine\" = 2026-01-01T00:00:00Z\n\"https://x/l.git#main\" = 2026-01-01T00:00:00Z\n\n[trusted.\"https://x/m.git\"]\nresolved = \"abc\"\nat = 2026-01-02T00:00:00Z\n",
        )
        .unwrap();
        assert!(matches!(
            standing(&file, &subject("/labs/mine", "")),
            Standing::Trusted
        ));
        // A remote source trusted before content was recorded is asked again.
        assert!(matches!(
            standing(&file, &subject("https://x/l.git#main", "def")),
            Standing::Changed(_)
        ));
        assert!(matches!(
            standing(&file, &subject("https://x/m.git", "abc")),
            Standing::Trusted
        ));
        assert!(matches!(
            standing(&file, &subject("https://x/m.git", "abd")),
            Standing::Changed(old) if old == "abc"
        ));
        assert!(matches!(
            standing(&file, &subject("https://y", "abc")),
            Standing::Unknown
        ));
    }
}
