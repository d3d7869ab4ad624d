//! Who owns which file of a generated lab (learner, template, shared), from
//! `[ownership]`, the exercises' `edit` globs and the ADR folder.

use globset::GlobSet;

use crate::error::Result;
use crate::manifest::{Owner, expand_vars};
use crate::template::Lab;

/// Ownership rules of a lab for a track. Precedence, first match wins:
/// `[ownership].shared` → shared; `[ownership].learner` → learner;
/// `[ownership].template` → template; an exercise's `edit` glob (track vars
/// expanded) or the ADR folder → learner; anything else → shared.
pub(crate) struct OwnerRules {
    shared: GlobSet,
    learner: GlobSet,
    template: GlobSet,
    learner_default: GlobSet,
}

/// The globs of [`OwnerRules`] (track variables expanded), before the sets
/// are built: owned, so the (costlier) building can happen on another
/// thread ([`OwnerGlobs::build_beside`]).
pub(crate) struct OwnerGlobs {
    shared: Vec<String>,
    learner: Vec<String>,
    template: Vec<String>,
    learner_default: Vec<String>,
}

impl OwnerGlobs {
    pub(crate) fn of(lab: &Lab, track: Option<&str>) -> OwnerGlobs {
        let m = &lab.manifest;
        let vars = m.track_vars(track);
        let expand = |globs: &[String]| -> Vec<String> {
            globs.iter().map(|g| expand_vars(g, &vars)).collect()
        };
        let adr_glob = format!("{}/**", m.adr_settings().dir.trim_end_matches('/'));
        let defaults: Vec<String> = m
            .exercises()
            .flat_map(|e| e.edit.iter().cloned())
            .chain([adr_glob])
            .collect();
        OwnerGlobs {
            shared: expand(&m.ownership.shared),
            learner: expand(&m.ownership.learner),
            template: expand(&m.ownership.template),
            learner_default: expand(&defaults),
        }
    }

    pub(crate) fn build(self) -> Result<OwnerRules> {
        Ok(OwnerRules {
            shared: crate::glob::set(&self.shared)?,
            learner: crate::glob::set(&self.learner)?,
            template: crate::glob::set(&self.template)?,
            learner_default: crate::glob::set(&self.learner_default)?,
        })
    }

    /// [`OwnerGlobs::build`] on a thread of its own, to be joined when the
    /// rules are needed ([`Pending::rules`]): building a glob set costs about
    /// as much as rendering a built-in lab, and nothing needs it before the
    /// files' owners are recorded.
    pub(crate) fn build_beside(self) -> Pending {
        Pending(std::thread::spawn(move || self.build()))
    }
}

/// Ownership rules being built on another thread.
pub(crate) struct Pending(std::thread::JoinHandle<Result<OwnerRules>>);

impl Pending {
    pub(crate) fn rules(self) -> Result<OwnerRules> {
        self.0
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl OwnerRules {
    pub(crate) fn new(lab: &Lab, track: Option<&str>) -> Result<OwnerRules> {
        OwnerGlobs::of(lab, track).build()
    }

    pub(crate) fn owner(&self, path: &str) -> Owner {
        // One candidate for the four sets (`is_match` makes one per call).
        let path = globset::Candidate::new(path);
        if self.shared.is_match_candidate(&path) {
            Owner::Shared
        } else if self.learner.is_match_candidate(&path) {
            Owner::Learner
        } else if self.template.is_match_candidate(&path) {
            Owner::Template
        } else if self.learner_default.is_match_candidate(&path) {
            Owner::Learner
        } else {
            Owner::Shared
        }
    }
}

/// Who owns `path` (see [`OwnerRules`]). Globs are checked when a lab is
/// loaded, so the fallback (every path shared) is for a lab that was not.
#[cfg(test)]
pub(crate) fn owner_of(lab: &Lab, track: Option<&str>, path: &str) -> Owner {
    OwnerRules::new(lab, track).map_or(Owner::Shared, |r| r.owner(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use crate::template::{Entry, Origin, TemplateTree};

    fn lab(toml: &str) -> Lab {
        let mut tree = TemplateTree::default();
        tree.entries.insert(
            "lab.toml".into(),
            Entry::File {
                bytes: toml.as_bytes().to_vec().into(),
                executable: false,
            },
        );
        Lab::from_tree(
            tree,
            Origin::Builtin("t".into()),
            PathBuf::from("t/lab.toml"),
        )
        .unwrap()
    }

    #[test]
    fn ownership_precedence() {
        let lab = lab(r#"
schema = 1
[lab]
id = "t"
title = "T"
version = "1.0.0"
tracks = ["python"]
adr = { dir = "doc/decisions" }
[track.python]
vars = { src = "client" }
[[exercise]]
id = "01"
title = "One"
edit = ["{src}/*.py"]
[ownership]
learner = ["tests/mine.py"]
template = ["tests/**", "client/protected.py"]
shared = ["client/shared.py"]
"#);
        let owner = |p| owner_of(&lab, Some("python"), p);
        assert_eq!(
            owner("client/one.py"),
            Owner::Learner,
            "edit glob with {{src}} expanded"
        );
        assert_eq!(
            owner("client/deep/one.py"),
            Owner::Shared,
            "`*` does not cross `/`"
        );
        assert_eq!(
            owner("client/shared.py"),
            Owner::Shared,
            "[ownership].shared forces shared"
        );
        assert_eq!(
            owner("client/protected.py"),
            Owner::Template,
            "template wins over the edit default"
        );
        assert_eq!(owner("tests/test_one.py"), Owner::Template);
        assert_eq!(
            owner("tests/mine.py"),
            Owner::Learner,
            "explicit learner wins over template"
        );
        assert_eq!(
            owner("doc/decisions/0001-x.md"),
            Owner::Learner,
            "the ADR folder"
        );
        assert_eq!(owner("README.md"), Owner::Shared);
        assert_eq!(
            owner_of(&lab, None, "client/one.py"),
            Owner::Shared,
            "no track: {{src}} is not expanded"
        );
    }
}
