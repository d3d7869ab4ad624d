//! `labforge adr …` and the `adr` executable: one clap definition for both
//! (so `labforge completions` and `labforge man` cover every `adr` command),
//! then the library is called and the results printed: paths and generated
//! text on stdout, notes on stderr. adr-tools' own texts are kept where its
//! transcripts check them: `ERROR: no title given` and `The doc/adr
//! directory does not exist` (stdout, exit 1).

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::adr::Format;
use crate::adr::create::{self, NewOptions, read_record};
use crate::adr::generate::{GraphOptions, TocOptions};
use crate::adr::lint::{self, Finding, LintOptions, Profile};
use crate::adr::parse::{self, Record};
use crate::adr::repo::{RecordFile, Repo, find_in};
use crate::adr::team::{self, LintConfig};
use crate::adr::{generate, integrity, status};
use crate::error::{Error, Result, Status};
use std::collections::HashSet;

/// adr-tools' exact message for `new` without a title.
pub(crate) const NO_TITLE: &str = "ERROR: no title given";

/// The `adr` executable's command line.
#[derive(Debug, Parser)]
#[command(
    name = "adr",
    version,
    about = "Architecture decision records: adr-tools compatible, plus MADR 4, lint, status and renumber",
    disable_help_subcommand = true,
    after_help = "Run 'adr help COMMAND' for help on a specific command."
)]
pub(crate) struct AdrCli {
    #[command(flatten)]
    pub(crate) args: AdrArgs,
}

// `labforge adr …` and `adr …`. (A plain comment: a doc comment here would
// become the subcommand's about text once clap builds it, deferred.)
#[derive(Debug, Args)]
#[command(disable_help_subcommand = true)]
pub(crate) struct AdrArgs {
    #[command(subcommand)]
    pub(crate) command: Option<AdrCommand>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
    /// Michael Nygard's layout, as adr-tools writes it
    Nygard,
    /// MADR 4.0
    Madr,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Nygard => Format::Nygard,
            FormatArg::Madr => Format::Madr,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ProfileArg {
    /// Only what is wrong in a finished log (default outside a lab)
    Team,
    /// What a learner still has to write (default inside a lab)
    Learner,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum GraphFormat {
    /// Graphviz DOT, as adr-tools writes it
    Dot,
    /// A Mermaid flowchart: one node per ADR, one arrow per link
    Mermaid,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdrCommand {
    /// Show the help of a command (or the overview)
    Help {
        /// The command
        command: Option<String>,
    },
    /// Create the ADR folder and record 1, "Record architecture decisions"
    #[command(
        long_about = "Initialises the directory of architecture decision records:

 * creates a subdirectory of the current working directory
 * creates the first ADR in that subdirectory, recording the decision to
   record architectural decisions with ADRs.

If the DIRECTORY is not given, the ADRs are stored in the directory `doc/adr`.
A DIRECTORY is remembered in `.adr-dir`. Refuses a folder that already holds records."
    )]
    Init {
        /// The layout of the records; `madr` is remembered in DIRECTORY/.adr-format
        #[arg(long, value_enum, default_value = "nygard")]
        format: FormatArg,
        /// The records folder (default: doc/adr)
        directory: Option<String>,
    },
    /// Create a new, numbered ADR
    #[command(
        long_about = "Creates a new, numbered ADR.  The TITLE_TEXT arguments are concatenated to
form the title of the new ADR.  The ADR is opened for editing in the
editor specified by the VISUAL or EDITOR environment variable (VISUAL is
preferred; EDITOR is used if VISUAL is not set).  After editing, the
file name of the ADR is output to stdout, so the command can be used in
scripts.

If the ADR directory contains a file 'templates/template.md', this is used as
the template for the new ADR.  Otherwise a default template is used: the
format named in the ADR directory's .adr-format file, else the lab's ADR
format inside a labforge lab, else MADR when every record has front
matter, else Nygard.",
        after_long_help = "E.g. to create a new ADR with the title \"Use MySQL Database\":

    adr new Use MySQL Database

E.g. to create a new ADR that supercedes ADR 12:

    adr new -s 12 Use PostgreSQL Database

E.g. to create a new ADR that supercedes ADRs 3 and 4, and amends ADR 5:

    adr new -s 3 -s 4 -l \"5:Amends:Amended by\" Use Riak CRDTs to cope with scale"
    )]
    New(NewArgs),
    /// Link two ADRs: LINK in SOURCE, REVERSE-LINK in TARGET
    #[command(after_long_help = "E.g. to create link ADR 12 to ADR 10

    adr link 12 Amends 10 \"Amended by\"")]
    Link {
        /// The record the link starts from (number or partial file name)
        source: String,
        /// The description of the link written in SOURCE
        link: String,
        /// The record linked to (number or partial file name)
        target: String,
        /// The description of the link written in TARGET
        reverse_link: String,
    },
    /// List the architecture decision records
    List,
    /// Generate a table of contents or a graph of the links
    #[command(subcommand_required = false)]
    Generate {
        #[command(subcommand)]
        report: Option<GenerateCommand>,
    },
    /// Upgrade the ADR documents to the latest format (ISO dates)
    UpgradeRepository,
    /// Print the status of ADR N, or change it
    #[command(
        long_about = "Prints the status of ADR N (every line of its status), or changes it to
