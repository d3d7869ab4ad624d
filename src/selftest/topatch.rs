//! Converts overlay mutants into patch mutants (part of `labforge template
//! migrate`): for each mutant whose wrong files are overlay copies, the diff
//! of each copy against the project after its exercise (per track, default
//! answers) becomes one section of `mutant.patch`, and the copies go. A
//! `common/` copy whose diff is the same on every track stays one `common/`
//! section; otherwise it becomes one section per track. Before a mutant is
//! converted, its patch is applied to every track's reference and must give
//! exactly the files the overlay gave; a mutant that cannot be written as a
//! patch (a link, a file that is not UTF-8 text, a mode change, nothing
//! changed) is kept as it is and reported. Patch mutants are left alone, so
//! running it again changes nothing.

use std::collections::{BTreeMap, HashMap};

use super::mutants::{self, Mutant};
use super::patch::{self, PATCH_FILE, Place};
use crate::error::Result;
use crate::render;
use crate::template::{Entry, Lab};

/// One overlay mutant turned into a patch.
#[derive(Debug)]
pub(crate) struct Converted {
    /// Its folder (`solutions/NN-x/mutants/NAME`).
    pub(crate) dir: String,
    /// The template keys of the overlay copies it no longer needs.
    pub(crate) removed: Vec<String>,
    /// The text of its new mutant.patch.
    pub(crate) patch: String,
    /// How many file sections the patch has.
    pub(crate) sections: usize,
}

impl Converted {
    pub(crate) fn patch_key(&self) -> String {
        format!("{}/{PATCH_FILE}", self.dir)
    }
}

/// What conversion does to a lab's mutants.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) converted: Vec<Converted>,
    /// Overlay mutants left as they are, and why.
    pub(crate) kept: Vec<(String, String)>,
}

type Projects = HashMap<Option<String>, (toml::Table, Vec<BTreeMap<String, Entry>>)>;

/// Plans the conversion of every overlay mutant of `lab` (a mutant that
/// `template lint` rejects is not touched).
pub(crate) fn plan(lab: &Lab) -> Result<Plan> {
    let (all, _) = mutants::load(lab);
    let mut out = Plan::default();
    let mut projects: Projects = HashMap::new();
    let exercises: Vec<String> = lab
        .manifest
        .exercises()
        .map(|e| e.id().to_string())
        .collect();
    for mu in all.iter().filter(|mu| mu.patch.is_none()) {
        for t in &mu.tracks {
            if !projects.contains_key(t) {
                let answers = crate::answers::default_answers(lab, t.as_deref())?;
                let adr = super::adr_layers(lab, t.as_deref());
                let trees = crate::solution::projects(lab, &adr, t.as_deref(), &answers)?;
                projects.insert(t.clone(), (answers, trees));
            }
        }
        let pos = exercises
            .iter()
            .position(|e| *e == mu.exercise)
            .expect("a mutant belongs to an exercise");
        match convert(lab, mu, pos, &projects)? {
            Ok(patch) => {
                let prefix = format!("{}/", mu.dir);
                let removed = lab
                    .tree
                    .entries
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .filter(|k| k.as_str() != format!("{prefix}{}", mutants::MUTANT_FILE))
                    .cloned()
                    .collect();
                let sections = patch.lines().filter(|l| l.starts_with("+++ ")).count();
                out.converted.push(Converted {
                    dir: mu.dir.clone(),
                    removed,
                    patch,
                    sections,
                });
            }
            Err(why) => out.kept.push((mu.dir.clone(), why)),
        }
    }
    Ok(out)
}

/// A rendered overlay or reference file as text (None: absent).
fn text_of(e: Option<&Entry>, what: &str) -> std::result::Result<Option<String>, String> {
    match e {
        None => Ok(None),
        Some(Entry::Symlink(_)) => Err(format!("{what} is a symbolic link")),
        Some(Entry::File { bytes, .. }) => String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|_| format!("{what} is not UTF-8 text")),
    }
}

fn executable(e: Option<&Entry>) -> Option<bool> {
    match e {
        Some(Entry::File { executable, .. }) => Some(*executable),
        _ => None,
    }
}

/// One track's view of an overlay mutant: the reference after its exercise
/// and the mutant's two layers, rendered.
struct TrackFiles<'a> {
    track: Option<&'a str>,
    reference: &'a BTreeMap<String, Entry>,
    common: BTreeMap<String, Entry>,
    own: BTreeMap<String, Entry>,
}

/// A `common/` file's diff on each track: (track, as a `common/` section,
/// as that track's section).
type CommonDiffs<'a> = Vec<(Option<&'a str>, String, String)>;

