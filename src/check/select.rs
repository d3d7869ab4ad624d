//! Which exercise the learner means: an exact id (`05-graceful-shutdown`),
//! its number (`5`, `05`) or a unique prefix of the id or of its name
//! (`05-gr`, `graceful`). An ambiguous prefix lists the candidates; an
//! unknown one suggests the nearest id.

use crate::error::{Error, Result};
use crate::manifest::{Exercise, Manifest};

/// The exercise `typed` names.
pub(crate) fn find<'m>(m: &'m Manifest, typed: &str) -> Result<&'m Exercise> {
    if let Some(ex) = m.exercise_by_id(typed) {
        return Ok(ex);
    }
    let all: Vec<&Exercise> = m.exercises().collect();
    let wanted = typed.to_lowercase();
    let hits: Vec<&Exercise> = if !wanted.is_empty() && wanted.bytes().all(|b| b.is_ascii_digit()) {
        let n: u64 = wanted.parse().unwrap_or(u64::MAX);
        all.iter()
            .copied()
            .filter(|e| number(e.id()) == Some(n))
            .collect()
    } else {
        all.iter()
            .copied()
            .filter(|e| {
                let id = e.id().to_lowercase();
                id.starts_with(&wanted) || name(&id).starts_with(&wanted)
            })
            .collect()
    };
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(unknown(m, typed)),
        many => {
            let ids: Vec<&str> = many.iter().map(|e| e.id()).collect();
            Err(Error::new(format!(
                "`{typed}` matches more than one exercise: {}",
                ids.join(", ")
            ))
            .with_help("type more of the id, or the exercise's number"))
        }
    }
}

/// The error for a name that matches no exercise.
fn unknown(m: &Manifest, typed: &str) -> Error {
    let ids: Vec<&str> = m.exercises().map(|e| e.id()).collect();
    if ids.is_empty() {
        return Error::new(format!("the lab `{}` has no exercises", m.id()))
            .with_help("it is a plain project template: there is nothing to check");
    }
    let near = crate::suggest::nearest(typed, ids.iter().copied())
        .map_or(String::new(), |id| format!("did you mean `{id}`? "));
    Error::new(format!("this lab has no exercise `{typed}`")).with_help(format!(
        "{near}exercises: {}; name one by id, number (`1`) or the start of its name",
        ids.join(", ")
    ))
}

/// The number an id starts with: `05-graceful` → 5.
fn number(id: &str) -> Option<u64> {
    let digits: String = id.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// An id without its leading number: `05-graceful` → `graceful`.
fn name(id: &str) -> &str {
    let rest = id.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == id.len() {
        return id;
    }
    rest.trim_start_matches(['-', '_', '.'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let mut text =
            String::from("schema = 1\n[lab]\nid = \"p\"\ntitle = \"P\"\nversion = \"1.0.0\"\n");
        for id in [
            "01-health",
            "02-config",
            "05-graceful-shutdown",
            "06-graphs",
        ] {
            text.push_str(&format!("[[exercise]]\nid = \"{id}\"\ntitle = \"T\"\n"));
        }
        crate::manifest::parse(&text, std::path::Path::new("lab.toml")).unwrap()
    }

    fn id(typed: &str) -> String {
        match find(&manifest(), typed) {
            Ok(e) => e.id().to_string(),
            Err(e) => format!("{}\nhelp: {}", e.message, e.help.unwrap_or_default()),
        }
    }

    #[test]
    fn by_id_number_or_unique_prefix() {
        assert_eq!(id("02-config"), "02-config");
        assert_eq!(id("5"), "05-graceful-shutdown");
        assert_eq!(id("05"), "05-graceful-shutdown");
        assert_eq!(id("005"), "05-graceful-shutdown");
        assert_eq!(id("graceful"), "05-graceful-shutdown");
        assert_eq!(id("05-gr"), "05-graceful-shutdown");
        assert_eq!(id("Config"), "02-config");
    }

    #[test]
    fn ambiguous_and_unknown_names_say_what_exists() {
        assert_eq!(
            id("gr"),
            "`gr` matches more than one exercise: 05-graceful-shutdown, 06-graphs\nhelp: type more of the id, or the exercise's number"
        );
        assert_eq!(
            id("9"),
            "this lab has no exercise `9`\nhelp: exercises: 01-health, 02-config, 05-graceful-shutdown, 06-graphs; name one by id, number (`1`) or the start of its name"
        );
        assert_eq!(
            id("02-confg"),
            "this lab has no exercise `02-confg`\nhelp: did you mean `02-config`? exercises: 01-health, 02-config, 05-graceful-shutdown, 06-graphs; name one by id, number (`1`) or the start of its name"
        );
    }
}
