//! adr-tools style argument parsing: `adr COMMAND [OPTIONS] ARGS…`, options
//! getopts-style (before the first operand, `--` ends them, `-s12` and
//! `-s 12` both work), plus labforge's long options. Turns raw arguments
//! into an [`AdrCommand`]; the help texts live here too.

use crate::error::{Error, Result, Status};

use super::Format;
use super::create::NewOptions;
use super::generate::{GraphOptions, TocOptions};
use super::help::{self, help_text};
use super::lint::{LintOptions, Profile};

#[derive(Debug, Clone)]
pub enum AdrCommand {
    Help(Option<String>),
    Init {
        dir: Option<String>,
        format: Format,
    },
    New(NewOptions),
    Link {
        source: String,
        forward: String,
        target: String,
        reverse: String,
    },
    List,
    Toc(TocOptions),
    Graph {
        opts: GraphOptions,
        mermaid: bool,
    },
    /// `adr generate` alone: the report types.
    Generators,
    Upgrade,
    Status {
        reference: String,
        new: Option<String>,
        by: Option<String>,
    },
    Lint {
        refs: Vec<String>,
        json: bool,
        opts: LintOptions,
        /// `--profile`; `None`: learner inside a lab, team elsewhere.
        profile: Option<Profile>,
    },
    Renumber {
        reference: String,
        new: Option<u32>,
    },
}

/// The exact adr-tools message for `new` without a title.
pub const NO_TITLE: &str = "ERROR: no title given";

/// Options found before the operands: (name, value).
type Opts = Vec<(String, Option<String>)>;

/// getopts: `short` lists option letters, with `:` after those taking a
/// value; `long` lists long names, with `=` after those taking a value.
fn getopts(cmd: &str, args: &[String], short: &str, long: &[&str]) -> Result<(Opts, Vec<String>)> {
    let mut opts = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if let Some(name) = a.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            let Some(spec) = long.iter().find(|l| l.trim_end_matches('=') == name) else {
                return Err(bad_option(cmd, a));
            };
            let value = if spec.ends_with('=') {
                match inline {
                    Some(v) => Some(v),
                    None => {
                        i += 1;
                        Some(args.get(i).cloned().ok_or_else(|| missing_value(cmd, a))?)
                    }
                }
            } else {
                None
            };
            opts.push((name.to_string(), value));
            i += 1;
            continue;
        }
        if a.len() < 2 || !a.starts_with('-') {
            break;
        }
        let letter = a[1..].chars().next().unwrap_or('-');
        let Some(pos) = short.find(letter) else {
            return Err(bad_option(cmd, a));
        };
        if short[pos + letter.len_utf8()..].starts_with(':') {
            let rest = &a[1 + letter.len_utf8()..];
            let value = if rest.is_empty() {
                i += 1;
                args.get(i).cloned().ok_or_else(|| missing_value(cmd, a))?
            } else {
                rest.to_string()
            };
            opts.push((letter.to_string(), Some(value)));
        } else {
            opts.push((letter.to_string(), None));
        }
        i += 1;
    }
    Ok((opts, args[i..].to_vec()))
}

fn usage_error(cmd: &str, message: String) -> Error {
    let usage = help_text(cmd)
        .and_then(|h| h.lines().next())
        .unwrap_or("usage: adr help");
    Error::new(message).with_help(format!("{usage} (see `adr help {cmd}`)"))
}

fn bad_option(cmd: &str, a: &str) -> Error {
    usage_error(cmd, format!("unknown option `{a}` for `adr {cmd}`"))
}

fn missing_value(cmd: &str, a: &str) -> Error {
    usage_error(cmd, format!("option `{a}` of `adr {cmd}` needs a value"))
}

fn format_value(v: &str) -> Result<Format> {
    Format::parse(v).ok_or_else(|| {
        Error::new(format!("unknown ADR format `{v}`"))
            .with_help("use `--format nygard` (adr-tools) or `--format madr` (MADR 4.0)")
    })
}