/// The patch of one overlay mutant (Err: why it stays an overlay).
fn convert(
    lab: &Lab,
    mu: &Mutant,
    pos: usize,
    projects: &Projects,
) -> Result<std::result::Result<String, String>> {
    let mut views = Vec::new();
    for t in &mu.tracks {
        let (answers, trees) = &projects[t];
        let track = t.as_deref();
        let layer = |name: &str| {
            render::render_layers(lab, &[format!("{}/{name}", mu.dir)], track, answers)
        };
        views.push(TrackFiles {
            track,
            reference: &trees[pos],
            common: layer("common")?,
            own: match track {
                Some(tr) => layer(tr)?,
                None => BTreeMap::new(),
            },
        });
    }
    let text = match diff_all(&views) {
        Ok(t) if t.is_empty() => {
            return Ok(Err(
                "its files equal the reference solution: it changes nothing".to_string(),
            ));
        }
        Ok(t) => t,
        Err(why) => return Ok(Err(why)),
    };
    Ok(verify(lab, mu, &views, &text).map_or(Ok(text), Err))
}

/// The sections of the patch: each track's own files as that track's
/// sections; each `common/` file as one `common/` section when its diff is
/// the same on every track, else as one section per track.
fn diff_all(views: &[TrackFiles]) -> std::result::Result<String, String> {
    let mut sections: BTreeMap<String, String> = BTreeMap::new();
    let mut common_paths: BTreeMap<String, CommonDiffs> = BTreeMap::new();
    for v in views {
        for (layer, files) in [("common", &v.common), (v.track.unwrap_or(""), &v.own)] {
            for (path, entry) in files {
                if layer == "common" && v.own.contains_key(path) {
                    continue; // the track's own copy wins on this track
                }
                let patch_path = format!("{layer}/{path}");
                let new = text_of(Some(entry), &format!("`{patch_path}`"))?;
                let old = text_of(v.reference.get(path), &format!("`{path}` of the reference"))?;
                if executable(v.reference.get(path))
                    .is_some_and(|x| Some(x) != executable(Some(entry)))
                {
                    return Err(format!(
                        "`{patch_path}` changes the file's mode, which a patch cannot say"
                    ));
                }
                let body = |p: &str| patch::section(p, old.as_deref(), new.as_deref());
                if layer == "common" {
                    let per_track = v
                        .track
                        .map_or(body(&patch_path), |tr| body(&format!("{tr}/{path}")));
                    common_paths.entry(path.clone()).or_default().push((
                        v.track,
                        body(&patch_path),
                        per_track,
                    ));
                } else {
                    sections.insert(patch_path.clone(), body(&patch_path));
                }
            }
        }
    }
    for (path, per) in common_paths {
        let first = &per[0].1;
        if per.iter().all(|(_, c, _)| c == first) {
            sections.insert(format!("common/{path}"), first.clone());
        } else {
            for (t, _, own) in per {
                sections.insert(format!("{}/{path}", t.unwrap_or("common")), own);
            }
        }
    }
    Ok(sections.into_values().collect())
}

/// Why the patch `text` does not give, on every track, exactly the files
/// the overlay gave (None: it does).
fn verify(lab: &Lab, mu: &Mutant, views: &[TrackFiles], text: &str) -> Option<String> {
    let key = format!("{}/{PATCH_FILE}", mu.dir);
    let parsed = match patch::parse(text, &key, &lab.manifest.lab.tracks) {
        Ok(p) => p,
        Err(e) => return Some(format!("its patch would not parse: {e}")),
    };
    for v in views {
        let place = Place {
            key: &key,
            exercise: &mu.exercise,
            track: v.track,
        };
        let read = &mut |rel: &str| {
            Ok(match v.reference.get(rel) {
                Some(Entry::File { bytes, executable }) => Some((bytes.to_vec(), *executable)),
                _ => None,
            })
        };
        let applied = match parsed.apply(&place, read) {
            Ok(a) => a,
            Err(e) => return Some(format!("its patch would not apply: {e}")),
        };
        let mut expected = v.common.clone();
        expected.extend(v.own.iter().map(|(k, e)| (k.clone(), e.clone())));
        for (path, entry) in &expected {
            let got = match applied.get(path) {
                Some(Some(e)) => Some(e),
                Some(None) => None,
                None => v.reference.get(path),
            };
            if got.map(bytes) != Some(bytes(entry)) {
                let on = v
                    .track
                    .map_or(String::new(), |t| format!(" on track `{t}`"));
                return Some(format!(
                    "its patch would not give `{path}` as the overlay does{on}"
                ));
            }
        }
        if applied.keys().any(|k| !expected.contains_key(k)) {
            return Some("its patch would change a file the overlay does not".into());
        }
    }
    None
}

fn bytes(e: &Entry) -> &[u8] {
    match e {
        Entry::File { bytes, .. } => bytes,
        Entry::Symlink(t) => t.as_bytes(),
    }
}
