use super::*;

fn f(s: &str) -> Entry {
    Entry::File {
        bytes: s.as_bytes().to_vec().into(),
        executable: false,
    }
}

struct Case {
    base: BTreeMap<String, Base>,
    ours: BTreeMap<String, Entry>,
    theirs: BTreeMap<String, Entry>,
    owners: BTreeMap<String, Owner>,
    renames: BTreeMap<String, String>,
    restore: bool,
}

impl Case {
    fn new() -> Case {
        Case {
            base: BTreeMap::new(),
            ours: BTreeMap::new(),
            theirs: BTreeMap::new(),
            owners: BTreeMap::new(),
            renames: BTreeMap::new(),
            restore: false,
        }
    }
    fn path(
        mut self,
        p: &str,
        owner: Owner,
        b: Option<&str>,
        o: Option<&str>,
        t: Option<&str>,
    ) -> Case {
        if let Some(b) = b {
            self.base.insert(p.into(), Base { owner, entry: f(b) });
        }
        if let Some(o) = o {
            self.ours.insert(p.into(), f(o));
        }
        if let Some(t) = t {
            self.theirs.insert(p.into(), f(t));
            self.owners.insert(p.into(), owner);
        }
        self
    }
    fn lines(&self) -> String {
        let labels = Labels::for_versions("1.0.0", "1.1.0");
        let items = plan(&Inputs {
            base: &self.base,
            ours: &self.ours,
            theirs: &self.theirs,
            owners: &self.owners,
            renames: &self.renames,
            labels: &labels,
            restore_deleted: self.restore,
        })
        .unwrap();
        items.iter().map(|i| format!("{i}\n")).collect()
    }
}

#[test]
fn every_case_gets_its_action() {
    use Owner::*;
    let c = Case::new()
        .path("same", Shared, Some("a\n"), Some("a\n"), Some("a\n"))
        .path("take", Shared, Some("a\n"), Some("a\n"), Some("b\n"))
        .path("keep", Shared, Some("a\n"), Some("b\n"), Some("a\n"))
        .path(
            "merge",
            Shared,
            Some("a\nb\nc\n"),
            Some("A\nb\nc\n"),
            Some("a\nb\nC\n"),
        )
        .path("conflict", Shared, Some("a\n"), Some("b\n"), Some("c\n"))
        .path("gone", Shared, Some("a\n"), Some("a\n"), None)
        .path("gone-edited", Shared, Some("a\n"), Some("b\n"), None)
        .path("deleted", Shared, Some("a\n"), None, Some("b\n"))
        .path("deleted-same", Shared, Some("a\n"), None, Some("a\n"))
        .path("new", Shared, None, None, Some("n\n"))
        .path("both-new", Shared, None, Some("x\n"), Some("y\n"))
        .path("mine", Learner, Some("a\n"), Some("b\n"), Some("c\n"))
        .path(
            "mine-untouched",
            Learner,
            Some("a\n"),
            Some("a\n"),
            Some("c\n"),
        )
        .path("tests.py", Template, Some("a\n"), Some("b\n"), Some("c\n"));
    assert_eq!(
        c.lines(),
        "conflict both-new (added on both sides)\n\
         conflict conflict (both changed the same lines; resolve the markers)\n\
         report   deleted (you deleted it and upstream changed it; --restore-deleted brings it back)\n\
         delete   gone (removed upstream)\n\
         report   gone-edited (removed upstream, kept because you changed it)\n\
         keep     keep\n\
         merge    merge\n\
         report   mine (changed upstream; yours, so not touched)\n\
         report   mine-untouched (changed upstream; yours, so not touched)\n\
         add      new\n\
         take     take\n\
         take     tests.py (replaced; your copy is in the backup)\n"
    );
}

#[test]
fn restore_deleted_brings_back_changed_files_only() {
    let mut c = Case::new()
        .path("deleted", Owner::Shared, Some("a\n"), None, Some("b\n"))
        .path(
            "deleted-same",
            Owner::Shared,
            Some("a\n"),
            None,
            Some("a\n"),
        );
    c.restore = true;
    assert_eq!(
        c.lines(),
        "add      deleted (you deleted it; restored by --restore-deleted)\n"
    );
}

#[test]
fn a_rename_carries_the_learners_edit_into_the_merge() {
    let mut c = Case::new();
    c.base.insert(
        "old.py".into(),
        Base {
            owner: Owner::Shared,
            entry: f("a\nb\nc\n"),
        },
    );
    c.ours.insert("old.py".into(), f("A\nb\nc\n"));
    c.theirs.insert("new.py".into(), f("a\nb\nC\n"));
    c.owners.insert("new.py".into(), Owner::Shared);
    c.renames.insert("old.py".into(), "new.py".into());
    assert_eq!(c.lines(), "merge    new.py (renamed from old.py)\n");
    let labels = Labels::for_versions("1", "2");
    let items = plan(&Inputs {
        base: &c.base,
        ours: &c.ours,
        theirs: &c.theirs,
        owners: &c.owners,
        renames: &c.renames,
        labels: &labels,
        restore_deleted: false,
    })
    .unwrap();
    assert_eq!(items[0].write, Some(f("A\nb\nC\n")));
}

#[test]
fn binary_changed_on_both_sides_keeps_yours_and_writes_a_side_file() {
    let mut c = Case::new();
    let bin = |b: &[u8]| Entry::File {
        bytes: b.to_vec().into(),
        executable: false,
    };
    c.base.insert(
        "logo.png".into(),
        Base {
            owner: Owner::Shared,
            entry: bin(b"\0base"),
        },
    );
    c.ours.insert("logo.png".into(), bin(b"\0ours"));
    c.theirs.insert("logo.png".into(), bin(b"\0theirs"));
    let labels = Labels::for_versions("1", "2");
    let items = plan(&Inputs {
        base: &c.base,
        ours: &c.ours,
        theirs: &c.theirs,
        owners: &c.owners,
        renames: &c.renames,
        labels: &labels,
        restore_deleted: false,
    })
    .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].action, Action::Conflict);
    assert_eq!(items[0].write, None);
    assert_eq!(
        items[0].side,
        Some(("logo.png.labforge-new".to_string(), bin(b"\0theirs")))
    );
}
