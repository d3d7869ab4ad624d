//! CI autograding: when a lab names a variable in `[lab] autograde` (a
//! choice among `github`, `gitlab`, `none`), `new` writes the hosting's pipeline from the
//! shared templates in `templates/ci/`: install labforge at the version that
//! made the lab, `labforge setup`, `labforge check --all --json >
//! results.json`, keep `results.json` as an artifact. The hosting's runners
//! then grade every push; `labforge cohort grade --from-ci` reads the
//! artifacts. A lab that ships its own file at the same path keeps it.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::template::{Entry, Lab, SHARED_TEMPLATES};

/// Each choice's template and where its pipeline goes.
const PIPELINES: &[(&str, &str, &str)] = &[
    (
        "github",
        "ci/github.yml.hbs",
        ".github/workflows/labforge.yml",
    ),
    ("gitlab", "ci/gitlab.yml.hbs", ".gitlab-ci.yml"),
];

/// Adds the pipeline the autograde answer names (nothing for `none` or
/// when the lab has no `autograde`).
pub(crate) fn add_ci(
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
    entries: &mut BTreeMap<String, Entry>,
) -> Result<()> {
    let Some(var) = &lab.manifest.lab.autograde else {
        return Ok(());
    };
    let Some(choice) = answers.get(var.get_ref()).and_then(|v| v.as_str()) else {
        return Ok(());
    };
    for (name, template, dest) in PIPELINES {
        if *name != choice || entries.contains_key(*dest) {
            continue;
        }
        let text = SHARED_TEMPLATES
            .get_file(template)
            .and_then(|f| f.contents_utf8())
            .unwrap_or_else(|| panic!("templates/{template} is embedded in the binary"));
        let rendered = crate::render::render_str(text, lab, track, answers)?;
        entries.insert(
            (*dest).to_string(),
            Entry::File {
                bytes: rendered.into_bytes().into(),
                executable: false,
            },
        );
    }
    Ok(())
}
