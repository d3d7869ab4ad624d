//! `_adr_autocomplete`: the helper adr-tools' shell completion calls, as
//! adr-tools documents it: `_adr_autocomplete adr [WORD [SUBWORD]]` prints,
//! on one line separated by spaces, the commands that start with WORD; once
//! WORD is a whole command that has sub-commands (`generate`), the
//! sub-commands that start with SUBWORD. A word that matches nothing prints
//! an empty line.

/// The commands of `adr`, sorted (a unit test in `commands::adr` keeps
/// this list equal to the command line's).
pub(crate) const COMMANDS: &[&str] = &[
    "generate",
    "help",
    "init",
    "link",
    "lint",
    "list",
    "new",
    "renumber",
    "site",
    "status",
    "upgrade-repository",
];

/// The sub-commands of a command, as completed (`generate mermaid` is an
/// alias of `generate graph --format mermaid`, so it is not offered).
fn subcommands(cmd: &str) -> &'static [&'static str] {
    match cmd {
        "generate" => &["graph", "toc"],
        _ => &[],
    }
}

/// The completion line for `args` (the words after the helper's name:
/// `adr`, then what the user typed), or `None` when nothing is printed.
pub(crate) fn complete(args: &[String]) -> Option<String> {
    let word = args.get(1).map(String::as_str).unwrap_or("");
    if args.len() <= 2 {
        let mut hits: Vec<&str> = COMMANDS
            .iter()
            .copied()
            .filter(|c| c.starts_with(word))
            .collect();
        hits.sort_unstable();
        if hits.first().copied() != Some(word) {
            return Some(hits.join(" "));
        }
    }
    let sub = args.get(2).map(String::as_str).unwrap_or("");
    let subs = subcommands(word);
    if !subs.is_empty() {
        let hits: Vec<&str> = subs
            .iter()
            .copied()
            .filter(|s| s.starts_with(sub))
            .collect();
        if hits.first().copied() != Some(sub) {
            return Some(hits.join(" "));
        }
    }
    None
}

/// The `_adr_autocomplete` executable.
pub fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(line) = complete(&args) {
        // A shell that stopped reading is fine; another write error is not.
        if crate::outln!("{line}")
            .and_then(|()| crate::out::flush())
            .is_err()
        {
            return std::process::ExitCode::from(2);
        }
    }
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::complete;

    fn c(words: &[&str]) -> Option<String> {
        complete(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn commands_then_subcommands() {
        assert_eq!(c(&["adr", "li"]).as_deref(), Some("link lint list"));
        assert_eq!(c(&["adr", "generate"]).as_deref(), Some("graph toc"));
        assert_eq!(c(&["adr", "generate", "to"]).as_deref(), Some("toc"));
        assert_eq!(c(&["adr", "generate", "toc"]), None);
        assert_eq!(c(&["adr", "nothing"]).as_deref(), Some(""));
        assert_eq!(c(&["adr", "new"]), None);
    }
}
