//! labforge: scaffold hands-on mini-project labs.
//!
//! `main.rs` parses the command line and calls [`main`]; everything else is
//! this library, one module per concept (see `docs/architecture.md`).
//! Items are `pub(crate)` by default; `pub` marks what the binaries and the
//! tests in `tests/` use (the lint below keeps it so).

#![warn(unreachable_pub)]

pub mod adr;
pub(crate) mod answers;
pub(crate) mod authoring;
pub mod backup;
pub(crate) mod cache;
pub mod catalog;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod cohort;
pub(crate) mod commands;
pub(crate) mod error;
pub(crate) mod exec;
pub(crate) mod fsx;
pub(crate) mod gitrepo;
pub(crate) mod glob;
pub(crate) mod html;
pub(crate) mod interrupt;
pub mod journal;
pub(crate) mod labinfo;
pub(crate) mod lablock;
pub mod manifest;
pub(crate) mod net;
pub(crate) mod out;
pub(crate) mod parallel;
pub(crate) mod pathgate;
pub(crate) mod prompt;
pub(crate) mod render;
pub(crate) mod scaffold;
pub(crate) mod selftest;
pub(crate) mod solution;
pub(crate) mod source;
pub mod state;
pub(crate) mod suggest;
pub mod template;
pub(crate) mod tools;
pub(crate) mod trust;
pub mod update;
pub(crate) mod version;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub(crate) use error::Status;
pub use error::{Error, Result};

/// Entry point of the `labforge` binary.
pub fn main() -> ExitCode {
    commands::completions::complete_if_asked();
    let cli = cli::Cli::parse();
    interrupt::install();
    finish(commands::dispatch(cli))
}

/// Entry point of the `adr` binary (adr-tools compatible).
pub fn adr_main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    finish(commands::adr::run_adr_tools(args))
}

