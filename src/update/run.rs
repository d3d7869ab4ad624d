//! The `labforge update` flow: finish an interrupted update, load the new
//! version, render it once, plan, then (unless `--dry-run`) back up, journal
//! and apply, and record the new base in `state.toml`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result, Status};
use crate::manifest::Owner;
use crate::render;
use crate::scaffold;
use crate::source::{self, FetchOptions, SourceSpec};
use crate::state::{STATE_FILE, State};
use crate::template::{Entry, Lab};

use super::merge::Labels;
use super::plan::{self, Action, Item};
use super::{Options, finish, gitcheck, inputs, report};
use crate::backup;
use crate::journal::{self, Journal, Step};
use crate::version;

/// Runs `labforge update` for the lab containing `start`. Data (the plan,
/// JSON) goes to `out`, messages to `err`.
pub(crate) fn update(
    start: &Path,
    opts: &Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status> {
    let root = State::find_root(start)?;
    // `--check` and `--dry-run` only read the lab; everything else writes it.
    let _lock = if opts.check || opts.dry_run {
        None
    } else {
        Some(crate::lablock::acquire(&root, "update")?)
    };
    if opts.undo {
        return backup::undo::undo(&root, Some("update"), err);
    }
    if opts.check || opts.dry_run {
        if let Some(j) = journal::pending(&root)? {
            return Err(
                Error::new(format!("an earlier `labforge {}` was interrupted", j.kind))
                    .in_file(root.join(journal::JOURNAL_FILE))
                    .with_help(
                        "run `labforge update` to finish it, or `labforge undo` to roll it back",
                    ),
            );
        }
    } else {
        backup::clean_partial(&root)?;
        journal::clean_temp(&root)?;
        if let Some(j) = journal::recover(&root)? {
            if j.kind == "update" || j.kind == "undo" {
                return finish::recovered(&root, &j, err);
            }
            let _ = writeln!(err, "{}", journal::finished_note(&j));
        }
    }
    let st = State::load(&root)?;
    if opts.continue_ {
        return finish::resume(&root, st, out, err);
    }
    let lab = latest(&st.source, opts.offline)?;
    if opts.check {
        return check(&st, &lab, opts.json, out);
    }
    if !st.conflicts.is_empty() {
        return Err(finish::pending_conflicts(&st));
    }
    if up_to_date(&st, &lab, opts)? {
        let _ = writeln!(
            err,
            "{} is up to date ({}).",
            lab.manifest.id(),
            st.lab_version()
        );
        return Ok(Status::Success);
    }
    let p = prepare(&root, &st, &lab, opts)?;
    let to_ref = lab.manifest.lab_ref();
    if opts.dry_run {
        return dry_run(&st.lab, &to_ref, &p.items, &p.ours, opts.json, out);
    }
    if !opts.allow_dirty {
        let dirty = gitcheck::dirty_files(&root)?;
        if !dirty.is_empty() {
            return Err(gitcheck::refuse(&dirty));
        }
    }
    let conflicts: Vec<String> = p
        .items
        .iter()
        .filter(|i| i.action == Action::Conflict)
        .map(|i| i.path.clone())
        .collect();
    let (new_state, added) = next_state(&root, &st, &lab, &p, &conflicts)?;
    let steps = steps(&root, &p.items, &new_state)?;
    // The gate before the first write: a step through a link (or any unsafe
    // path) refuses the whole update, with nothing backed up or changed.
    journal::check_steps(&steps)?;
    for step in &steps {
        crate::pathgate::resolve(&root, &step.path, crate::pathgate::Last::MayBeLink)?;
    }
    let name = backup::create_update(
        &root,
        &format!("update {} -> {to_ref}", st.lab),
        (&st.lab, &to_ref),
        &added,
        &steps,
    )?;
    journal::crash_point();
    journal::run(
        &root,
        &Journal {
            kind: "update".into(),
            backup: name.clone(),
            steps,
        },
    )?;
    let backup_dir = format!("{}/{name}", backup::BACKUPS_DIR);
    print_result(&st.lab, &to_ref, &p.items, &backup_dir, opts.json, out, err);
    Ok(if conflicts.is_empty() {
        Status::Success
    } else {
        Status::No
    })
}

/// The newest version of the template at `source`: a source that can move
/// (a branch, an archive URL without a pin, a catalog entry, whose catalog is
/// fetched again first) is fetched unless `offline`, as is the catalog that
/// listed a pinned source; the rest comes from the cache as usual.
fn latest(source: &str, offline: bool) -> Result<Lab> {
    let mut spec = SourceSpec::parse(source)?;
    if !offline && let SourceSpec::Catalog { catalog, .. } = &spec {
        crate::catalog::update(Some(catalog))?;
    }
    // A lab from a catalog records the pinned source the catalog gave;
    // the catalog, fetched again, says where that entry is now.
    if !offline
        && matches!(spec, SourceSpec::Git { .. } | SourceSpec::Archive { .. })
        && !spec.can_move()
        && let Some(followed) = crate::catalog::follow(source)?
    {
        spec = followed;
    }
    let refresh = !offline && spec.can_move();
    source::load_spec(&spec, &FetchOptions { offline, refresh })
}

/// Checks `--to` and the direction of the update; true when there is
/// nothing to do (same version, same template, no changed answer).
fn up_to_date(st: &State, lab: &Lab, opts: &Options) -> Result<bool> {
    let (current, latest) = (st.lab_version(), lab.manifest.version());
    if let Some(to) = &opts.to
        && version::compare(to, latest) != Ordering::Equal
    {
        return Err(Error::new(format!(
            "version {to} of lab `{}` is not available from `{}`, which holds {latest}",
            lab.manifest.id(),
            st.source
        ))
        .with_help(format!(
            "use --to {latest}, or point the lab's source at a folder or tag holding {to}"
        )));
    }
    match version::compare(latest, current) {
        Ordering::Less => Err(Error::new(format!(
            "`{}` holds version {latest}, older than your lab ({current})",
            st.source
        ))
        .with_help("labforge update never downgrades; `labforge undo` takes back the last update")),
        Ordering::Equal => Ok(opts.set.is_empty() && lab.digest() == st.template),
        Ordering::Greater => Ok(false),
    }
}

/// The three sides and the plan.
struct Prepared {
    track: Option<String>,
    answers: toml::Table,
    theirs: BTreeMap<String, Entry>,
    ours: BTreeMap<String, Entry>,
    items: Vec<Item>,
}

/// Renders the new version once, loads the base and the learner's files, and plans.
fn prepare(root: &Path, st: &State, lab: &Lab, opts: &Options) -> Result<Prepared> {
    let (current, latest) = (st.lab_version(), lab.manifest.version());
    let track = st.track.as_deref();
    let answers = inputs::answers(&st.answers, lab, track, &opts.set)?;
    let mut theirs = render::render_layers(lab, &render::starter_layers(track), track, &answers)?;
    scaffold::add_gitignore(lab, track, &mut theirs);
    let rules = scaffold::OwnerRules::new(lab, track)?;
    let owners: BTreeMap<String, Owner> =
        theirs.keys().map(|p| (p.clone(), rules.owner(p))).collect();
    let base = inputs::load_base(root, st)?;
    let renames = inputs::renames(lab, track, current, latest, base.keys())?;
    let ours = inputs::read_ours(
        root,
        base.keys().chain(renames.values()).chain(theirs.keys()),
    )?;
    let labels = Labels::for_versions(current, latest);
    let items = plan::plan(&plan::Inputs {
        base: &base,
        ours: &ours,
        theirs: &theirs,
        owners: &owners,
        renames: &renames,
        labels: &labels,
        restore_deleted: opts.restore_deleted,
    })?;
    Ok(Prepared {
        track: st.track.clone(),
        answers,
        theirs,
        ours,
        items,
    })
}

/// The state after the update: the new version's base (its objects stored
/// now in the lab's committed store), the learner's progress kept, the
/// conflicts listed; and the objects new to the lab (undo removes them).
fn next_state(
    root: &Path,
    st: &State,
    lab: &Lab,
    p: &Prepared,
    conflicts: &[String],
) -> Result<(State, Vec<String>)> {
    // The new base must survive a crash: store it crash-safely first, so
    // base_state finds every object in place.
    let mut added = std::collections::BTreeSet::new();
    for entry in p.theirs.values() {
        let (digest, new) = match entry {
            Entry::File { bytes, .. } => journal::ensure_base_object(root, bytes)?,
            Entry::Symlink(t) => journal::ensure_base_object(root, t.as_bytes())?,
        };
        if new {
            added.insert(digest);
        }
    }
    let mut next = scaffold::base_state(lab, p.track.as_deref(), &p.answers, root, &p.theirs)?;
    next.current = st.current.clone();
    next.done = st.done.clone();
    next.hints = st.hints.clone();
    next.conflicts = conflicts.to_vec();
    Ok((next, added.into_iter().collect()))
}

/// The journal steps: moves of renamed files, writes, deletions, side files
/// of binary conflicts, and last the new `state.toml`.
fn steps(root: &Path, items: &[Item], next: &State) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let put = |path: &str, entry: &Entry, steps: &mut Vec<Step>| -> Result<()> {
        steps.push(match entry {
            Entry::File { bytes, executable } => {
                Step::write(path, journal::ensure_object(root, bytes)?, *executable)
            }
            Entry::Symlink(t) => Step::link(path, t),
        });
        Ok(())
    };
    for item in items {
        if let Some(from) = &item.renamed_from {
            steps.push(Step::delete(from));
        }
        if let Some(entry) = &item.write {
            put(&item.path, entry, &mut steps)?;
        } else if item.delete {
            steps.push(Step::delete(&item.path));
        }
        if let Some((side, entry)) = &item.side {
            put(side, entry, &mut steps)?;
        }
    }
    let text = toml::to_string_pretty(next)
        .map_err(|e| Error::new(format!("could not encode the lab state: {e}")))?;
    steps.push(Step::write(
        STATE_FILE,
        journal::ensure_object(root, text.as_bytes())?,
        false,
    ));
    Ok(steps)
}