STATUS.  Allowed changes: proposed -> accepted | rejected; accepted ->
deprecated | superseded.  `superseded by M` also links ADR M back to N."
    )]
    Status {
        /// The record (number or partial file name)
        n: String,
        /// The new status
        status: Option<String>,
        /// `by` (only with `superseded`)
        by: Option<String>,
        /// The superseding record
        m: Option<String>,
    },
    /// Report what is wrong (team) or still a stub (learner)
    #[command(
        long_about = "--profile team (the default outside a labforge lab) reports only what is
wrong in a finished log: a supersede without its link back, duplicate
numbers in a numbered log, TODO/TBD/TBC/XXX left in a section, an unknown
status word, a missing Context or Decision section, links to records that
do not exist.

--profile learner (the default inside a lab) reports, per record and
section, what is still a stub: prompts or placeholders left, empty
sections, too few words, fewer than two real considered options, no
\"because\" in the decision outcome, no negative consequence, no
confirmation, a status that is not allowed or missing; inside a lab, a
record that an `adr` check names is judged with that check's settings.
Without N it also checks the links between records and duplicate numbers.

.adr-lint.toml in the ADR folder turns rules off (disable = [\"RULE\"])
and allows more statuses (allow-status = [\"STATUS\"]).

Exits 1 when anything is found."
    )]
    Lint(LintArgs),
    /// Give a record a new number and rewrite every link to it
    #[command(
        long_about = "Gives RECORD (a number or file name) a new number, by default the next
free one, renames its file and rewrites every link to it.  Use it when two
branches each added a record with the same number."
    )]
    Renumber {
        /// The record (number or file name)
        record: String,
        /// The new number (default: the next free one)
        new_number: Option<u32>,
    },
    /// Write the decision log as a static site that works offline
    #[command(
        long_about = "Writes the decision log as a static site into DIR (default: adr-site):
index.html (filter by status, search, the decision graph) and one page
per record. It works from file:// with no network: CSS, JavaScript and
the search index are inside the pages, and every link is relative, so the
folder can be copied or served under any path.  The filter lives in the
address: index.html#status=superseded&q=cache.