fn operands<const N: usize>(cmd: &str, rest: &[String], names: [&str; N]) -> Result<[String; N]> {
    if rest.len() != N {
        return Err(usage_error(
            cmd,
            format!(
                "`adr {cmd}` takes {} ({} given)",
                names.join(" "),
                rest.len()
            ),
        ));
    }
    Ok(std::array::from_fn(|i| rest[i].clone()))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<AdrCommand> {
    let Some((cmd, rest)) = args.split_first() else {
        return Ok(AdrCommand::Help(None));
    };
    let rest = rest.to_vec();
    // `adr COMMAND --help` / `-h` (before the operands; `--` ends options).
    let skip = usize::from(cmd == "generate" && rest.first().is_some_and(|w| !w.starts_with('-')));
    if help::COMMANDS.contains(&cmd.as_str())
        && rest
            .iter()
            .skip(skip)
            .take_while(|a| a.as_str() != "--")
            .take_while(|a| a.starts_with('-'))
            .any(|a| a == "--help" || a == "-h")
    {
        return Ok(AdrCommand::Help(Some(cmd.clone())));
    }
    Ok(match cmd.as_str() {
        "help" | "--help" | "-h" => AdrCommand::Help(rest.first().cloned()),
        "init" => {
            let (opts, rest) = getopts("init", &rest, "", &["format="])?;
            let mut format = Format::Nygard;
            for (_, v) in opts {
                format = format_value(v.as_deref().unwrap_or(""))?;
            }
            if rest.len() > 1 {
                return Err(usage_error(
                    "init",
                    "`adr init` takes at most one DIRECTORY".into(),
                ));
            }
            AdrCommand::Init {
                dir: rest.first().cloned(),
                format,
            }
        }
        "new" => {
            let (opts, rest) = getopts("new", &rest, "s:l:", &["format=", "learner"])?;
            let mut o = NewOptions {
                title: rest.join(" "),
                ..Default::default()
            };
            for (k, v) in opts {
                let v = v.unwrap_or_default();
                match k.as_str() {
                    "s" => o.supersedes.push(v),
                    "l" => o.links.push(v),
                    "learner" => o.learner = true,
                    _ => o.format = Some(format_value(&v)?),
                }
            }
            AdrCommand::New(o)
        }
        "link" => {
            let [source, forward, target, reverse] =
                operands("link", &rest, ["SOURCE", "LINK", "TARGET", "REVERSE-LINK"])?;
            AdrCommand::Link {
                source,
                forward,
                target,
                reverse,
            }
        }
        "list" => {
            operands("list", &rest, [])?;
            AdrCommand::List
        }
        "generate" => parse_generate(&rest)?,
        "upgrade-repository" => {
            operands("upgrade-repository", &rest, [])?;
            AdrCommand::Upgrade
        }
        "status" => {
            let (reference, new, by) = match rest.as_slice() {
                [r] => (r.clone(), None, None),
                [r, s] => (r.clone(), Some(s.clone()), None),
                [r, s, by, m] if by == "by" => (r.clone(), Some(s.clone()), Some(m.clone())),
                _ => {
                    return Err(usage_error(
                        "status",
                        "`adr status` takes N [STATUS [by M]]".into(),
                    ));
                }
            };
            AdrCommand::Status { reference, new, by }
        }
        "lint" => {
            let (opts, refs) = getopts(
                "lint",
                &rest,
                "",
                &["json", "status=", "min-words=", "min-options=", "section=", "profile="],
            )?;
            let mut lo = LintOptions::default();
            let mut json = false;
            let mut profile = None;
            let mut statuses = Vec::new();
            for (k, v) in opts {
                let v = v.unwrap_or_default();
                match k.as_str() {
                    "json" => json = true,
                    "profile" => {
                        profile = Some(Profile::parse(&v).ok_or_else(|| {
                            usage_error("lint", format!("unknown profile `{v}`: choose `team` or `learner`"))
                        })?)
                    }
                    "status" => statuses.extend(v.split(',').map(|s| s.trim().to_lowercase())),
                    "section" => lo.sections.push(v),
                    "min-words" => lo.min_words = Some(number("lint", "--min-words", &v)?),
                    _ => lo.min_options = Some(number("lint", "--min-options", &v)?),
                }
            }
            if !statuses.is_empty() {
                lo.status = statuses;
            }
            AdrCommand::Lint {
                refs,
                json,
                opts: lo,
                profile,
            }
        }
        "renumber" => match rest.as_slice() {
            [r] => AdrCommand::Renumber {
                reference: r.clone(),
                new: None,
            },
            [r, n] => AdrCommand::Renumber {
                reference: r.clone(),
                new: Some(number("renumber", "NEW", n)?),
            },
            _ => {
                return Err(usage_error(
                    "renumber",
                    "`adr renumber` takes RECORD [NEW-NUMBER]".into(),
                ));
            }
        },
        other => {
            return Err(Error::new(format!("unknown command `{other}`"))
                .with_status(Status::No)
                .with_help("run `adr help` to see the commands"));
        }
    })
}

fn number(cmd: &str, what: &str, v: &str) -> Result<u32> {
    v.parse()
        .map_err(|_| usage_error(cmd, format!("{what} must be a whole number, not `{v}`")))
}

fn parse_generate(rest: &[String]) -> Result<AdrCommand> {
    let Some((what, rest)) = rest.split_first() else {
        // adr-tools lists the report types.
        return Ok(AdrCommand::Generators);
    };
    match what.as_str() {
        "toc" => {
            let (opts, rest) = getopts("generate", rest, "i:o:p:", &[])?;
            operands("generate", &rest, [])?;
            let mut t = TocOptions::default();
            for (k, v) in opts {
                let v = v.unwrap_or_default();
                match k.as_str() {
                    "i" => t.intro = Some(v),
                    "o" => t.outro = Some(v),
                    _ => t.prefix = v,
                }
            }
            Ok(AdrCommand::Toc(t))
        }
        "graph" | "mermaid" => {
            let (opts, rest) = getopts("generate", rest, "p:e:", &["mermaid", "format="])?;
            operands("generate", &rest, [])?;
            let mut g = GraphOptions::default();
            let mut mermaid = what == "mermaid";
            for (k, v) in opts {
                let v = v.unwrap_or_default();
                match k.as_str() {
                    "p" => g.prefix = v,
                    "e" => g.extension = v,
                    "format" => {
                        mermaid = match v.as_str() {
                            "mermaid" => true,
                            "dot" => false,
                            _ => {
                                return Err(usage_error(
                                    "generate",
                                    format!("unknown graph format `{v}`: choose `dot` or `mermaid`"),
                                ));
                            }
                        }
                    }
                    _ => mermaid = true,
                }
            }
            Ok(AdrCommand::Graph { opts: g, mermaid })
        }
        other => Err(usage_error(
            "generate",
            format!("cannot generate `{other}`: choose toc, graph or mermaid"),
        )),
    }
}
