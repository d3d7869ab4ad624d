//! adr-tools style argument parsing: `adr COMMAND [OPTIONS] ARGS…`, options
//! getopts-style (before the first operand, `--` ends them, `-s12` and
//! `-s 12` both work), plus labforge's long options. Turns raw arguments
//! into an [`AdrCommand`]; the help texts live here too.

use crate::error::{Error, Result, Status};

use super::Format;
use super::create::NewOptions;
use super::generate::{GraphOptions, TocOptions};
use super::lint::LintOptions;

#[derive(Debug, Clone)]
pub enum AdrCommand {
    Help(Option<String>),
    Init { dir: Option<String>, format: Format },
    New(NewOptions),
    Link { source: String, forward: String, target: String, reverse: String },
    List,
    Toc(TocOptions),
    Graph { opts: GraphOptions, mermaid: bool },
    Upgrade,
    Status { reference: String, new: Option<String>, by: Option<String> },
    Lint { refs: Vec<String>, json: bool, opts: LintOptions },
    Renumber { reference: String, new: Option<u32> },
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
    let usage = help_text(cmd).and_then(|h| h.lines().next()).unwrap_or("usage: adr help");
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
        Error::new(format!("unknown ADR format `{v}`")).with_help("use `--format nygard` (adr-tools) or `--format madr` (MADR 4.0)")
    })
}

fn operands<const N: usize>(cmd: &str, rest: &[String], names: [&str; N]) -> Result<[String; N]> {
    if rest.len() != N {
        return Err(usage_error(cmd, format!("`adr {cmd}` takes {} ({} given)", names.join(" "), rest.len())));
    }
    Ok(std::array::from_fn(|i| rest[i].clone()))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<AdrCommand> {
    let Some((cmd, rest)) = args.split_first() else {
        return Ok(AdrCommand::Help(None));
    };
    let rest = rest.to_vec();
    Ok(match cmd.as_str() {
        "help" | "--help" | "-h" => AdrCommand::Help(rest.first().cloned()),
        "init" => {
            let (opts, rest) = getopts("init", &rest, "", &["format="])?;
            let mut format = Format::Nygard;
            for (_, v) in opts {
                format = format_value(v.as_deref().unwrap_or(""))?;
            }
            if rest.len() > 1 {
                return Err(usage_error("init", "`adr init` takes at most one DIRECTORY".into()));
            }
            AdrCommand::Init { dir: rest.first().cloned(), format }
        }
        "new" => {
            let (opts, rest) = getopts("new", &rest, "s:l:", &["format=", "learner"])?;
            let mut o = NewOptions { title: rest.join(" "), ..Default::default() };
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
            let [source, forward, target, reverse] = operands("link", &rest, ["SOURCE", "LINK", "TARGET", "REVERSE-LINK"])?;
            AdrCommand::Link { source, forward, target, reverse }
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
                _ => return Err(usage_error("status", "`adr status` takes N [STATUS [by M]]".into())),
            };
            AdrCommand::Status { reference, new, by }
        }
        "lint" => {
            let (opts, refs) = getopts("lint", &rest, "", &["json", "status=", "min-words=", "min-options=", "section="])?;
            let mut lo = LintOptions::default();
            let mut json = false;
            let mut statuses = Vec::new();
            for (k, v) in opts {
                let v = v.unwrap_or_default();
                match k.as_str() {
                    "json" => json = true,
                    "status" => statuses.extend(v.split(',').map(|s| s.trim().to_lowercase())),
                    "section" => lo.sections.push(v),
                    "min-words" => lo.min_words = Some(number("lint", "--min-words", &v)?),
                    _ => lo.min_options = Some(number("lint", "--min-options", &v)?),
                }
            }
            if !statuses.is_empty() {
                lo.status = statuses;
            }
            AdrCommand::Lint { refs, json, opts: lo }
        }
        "renumber" => match rest.as_slice() {
            [r] => AdrCommand::Renumber { reference: r.clone(), new: None },
            [r, n] => AdrCommand::Renumber { reference: r.clone(), new: Some(number("renumber", "NEW", n)?) },
            _ => return Err(usage_error("renumber", "`adr renumber` takes RECORD [NEW-NUMBER]".into())),
        },
        other => {
            return Err(Error::new(format!("unknown command `{other}`"))
                .with_status(Status::No)
                .with_help("run `adr help` to see the commands"));
        }
    })
}