DIR is replaced only when it is empty or a site that adr site wrote."
    )]
    Site {
        /// The folder to write (default: adr-site)
        #[arg(long, short = 'o', value_name = "DIR")]
        out: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// A previous decision (number or partial file name) the new one
    /// supercedes; its status records that it is superseded
    #[arg(short = 's', value_name = "SUPERCEDED")]
    pub(crate) supersedes: Vec<String>,
    /// TARGET:LINK:REVERSE-LINK: link the new ADR to TARGET (LINK in the
    /// new one, REVERSE-LINK in TARGET)
    #[arg(short = 'l', value_name = "TARGET:LINK:REVERSE-LINK")]
    pub(crate) links: Vec<String>,
    /// The layout of the new ADR (default: see above)
    #[arg(long, value_enum)]
    pub(crate) format: Option<FormatArg>,
    /// Write the MADR learner stub, with guiding <!-- prompt: … --> questions
    #[arg(long)]
    pub(crate) learner: bool,
    /// The title
    #[arg(value_name = "TITLE_TEXT", trailing_var_arg = true)]
    pub(crate) title: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Which findings to report (default: learner inside a lab, else team)
    #[arg(long, value_enum)]
    pub(crate) profile: Option<ProfileArg>,
    /// Print the findings as JSON
    #[arg(long)]
    pub(crate) json: bool,
    /// Allowed statuses (learner), comma-separated
    #[arg(long, value_delimiter = ',', value_name = "S,...")]
    pub(crate) status: Vec<String>,
    /// A section that must be present and filled (learner; repeatable)
    #[arg(long, value_name = "NAME")]
    pub(crate) section: Vec<String>,
    /// Fewest real words in a prose section (learner; default 5)
    #[arg(long, value_name = "N")]
    pub(crate) min_words: Option<u32>,
    /// Fewest real considered options (learner; default 2)
    #[arg(long, value_name = "N")]
    pub(crate) min_options: Option<u32>,
    /// Records to lint: a number (`1`, `0001`), a file name or a path
    /// (`docs/adr/0001-x.md`) (default: all, plus the links and numbers
    /// between them)
    #[arg(value_name = "N|FILE")]
    pub(crate) records: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum GenerateCommand {
    /// A table of contents in Markdown
    Toc {
        /// Precede the table of contents with this Markdown file
        #[arg(short = 'i', value_name = "INTRO")]
        intro: Option<String>,
        /// Follow the table of contents with this Markdown file
        #[arg(short = 'o', value_name = "OUTRO")]
        outro: Option<String>,
        /// Prefix each decision file link
        #[arg(short = 'p', value_name = "LINK_PREFIX", default_value = "")]
        prefix: String,
    },
    /// The links between records as a Graphviz (or Mermaid) graph
    #[command(
        after_long_help = "E.g. to generate a graph visualisation of decision records in SVG format:

    adr generate graph | dot -Tsvg > graph.svg"
    )]
    Graph {
        /// Prefix each decision file link
        #[arg(short = 'p', value_name = "LINK_PREFIX", default_value = "")]
        prefix: String,
        /// The file extension of the documents links refer to
        #[arg(short = 'e', value_name = "LINK-EXTENSION", default_value = ".html")]
        extension: String,
        /// dot (adr-tools) or mermaid
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
        /// Same as --format mermaid
        #[arg(long, hide = true)]
        mermaid: bool,
    },
    /// Same as `graph --format mermaid`
    #[command(hide = true)]
    Mermaid {
        #[arg(short = 'p', default_value = "")]
        prefix: String,
        #[arg(short = 'e', default_value = ".html")]
        extension: String,
    },
}

pub(crate) fn run(args: AdrArgs) -> Result<Status> {
    run_command(args.command)
}

/// The `adr` executable: parses `args` (without the program name).
pub(crate) fn run_adr_tools(args: Vec<std::ffi::OsString>) -> Result<Status> {
    let argv = std::iter::once(std::ffi::OsString::from("adr")).chain(args);
    match AdrCli::command().try_get_matches_from(argv) {
        Ok(m) => {
            let cli = AdrCli::from_arg_matches(&m).map_err(|e| Error::new(e.to_string()))?;
            run(cli.args)
        }
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    crate::out::print(&e.render().to_string())?;
                    Ok(Status::Success)
                }
                ErrorKind::InvalidSubcommand => {
                    let what = e
                        .get(clap::error::ContextKind::InvalidSubcommand)
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    Err(Error::new(format!("unknown command `{what}`"))
                        .with_status(Status::No)
                        .with_help("run `adr help` to see the commands"))
                }
                _ => {
                    let _ = e.print();
                    Ok(Status::Failure)
                }
            }
        }
    }
}

/// The `adr` command (`labforge adr` is the same command under labforge).
pub(crate) fn adr_command() -> clap::Command {
    AdrCli::command()
}