/// Prints an error the one way errors are printed, and maps to an exit code.
/// After a signal, prints the one line of [`interrupt::summary`] instead and
/// exits 128 + the signal. A failed write to stdout (other than a closed
/// pipe, which is success) is an error.
pub(crate) fn finish(result: Result<Status>) -> ExitCode {
    if let Some(code) = interrupt::exit_code() {
        let _ = out::flush();
        interrupt::print_summary();
        return ExitCode::from(code);
    }
    let result = result.and_then(|status| out::flush().map(|()| status));
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) => {
            let _ = std::io::stdout().flush();
            let _ = write!(std::io::stderr(), "{}", err.render());
            ExitCode::from(err.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    const ARCHITECTURE: &str = include_str!("../docs/architecture.md");

    /// build.rs links GCC's unwinder statically on Linux (ADR 0026): a
    /// panic still unwinds through frames and is caught, with a backtrace.
    #[test]
    fn panics_unwind_with_the_static_unwinder() {
        #[inline(never)]
        fn deep(n: u32) -> u32 {
            if n == 0 {
                panic!("deep enough");
            }
            deep(n - 1) + 1
        }
        let caught = std::panic::catch_unwind(|| deep(8));
        assert!(caught.is_err());
        let trace = std::backtrace::Backtrace::force_capture();
        assert_eq!(trace.status(), std::backtrace::BacktraceStatus::Captured);
    }

    fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
        let a = text
            .find(start)
            .unwrap_or_else(|| panic!("{start} in docs/architecture.md"));
        let a = a + start.len();
        let b = text[a..]
            .find(end)
            .unwrap_or_else(|| panic!("{end} in docs/architecture.md"));
        &text[a..a + b]
    }

    /// The `mod NAME;` declarations of a Rust file (inline modules such as
    /// `mod tests { … }` are part of their file).
    fn declared_modules(file: &Path) -> Vec<String> {
        let text = std::fs::read_to_string(file).unwrap();
        text.lines()
            .filter_map(|l| {
                let l = l.trim();
                let rest = l.split("mod ").nth(1)?;
                let name = rest.strip_suffix(';')?;
                (l.starts_with("mod ") || l.starts_with("pub"))
                    .then(|| name.to_string())
                    .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
            })
            .collect()
    }

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    /// The top-level modules: name → their `.rs` files.
    fn modules() -> BTreeMap<String, Vec<PathBuf>> {
        let mut out = BTreeMap::new();
        for name in declared_modules(&src().join("lib.rs")) {
            let file = src().join(format!("{name}.rs"));
            let files = if file.is_file() {
                vec![file]
            } else {
                let mut files = Vec::new();
                let mut dirs = vec![src().join(&name)];
                while let Some(d) = dirs.pop() {
                    for e in std::fs::read_dir(&d).unwrap() {
                        let p = e.unwrap().path();
                        if p.is_dir() {
                            dirs.push(p);
                        } else if p.extension().is_some_and(|x| x == "rs") {
                            files.push(p);
                        }
                    }
                }
                files
            };
            out.insert(name, files);
        }
        out
    }

    #[test]
    fn issue_14_the_module_map_matches_the_code() {
        let map = between(
            ARCHITECTURE,
            "<!-- module-map:start -->\n```\n",
            "```\n<!-- module-map:end -->",
        );
        let mut lines: BTreeMap<String, &str> = BTreeMap::new();
        for line in map.lines() {
            let path = line.split_whitespace().next().unwrap_or_default();
            assert!(
                lines.insert(path.to_string(), line).is_none(),
                "{path} has two lines in the module map"
            );
        }
        let mut expected = vec!["src/lib.rs".to_string()];
        for name in modules().keys() {
            let folder = src().join(name).is_dir();
            let path = if folder {
                format!("src/{name}/")
            } else {
                format!("src/{name}.rs")
            };
            let line = lines.get(&path).unwrap_or_else(|| {
                panic!("docs/architecture.md: the module map has no line for {path}")
            });
            if folder {
                let named = line
                    .rsplit_once('(')
                    .and_then(|(_, l)| l.strip_suffix(')'))
                    .unwrap_or_default();
                let named: Vec<&str> = named.split(", ").collect();
                for sub in declared_modules(&src().join(name).join("mod.rs")) {
                    assert!(
                        named.contains(&sub.as_str()),
                        "docs/architecture.md: the line of {path} does not name its submodule `{sub}` in its closing parentheses"
                    );
                }
            }
            expected.push(path);
        }
        let mut listed: Vec<String> = lines.keys().cloned().collect();
        listed.sort();
        expected.sort();
        assert_eq!(
            listed, expected,
            "docs/architecture.md: module map vs src/lib.rs"
        );
    }

    #[test]
    fn issue_14_no_module_calls_a_layer_below_its_own() {
        let table = between(
            ARCHITECTURE,
            "<!-- may-call:start -->\n",
            "<!-- may-call:end -->",
        );
        let mut layer_of: BTreeMap<String, usize> = BTreeMap::new();
        let mut layers: Vec<(String, Vec<String>)> = Vec::new();
        for row in table.lines().skip(2) {
            let cols: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            let [layer, mods, may] = cols[..] else {
                panic!("docs/architecture.md: a may-call row has three columns: {row}")
            };
            for m in mods.split(", ") {
                let m = m.trim_matches('`').to_string();
                assert!(
                    layer_of.insert(m.clone(), layers.len()).is_none(),
                    "`{m}` is in two layers"
                );
            }
            layers.push((
                layer.to_string(),
                may.split(", ").map(str::to_string).collect(),
            ));
        }
        let modules = modules();
        let mut in_table: Vec<&String> = layer_of.keys().collect();
        in_table.sort();
        assert_eq!(
            in_table,
            modules.keys().collect::<Vec<_>>(),
            "docs/architecture.md: the may-call table names every module once"
        );
        let mut wrong = Vec::new();
        for (name, files) in &modules {
            let (layer, may) = &layers[layer_of[name]];
            for file in files {
                let text = std::fs::read_to_string(file).unwrap();
                for (i, _) in text.match_indices("crate::") {
                    let callee: String = text[i + 7..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let Some(&target) = layer_of.get(&callee) else {
                        continue;
                    };
                    let allowed = may
                        .iter()
                        .any(|m| m == "every layer" || *m == layers[target].0);
                    let exception = name == "pathgate" && callee == "template";
                    if !allowed && !exception && &callee != name {
                        wrong.push(format!(
                            "{}: `{name}` ({layer}) calls `{callee}` ({})",
                            file.strip_prefix(src()).unwrap().display(),
                            layers[target].0
                        ));
                    }
                }
            }
        }
        wrong.sort();
        wrong.dedup();
        assert!(
            wrong.is_empty(),
            "calls the may-call table of docs/architecture.md forbids:\n{}",
            wrong.join("\n")
        );
    }
}
