//! Interactive questions on a terminal (dialoguer, drawn on stderr): typed
//! input with the default shown and validation as you type, yes/no for
//! booleans, a list to pick from for choices and tracks. Only
//! [`crate::answers`] calls this, and only when stdin and stderr are both
//! terminals.

use dialoguer::{Confirm, Input, Select};

use crate::answers::{coerce, display, expectation};
use crate::error::{Error, Result};
use crate::manifest::{VarType, Variable};

fn interrupted(e: dialoguer::Error) -> Error {
    Error::new(format!("the question was not answered: {e}"))
        .with_help("run again and answer it, or give the answers with --set NAME=VALUE, --answers FILE or --defaults")
}

/// Asks for one variable; the answer is already converted and validated.
pub(crate) fn ask(
    name: &str,
    var: &Variable,
    default: Option<&toml::Value>,
) -> Result<toml::Value> {
    let prompt = var.prompt.clone().unwrap_or_else(|| name.to_string());
    if let Some(help) = &var.help {
        crate::eoutln!("  {help}");
    }
    match var.kind {
        VarType::Bool => {
            let d = default.and_then(toml::Value::as_bool).unwrap_or(false);
            let v = Confirm::new()
                .with_prompt(prompt)
                .default(d)
                .interact()
                .map_err(interrupted)?;
            Ok(toml::Value::Boolean(v))
        }
        VarType::Choice => {
            let d = default
                .and_then(toml::Value::as_str)
                .and_then(|s| var.choices.iter().position(|c| c == s))
                .unwrap_or(0);
            let i = Select::new()
                .with_prompt(prompt)
                .items(&var.choices)
                .default(d)
                .interact()
                .map_err(interrupted)?;
            Ok(toml::Value::String(var.choices[i].clone()))
        }
        VarType::String | VarType::Integer => {
            let mut input = Input::<String>::new()
                .with_prompt(format!("{prompt} ({})", expectation(var)))
                .validate_with(|s: &String| {
                    coerce(var, &toml::Value::String(s.clone())).map(|_| ())
                });
            if let Some(d) = default {
                input = input.default(display(d));
            }
            let text = input.interact_text().map_err(interrupted)?;
            coerce(var, &toml::Value::String(text)).map_err(Error::new)
        }
    }
}

/// Asks which track to generate (the first is the default).
pub(crate) fn ask_track(tracks: &[String]) -> Result<String> {
    let i = Select::new()
        .with_prompt("Track")
        .items(tracks)
        .default(0)
        .interact()
        .map_err(interrupted)?;
    Ok(tracks[i].clone())
}