fn run_command(command: Option<AdrCommand>) -> Result<Status> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::io("read the current folder", &PathBuf::from("."), e))?;
    let locate = || Repo::locate(&cwd).map(Repo::relative_to_process);
    let Some(command) = command else {
        // adr-tools: `adr` alone shows the overview and fails.
        crate::out::print(&AdrCli::command().render_help().to_string())?;
        return Ok(Status::No);
    };
    match command {
        AdrCommand::Help { command } => {
            // The same text as `adr COMMAND --help`.
            let known = command
                .as_deref()
                .filter(|c| AdrCli::command().find_subcommand(c).is_some());
            let text = match known {
                Some(c) => match AdrCli::command().try_get_matches_from(["adr", c, "--help"]) {
                    Err(e) => e.render().to_string(),
                    Ok(_) => String::new(),
                },
                // adr-tools shows the overview for a command it does not know.
                None => AdrCli::command().render_help().to_string(),
            };
            crate::out::print(&text)?;
        }
        AdrCommand::Generate { report: None } => crate::out::print("toc\ngraph\n")?,
        AdrCommand::Init { format, directory } => {
            let path = create::init(&cwd, directory.as_deref(), format.into())?;
            crate::out::print(&format!("{}\n", path.display()))?;
        }
        AdrCommand::New(a) => {
            let opts = NewOptions {
                title: a.title.join(" "),
                supersedes: a.supersedes,
                links: a.links,
                format: a.format.map(Format::from),
                learner: a.learner,
            };
            if opts.title.trim().is_empty() {
                // adr-tools' text exactly, and nothing after it.
                crate::out::print(&format!("{NO_TITLE}\n"))?;
                return Ok(Status::No);
            }
            let repo = locate()?;
            let path = create::new_record(&repo, &opts)?;
            create::edit(&cwd, &path)?;
            crate::out::print(&format!("{}\n", path.display()))?;
        }
        AdrCommand::Link {
            source,
            link,
            target,
            reverse_link,
        } => {
            create::link(&locate()?, &source, &link, &target, &reverse_link)?;
        }
        AdrCommand::List => {
            let repo = locate()?;
            if !repo.exists() {
                crate::out::print(&format!(
                    "The {} directory does not exist\n",
                    repo.dir.display()
                ))?;
                return Ok(Status::No);
            }
            let mut s = String::new();
            for r in repo.records()? {
                s.push_str(&r.path.to_string_lossy());
                s.push('\n');
            }
            crate::out::print(&s)?;
        }
        AdrCommand::Generate {
            report:
                Some(GenerateCommand::Toc {
                    intro,
                    outro,
                    prefix,
                }),
        } => {
            let opts = TocOptions {
                intro,
                outro,
                prefix,
            };
            crate::out::print(&generate::toc(&locate()?, &opts)?)?
        }
        AdrCommand::Generate {
            report: Some(report),
        } => {
            let (opts, mermaid) = match report {
                GenerateCommand::Graph {
                    prefix,
                    extension,
                    format,
                    mermaid,
                } => (
                    GraphOptions { prefix, extension },
                    mermaid || matches!(format, GraphFormat::Mermaid),
                ),
                GenerateCommand::Mermaid { prefix, extension } => {
                    (GraphOptions { prefix, extension }, true)
                }
                GenerateCommand::Toc { .. } => unreachable!("handled above"),
            };
            let repo = locate()?;
            let text = if mermaid {
                generate::mermaid(&repo, &opts)?
            } else {
                generate::graph(&repo, &opts)?
            };
            crate::out::print(&text)?;
        }
        AdrCommand::UpgradeRepository => status::upgrade(&locate()?)?,
        AdrCommand::Status {
            n, status: None, ..
        } => {
            let s = status::get(&locate()?, &n)?;
            crate::out::print(&format!("{s}\n"))?;
        }
        AdrCommand::Status {
            n,
            status: Some(new),
            by,
            m,
        } => {
            let by = match (by.as_deref(), m) {
                (None, None) => None,
                (Some("by"), Some(m)) => Some(m),
                _ => {
                    return Err(
                        Error::new("`adr status` takes N [STATUS [by M]]").with_help(
                            "e.g. `adr status 3 accepted` or `adr status 3 superseded by 7`",
                        ),
                    );
                }
            };
            let path = status::set(&locate()?, &n, &new, by.as_deref())?;
            crate::eoutln!("{}: status is now {}", path.display(), new.to_lowercase());
        }
        AdrCommand::Lint(a) => {
            let mut opts = LintOptions::default();
            if !a.status.is_empty() {
                opts.status = a.status.iter().map(|s| s.trim().to_lowercase()).collect();
            }
            opts.sections = a.section;
            if a.min_words.is_some() {
                opts.min_words = a.min_words;
            }
            if a.min_options.is_some() {
                opts.min_options = a.min_options;
            }
            let profile = a.profile.map(|p| match p {
                ProfileArg::Team => Profile::Team,
                ProfileArg::Learner => Profile::Learner,
            });
            return run_lint(&locate()?, &a.records, a.json, &opts, profile);
        }
        AdrCommand::Site { out: dir } => {
            let repo = locate()?;
            if !repo.exists() {
                return Err(crate::adr::repo::missing_dir(&repo.dir));
            }
            let dir = PathBuf::from(dir.as_deref().unwrap_or(crate::adr::site::DEFAULT_OUT));
            let built = crate::adr::site::build(&repo, &dir)?;
            crate::out::print(&format!("{}\n", built.out.join("index.html").display()))?;
            crate::eoutln!(
                "adr site: {} record(s) written to {}; open {} in a browser",
                built.records,
                built.out.display(),
                built.out.join("index.html").display()
            );
        }
        AdrCommand::Renumber { record, new_number } => {
            let path = status::renumber(&locate()?, &record, new_number)?;
            crate::out::print(&format!("{}\n", path.display()))?;
        }
    }
    Ok(Status::Success)
}