fn number(cmd: &str, what: &str, v: &str) -> Result<u32> {
    v.parse().map_err(|_| usage_error(cmd, format!("{what} must be a whole number, not `{v}`")))
}

fn parse_generate(rest: &[String]) -> Result<AdrCommand> {
    let Some((what, rest)) = rest.split_first() else {
        return Err(usage_error("generate", "`adr generate` needs what to generate: toc, graph or mermaid".into()));
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
            let (opts, rest) = getopts("generate", rest, "p:e:", &["mermaid"])?;
            operands("generate", &rest, [])?;
            let mut g = GraphOptions::default();
            let mut mermaid = what == "mermaid";
            for (k, v) in opts {
                let v = v.unwrap_or_default();
                match k.as_str() {
                    "p" => g.prefix = v,
                    "e" => g.extension = v,
                    _ => mermaid = true,
                }
            }
            Ok(AdrCommand::Graph { opts: g, mermaid })
        }
        other => Err(usage_error("generate", format!("cannot generate `{other}`: choose toc, graph or mermaid"))),
    }
}

/// The commands, in the order `adr help` lists them.
pub const COMMANDS: &[&str] =
    &["generate", "help", "init", "link", "lint", "list", "new", "renumber", "status", "upgrade-repository"];

pub fn help_overview() -> String {
    let mut s = String::from("usage: adr COMMAND [ARG] ...\nCOMMAND is one of: \n");
    for c in COMMANDS {
        s.push_str(&format!("  {c}\n"));
    }
    s.push_str("Run 'adr help COMMAND' for help on a specific command.\n");
    s
}

/// Help for one command (adr-tools' text where adr-tools has the command).
pub fn help_text(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "help" => HELP_HELP,
        "init" => HELP_INIT,
        "new" => HELP_NEW,
        "link" => HELP_LINK,
        "list" => HELP_LIST,
        "generate" => HELP_GENERATE,
        "upgrade-repository" => HELP_UPGRADE,
        "status" => HELP_STATUS,
        "lint" => HELP_LINT,
        "renumber" => HELP_RENUMBER,
        _ => return None,
    })
}

const HELP_HELP: &str = "usage: adr help [COMMAND]

If COMMAND is given, displays help for that command. Otherwise lists
the available commands.
";

const HELP_INIT: &str = "usage: adr init [--format nygard|madr] [DIRECTORY]

Initialises the directory of architecture decision records:

 * creates a subdirectory of the current working directory
 * creates the first ADR in that subdirectory, recording the decision to
   record architectural decisions with ADRs.

If the DIRECTORY is not given, the ADRs are stored in the directory `doc/adr`.

--format madr writes MADR 4.0 records and records the choice in
DIRECTORY/.adr-format, so later `adr new` commands use it too.
";

const HELP_NEW: &str = "usage: adr new [-s SUPERCEDED] [-l TARGET:LINK:REVERSE-LINK] [--format nygard|madr] [--learner] TITLE_TEXT...

Creates a new, numbered ADR.  The TITLE_TEXT arguments are concatenated to
form the title of the new ADR.  The ADR is opened for editing in the
editor specified by the VISUAL or EDITOR environment variable (VISUAL is
preferred; EDITOR is used if VISUAL is not set).  After editing, the
file name of the ADR is output to stdout, so the command can be used in
scripts.

If the ADR directory contains a file 'templates/template.md', this is used as
the template for the new ADR.  Otherwise a default template is used.

Options:

-s SUPERCEDED   A reference (number or partial filename) of a previous
                decision that the new decision supercedes. A Markdown link
                to the superceded ADR is inserted into the Status section.
                The status of the superceded ADR is changed to record that
                it has been superceded by the new ADR.