fn check(st: &State, lab: &Lab, json: bool, out: &mut dyn Write) -> Result<Status> {
    let (current, latest) = (st.lab_version(), lab.manifest.version());
    let available = version::compare(latest, current) == Ordering::Greater;
    let text = if json {
        format!(
            "{}\n",
            serde_json::json!({ "lab": lab.manifest.id(), "current": current, "latest": latest, "update_available": available })
        )
    } else if available {
        format!(
            "{}: {current} -> {latest} available; run `labforge update`\n",
            lab.manifest.id()
        )
    } else {
        format!("{}: {current} is the latest\n", lab.manifest.id())
    };
    write_out(out, &text)?;
    Ok(if available {
        Status::No
    } else {
        Status::Success
    })
}

fn dry_run(
    from: &str,
    to: &str,
    items: &[Item],
    ours: &BTreeMap<String, Entry>,
    json: bool,
    out: &mut dyn Write,
) -> Result<Status> {
    let text = if json {
        format!("{:#}\n", report::json(from, to, items, None, true))
    } else {
        format!(
            "Update {from} -> {to} (dry run, nothing written):\n{}{}",
            report::plan_lines(items),
            report::diffs(items, ours)
        )
    };
    write_out(out, &text)?;
    Ok(Status::Success)
}

fn print_result(
    from: &str,
    to: &str,
    items: &[Item],
    backup_dir: &str,
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    if json {
        let _ = writeln!(
            out,
            "{:#}",
            report::json(from, to, items, Some(backup_dir), false)
        );
    } else {
        let _ = write!(out, "{}", report::plan_lines(items));
    }
    let conflicts: Vec<&Item> = items
        .iter()
        .filter(|i| i.action == Action::Conflict)
        .collect();
    let _ = writeln!(
        err,
        "Updated {from} -> {to}. Backup: {backup_dir} (`labforge undo` takes the update back)."
    );
    if !conflicts.is_empty() {
        let _ = writeln!(err, "{} conflict(s) to resolve:", conflicts.len());
        for c in &conflicts {
            let _ = writeln!(err, "  {}", c.path);
        }
        let _ = writeln!(
            err,
            "Edit the markers away (or decide between NAME and NAME.labforge-new and delete the .labforge-new file), then run `labforge update --continue`."
        );
    }
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .map_err(|e| Error::new(format!("could not write the output: {e}")))
}
