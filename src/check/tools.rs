//! Tools a lab needs (`needs = ["python3 >= 3.10", "cargo"]`, and the first
//! word of every check command): found on PATH, at the right version, or an
//! error that names the tool and how to install it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::version::Version;

/// Words a shell runs without a program on PATH.
const SHELL_WORDS: &[&str] = &[
    "cd", "test", "[", "exit", "true", "false", "echo", "printf", "export", "set", "unset", "exec",
    "if", "for", "while", "case", "!", "{", "(", ".", ":", "command", "eval", "read", "trap",
    "wait", "kill", "ulimit", "umask", "shift", "return", "local", "type",
];

/// A parsed `needs` entry: `python3 >= 3.10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub tool: String,
    pub min_version: Option<Version>,
}

impl Need {
    pub fn parse(text: &str) -> Need {
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
pub fn install_hint(tool: &str) -> String {
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
pub fn find(tool: &str, root: &Path) -> Option<PathBuf> {
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
pub fn check_need(need: &str, who: &str, root: &Path) -> Result<()> {
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

/// The error for a tool that is not installed.
pub fn missing(tool: &str, who: &str) -> Error {
    if tool.contains('/') {
        return Error::new(format!("`{tool}` does not exist (needed by {who})"))
            .with_help("run `labforge setup` to create the lab's environment, then check again");
    }
    Error::new(format!(
        "`{tool}` is not installed or not on PATH (needed by {who})"
    ))
    .with_help(install_hint(tool))
}

/// The program a shell command starts: the first word that is not an
/// assignment; None for shell syntax labforge cannot judge.
pub fn first_program(cmd: &str) -> Option<&str> {
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
pub fn check_command(cmd: &str, who: &str, root: &Path) -> Result<()> {
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