-l TARGET:LINK:REVERSE-LINK
                Links the new ADR to a previous ADR.
                TARGET is a reference (number or partial filename) of a
                previous decision.
                LINK is the description of the link created in the new ADR.
                REVERSE-LINK is the description of the link created in the
                existing ADR that will refer to the new ADR.

--format nygard|madr
                The layout of the new ADR; by default the one named in the
                ADR directory's .adr-format file, else nygard.

--learner       Writes the MADR learner stub: MADR headings with guiding
                questions as <!-- prompt: ... --> comments, which
                `adr lint` reports until they are answered.

Multiple -s and -l options can be given, so that the new ADR can supercede
or link to multiple existing ADRs.

E.g. to create a new ADR with the title \"Use MySQL Database\":

    adr new Use MySQL Database

E.g. to create a new ADR that supercedes ADR 12:

    adr new -s 12 Use PostgreSQL Database

E.g. to create a new ADR that supercedes ADRs 3 and 4, and amends ADR 5:

    adr new -s 3 -s 4 -l \"5:Amends:Amended by\" Use Riak CRDTs to cope with scale
";

const HELP_LINK: &str = "usage: adr link SOURCE LINK TARGET REVERSE-LINK

Creates a link between two ADRs, from SOURCE to TARGET new.
SOURCE and TARGET are both a reference (number or partial filename) to an ADR
LINK is the description of the link created in the SOURCE.
REVERSE-LINK is the description of the link created in the TARGET

E.g. to create link ADR 12 to ADR 10

    adr link 12 Amends 10 \"Amended by\"
";

const HELP_LIST: &str = "usage: adr list

Lists the architecture decision records
";

const HELP_GENERATE: &str = "usage: adr generate toc [-i INTRO] [-o OUTRO] [-p LINK_PREFIX]
       adr generate graph [-p LINK_PREFIX] [-e LINK-EXTENSION] [--mermaid]
       adr generate mermaid [-p LINK_PREFIX] [-e LINK-EXTENSION]

toc: generates a table of contents in Markdown format to stdout.

-i INTRO  precede the table of contents with the given INTRO text.
-o OUTRO  follow the table of contents with the given OUTRO text.
-p LINK_PREFIX
          prefix each decision file link with LINK_PREFIX.

Both INTRO and OUTRO must be in Markdown format (files).

graph: generates a visualisation of the links between decision records in
Graphviz format.  This can be piped into the graphviz tools to generate an
image file.  With --mermaid (or `generate mermaid`) the same graph is a
Mermaid flowchart, which GitHub renders inside Markdown.

-e LINK-EXTENSION
        the file extension of the documents to which generated links refer.
        Defaults to `.html`.
-p LINK_PREFIX
        prefix each decision file link with LINK_PREFIX.

E.g. to generate a graph visualisation of decision records in SVG format:

    adr generate graph | dot -Tsvg > graph.svg
";

const HELP_UPGRADE: &str = "usage: adr upgrade-repository

Upgrades the ADR documents to the latest format.
";

const HELP_STATUS: &str = "usage: adr status N [STATUS [by M]]

Prints the status of ADR N, or changes it to STATUS.  Allowed changes:
proposed -> accepted | rejected; accepted -> deprecated | superseded.
`superseded by M` also links ADR M back to N.
";

const HELP_LINT: &str = "usage: adr lint [--json] [--status S,...] [--section NAME]... [--min-words N] [--min-options N] [N...]

Reports, per record and section, what is still a stub: prompts or
placeholders left, empty sections, too few words, fewer than two real
considered options, no \"because\" in the decision outcome, no negative
consequence, no confirmation, a status that is not allowed or missing.
Without N, lints every record and also checks the links between records
(targets exist, links are reciprocal) and duplicate numbers.

Exits 1 when anything is found.  --json prints the findings as JSON.
";

const HELP_RENUMBER: &str = "usage: adr renumber RECORD [NEW-NUMBER]

Gives RECORD (a number or file name) a new number, by default the next
free one, renames its file and rewrites every link to it.  Use it when two
branches each added a record with the same number.
";
