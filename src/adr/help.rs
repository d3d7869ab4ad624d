//! The texts of `adr help` and `adr help COMMAND` (adr-tools' own wording
//! for the commands adr-tools has).

/// The commands, in the order `adr help` lists them.
pub const COMMANDS: &[&str] = &[
    "generate",
    "help",
    "init",
    "link",
    "lint",
    "list",
    "new",
    "renumber",
    "status",
    "upgrade-repository",
];

pub fn help_overview() -> String {
    let mut s = String::from("usage: adr help COMMAND [ARG] ...\nCOMMAND is one of: \n");
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
       adr generate graph [-p LINK_PREFIX] [-e LINK-EXTENSION] [--format dot|mermaid]

toc: generates a table of contents in Markdown format to stdout.

-i INTRO  precede the table of contents with the given INTRO text.
-o OUTRO  follow the table of contents with the given OUTRO text.
-p LINK_PREFIX
          prefix each decision file link with LINK_PREFIX.

Both INTRO and OUTRO must be in Markdown format (files).

graph: generates a visualisation of the links between decision records in
Graphviz format.  This can be piped into the graphviz tools to generate an
image file.  With --format mermaid the links are a Mermaid flowchart
(one node per ADR, one arrow per link), which GitHub renders inside
Markdown.

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

const HELP_LINT: &str = "usage: adr lint [--profile team|learner] [--json] [--status S,...] [--section NAME]... [--min-words N] [--min-options N] [N...]

--profile team (the default outside a labforge lab) reports only what is
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

Exits 1 when anything is found.  --json prints the findings as JSON.
";

const HELP_RENUMBER: &str = "usage: adr renumber RECORD [NEW-NUMBER]

Gives RECORD (a number or file name) a new number, by default the next
free one, renames its file and rewrites every link to it.  Use it when two
branches each added a record with the same number.
";
