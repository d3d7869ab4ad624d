//! Tools a lab needs (`needs = ["python3 >= 3.10", "cargo"]`, and the first
//! word of every check command): found on PATH, at the right version, or an
//! error that names the tool and how to install it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Cause, Error, Result};
use crate::version::Version;

/// Words a shell runs without a program on PATH.
const SHELL_WORDS: &[&str] = &[
    "cd", "test", "[", "exit", "true", "false", "echo", "printf", "export", "set", "unset", "exec",
    "if", "for", "while", "case", "!", "{", "(", ".", ":", "command", "eval", "read", "trap",
    "wait", "kill", "ulimit", "umask", "shift", "return", "local", "type",
];

/// A parsed `needs` entry: `python3 >= 3.10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Need {
    pub(crate) tool: String,
    pub(crate) min_version: Option<Version>,
}

impl Need {
    pub(crate) fn parse(text: &str) -> Need {
        let mut parts = text.split_whitespace();
        let tool = parts.next().unwrap_or("").to_string();
        let rest: Vec<&str> = parts.collect();
        let version = match rest.as_slice() {
            [">=", v] => Some(*v),
            [v] => v.strip_prefix(">="),
            _ => None,
        };
        Need {
            tool,
            min_version: version.and_then(crate::version::loose),
        }
    }
}

/// How to install a tool labforge knows, or a generic sentence.
pub(crate) fn install_hint(tool: &str) -> String {
    let base = tool.rsplit('/').next().unwrap_or(tool);
    match base {
        "python3" | "python" => "install Python 3 (https://www.python.org/downloads/, or `apt install python3 python3-venv`)".into(),
        "pip" | "pip3" => "install pip (`apt install python3-pip`), or use the lab's venv: `labforge setup`".into(),
        "cargo" | "rustc" => "install Rust with rustup: https://rustup.rs".into(),
        "docker" => "install Docker (https://docs.docker.com/get-docker/) and start its daemon".into(),
        "sqlite3" => "install the SQLite shell (`apt install sqlite3`), or use `labforge sql`".into(),
        "git" => "install git (https://git-scm.com/downloads)".into(),
        "node" | "npm" => "install Node.js (https://nodejs.org/)".into(),
        "aws" => "install the AWS CLI (https://aws.amazon.com/cli/), or run `labforge setup` for the lab's copy".into(),
        _ => format!("install `{base}` and make sure it is on your PATH"),
    }
}

/// Finds `tool` on PATH (or, when it holds a `/`, relative to `root`).
pub(crate) fn find(tool: &str, root: &Path) -> Option<PathBuf> {
    if tool.contains('/') {
        let p = root.join(tool);
        return p.exists().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && crate::fsx::is_executable(&m)))
}

/// Checks one `needs` entry; `who` names what needs it ("track `python`").
pub(crate) fn check_need(need: &str, who: &str, root: &Path) -> Result<()> {
    let n = Need::parse(need);
    let Some(path) = find(&n.tool, root) else {
        return Err(missing(&n.tool, who));
    };
    if let Some(min) = &n.min_version {
        let found = tool_version(&path);
        match found {
            Some(v) if v.cmp_precedence(min).is_ge() => {}
            Some(v) => {
                return Err(Error::new(format!(
                    "{who} needs `{need}`, but `{}` is version {v}",
                    n.tool,
                ))
                .with_help(install_hint(&n.tool)));
            }
            None => {} // cannot tell: let it run
        }
    }
    Ok(())
}

/// What is wrong when `tool` is not found: "`tool` is not installed or not
/// on PATH", or "`./x` does not exist" for a path inside the lab.
pub(crate) fn not_found(tool: &str) -> String {
    if tool.contains('/') {
        format!("`{tool}` does not exist")
    } else {
        format!("`{tool}` is not installed or not on PATH")
    }
}

/// The error for a tool that is not installed; `who` needs it.
pub(crate) fn missing(tool: &str, who: &str) -> Error {
    let help = if tool.contains('/') {
        "run `labforge setup` to create the lab's environment, then check again".to_string()
    } else {
        install_hint(tool)
    };
    Error::new(format!("{} (needed by {who})", not_found(tool)))
        .with_help(help)
        .with_cause(Cause::MissingTool {
            tool: tool.to_string(),
        })
}

/// The program a shell command starts: the first word that is not an
/// assignment; None for shell syntax labforge cannot judge.
pub(crate) fn first_program(cmd: &str) -> Option<&str> {
    let word = cmd
        .split_whitespace()
        .find(|w| !w.contains('=') || w.starts_with('='))?;
    if SHELL_WORDS.contains(&word)
        || word.contains(['$', '`', '"', '\'', '(', ';', '|', '&', '<', '>'])
    {
        return None;
    }
    Some(word)
}

/// Checks that the program of `cmd` exists.
pub(crate) fn check_command(cmd: &str, who: &str, root: &Path) -> Result<()> {
    match first_program(cmd) {
        Some(p) if find(p, root).is_none() => Err(missing(p, who)),
        _ => Ok(()),
    }
}

fn tool_version(path: &Path) -> Option<Version> {
    let out = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let re = regex::Regex::new(r"\d+\.\d+(\.\d+)?").expect("valid regex");
    crate::version::loose(re.find(&text)?.as_str())
}

#[cfg(test)]
mod tests {
    /// A missing tool is a typed cause, so an optional check says what is
    /// missing without editing the message meant for `labforge check`.
    #[test]
    fn issue_14_a_missing_tool_carries_its_cause() {
        let root = std::path::Path::new("/nonexistent-labforge-root");
        let e = check_need("no-such-tool-labforge >= 1", "this check", root).unwrap_err();
        assert_eq!(
            e.message,
            "`no-such-tool-labforge` is not installed or not on PATH (needed by this check)"
        );
        assert_eq!(
            e.cause,
            Some(Cause::MissingTool {
                tool: "no-such-tool-labforge".into()
            })
        );
        assert_eq!(
            not_found("no-such-tool-labforge"),
            "`no-such-tool-labforge` is not installed or not on PATH"
        );
        let e = missing(".venv/bin/python", "track `python`");
        assert_eq!(
            e.message,
            "`.venv/bin/python` does not exist (needed by track `python`)"
        );
        assert_eq!(
            not_found(".venv/bin/python"),
            "`.venv/bin/python` does not exist"
        );
    }

    use super::*;

    #[test]
    fn parses_needs() {
        assert_eq!(
            Need::parse("python3 >= 3.10"),
            Need {
                tool: "python3".into(),
                min_version: Some(Version::new(3, 10, 0))
            }
        );
        assert_eq!(
            Need::parse("cargo"),
            Need {
                tool: "cargo".into(),
                min_version: None
            }
        );
        assert_eq!(
            Need::parse("cargo >=1.80").min_version,
            Some(Version::new(1, 80, 0))
        );
    }

    #[test]
    fn finds_the_program_of_a_command() {
        assert_eq!(first_program("FOO=1 python3 -m pytest"), Some("python3"));
        assert_eq!(
            first_program(".venv/bin/pytest -q"),
            Some(".venv/bin/pytest")
        );
        assert_eq!(first_program("test -f x"), None);
        assert_eq!(first_program("$PY x"), None);
    }
}
