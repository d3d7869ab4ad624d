//! Templated paths: a template path such as `{{snake name}}/src/main.rs.hbs`
//! is rendered one component at a time, and every rendered component is
//! checked, so no answer can move a file out of the project (`../x`), into
//! another folder (`a/b`), onto an absolute path, or onto an empty name.

use crate::error::{Error, Result};

/// Names a template may never produce: git's own folder (a file there could
/// be a hook that runs code) and labforge's state folder.
const RESERVED: &[&str] = &[".git"];

/// Renders the relative template path `key` (already stripped of its layer
/// prefix) with `render`, checks each component, and drops a final `.hbs`
/// when `strip_hbs` is set. `shown` is the path named in errors.
pub(crate) fn render_path(
    key: &str,
    shown: &str,
    strip_hbs: bool,
    mut render: impl FnMut(&str) -> Result<String>,
) -> Result<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let mut name = if part.contains("{{") {
            render(part)?
        } else {
            (*part).to_string()
        };
        if strip_hbs && i + 1 == parts.len() {
            name.truncate(name.len() - name.strip_suffix(".hbs").map_or(0, |_| 4));
        }
        check_component(&name).map_err(|why| {
            if !part.contains("{{") {
                // Not an answer: the template itself names the file so.
                return Error::new(format!(
                    "the template file `{shown}` has an unsafe name `{}`: {why}",
                    crate::pathgate::shown(&name)
                ))
                .with_help("rename it in the template; `.git`, `.labforge` and look-alikes of `.`, `..` and `/` are refused");
            }
            Error::new(format!("the template path `{shown}` renders to an unsafe file name `{name}`: {why}"))
                .with_help(
                    "answer with a plain name (no `/`, no `..`, not empty); if the answer is right, the lab \
                     should pass it through a helper such as {{kebab name}} in its file names",
                )
        })?;
        out.push(name);
    }
    let path = out.join("/");
    if path == ".labforge" || path.starts_with(".labforge/") {
        return Err(Error::new(format!(
            "the template path `{shown}` would write into `.labforge/`"
        ))
        .with_help("`.labforge/` belongs to labforge; move the file elsewhere in the template"));
    }
    Ok(path)
}

/// Why a single rendered path component is unsafe, if it is.
pub(crate) fn check_component(name: &str) -> std::result::Result<(), &'static str> {
    if name.is_empty() {
        Err("it is empty")
    } else if name == "." || name == ".." {
        Err("`.` and `..` are not allowed")
    } else if name.contains('/') || name.contains('\\') {
        Err("it contains a path separator")
    } else if name.contains('\0') {
        Err("it contains a NUL byte")
    } else if RESERVED.contains(&name) {
        Err("`.git` is reserved")
    } else if let Some(why) = crate::pathgate::component_problem(name) {
        // The one gate: look-alikes, case variants of `.git`/`.labforge`.
        Err(why)
    } else {
        Ok(())
    }
}

/// Checks that a full relative path (as stored in a tree or a state file) is
/// safe to join onto a root folder.
pub(crate) fn check_relative(path: &str) -> Result<()> {
    match crate::pathgate::problem(path) {
        None => Ok(()),
        Some(why) => Err(Error::new(format!(
            "the path `{}` is unsafe: {why}",
            crate::pathgate::shown(path)
        ))
        .with_help("use a plain relative path inside the lab")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(key: &str, value: &str) -> Result<String> {
        render_path(key, key, true, |_| Ok(value.to_string()))
    }

    #[test]
    fn hostile_components_are_refused() {
        assert_eq!(r("{{n}}/x.py.hbs", "pkg").unwrap(), "pkg/x.py");
        for bad in ["../x", "a/b", "", "..", ".", "/etc", "a\\b", ".git"] {
            let err = r("{{n}}/x", bad).unwrap_err();
            assert!(
                err.message
                    .starts_with("the template path `{{n}}/x` renders to an unsafe"),
                "{bad}: {}",
                err.message
            );
        }
        assert!(r("{{n}}", ".labforge").is_err());
        assert!(r(".hbs", "").is_err());
    }
}