/// `adr lint`: every record (plus links and numbers across records) or the
/// named ones, in the learner or the team profile. Exit 1 when anything is
/// found.
fn run_lint(
    repo: &Repo,
    refs: &[String],
    json: bool,
    opts: &LintOptions,
    profile: Option<Profile>,
) -> Result<Status> {
    let profile = profile.unwrap_or(if repo.lab.is_some() {
        Profile::Learner
    } else {
        Profile::Team
    });
    let all = repo.records_or_missing()?;
    let cfg = LintConfig::load(&repo.abs(&repo.dir), &repo.dir)?;
    let chosen: Vec<RecordFile> = if refs.is_empty() {
        all.clone()
    } else {
        refs.iter()
            .map(|r| find_in(&all, r, &repo.dir))
            .collect::<Result<_>>()?
    };
    let is_chosen = |r: &RecordFile| refs.is_empty() || chosen.iter().any(|c| c.path == r.path);
    let mut findings: Vec<Finding> = Vec::new();
    let mut texts: Vec<(RecordFile, Option<String>)> = Vec::new();
    for r in &all {
        match read_record(repo, r) {
            Ok(text) => texts.push((r.clone(), Some(text))),
            Err(e) => {
                if is_chosen(r) {
                    findings.push(Finding {
                        file: r.path.clone(),
                        section: None,
                        code: "unreadable",
                        message: e.message.clone(),
                        hint: e
                            .help
                            .clone()
                            .unwrap_or_else(|| "make the file a readable UTF-8 text file".into()),
                        line: None,
                    });
                }
                texts.push((r.clone(), None));
            }
        }
    }
    let records = texts.iter().filter(|(r, _)| is_chosen(r)).count();
    match profile {
        Profile::Learner => {
            for (r, text) in &texts {
                let Some(text) = text.as_ref().filter(|_| is_chosen(r)) else {
                    continue;
                };
                // Inside a lab, a record an `adr` check names is linted
                // with that check's options, so both agree.
                let lab_opts = repo.lab.as_ref().and_then(|l| {
                    l.checks
                        .iter()
                        .find(|(name, _)| *name == r.file_name)
                        .map(|(_, o)| o)
                });
                let mut o = match lab_opts {
                    Some(lo) if *opts == LintOptions::default() => lo.clone(),
                    _ => opts.clone(),
                };
                o.status
                    .extend(cfg.allow_status.iter().map(|s| s.to_lowercase()));
                findings.extend(lint::lint_text(text, &r.path, &o));
            }
            if refs.is_empty() {
                findings.append(&mut integrity::check(&texts));
            }
        }
        Profile::Team => {
            let parsed: Vec<(PathBuf, Record)> = texts
                .iter()
                .filter_map(|(r, t)| {
                    Some((r.path.clone(), parse::parse(&r.file_name, t.as_ref()?)))
                })
                .collect();
            let entries: Vec<team::Entry<'_>> = parsed
                .iter()
                .map(|(p, rec)| team::Entry {
                    path: p,
                    record: rec,
                })
                .collect();
            let only: Option<HashSet<PathBuf>> =
                (!refs.is_empty()).then(|| chosen.iter().map(|c| c.path.clone()).collect());
            findings.extend(team::lint(&entries, &cfg, only.as_ref()));
        }
    }
    findings.retain(|f| cfg.enabled(f.code));
    findings.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then(a.line.unwrap_or(0).cmp(&b.line.unwrap_or(0)))
    });
    if json {
        let text = serde_json::to_string_pretty(&findings)
            .map_err(|e| Error::new(format!("could not write JSON: {e}")))?;
        crate::out::print(&format!("{text}\n"))?;
    } else {
        let mut s = String::new();
        for f in &findings {
            let at = match f.line {
                Some(l) => format!("{}:{l}", f.file.display()),
                None => f.file.display().to_string(),
            };
            s.push_str(&format!(
                "{at}: {}: {}\n  hint: {}\n",
                f.code, f.message, f.hint
            ));
        }
        crate::out::print(&s)?;
    }
    let with: std::collections::BTreeSet<_> = findings.iter().map(|f| &f.file).collect();
    if findings.is_empty() {
        crate::eoutln!("adr lint: {records} record(s), no findings");
        Ok(Status::Success)
    } else {
        crate::eoutln!(
            "adr lint: {} finding(s) in {} of {records} record(s)",
            findings.len(),
            with.len()
        );
        Ok(Status::No)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `_adr_autocomplete` completes exactly the visible commands.
    #[test]
    fn completion_list_matches_the_command_line() {
        let mut names: Vec<String> = AdrCli::command()
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .map(|c| c.get_name().to_string())
            .collect();
        names.sort();
        assert_eq!(names, crate::adr::complete::COMMANDS);
        AdrCli::command().debug_assert();
    }
}
