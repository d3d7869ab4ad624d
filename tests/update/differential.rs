//! labforge's 3-way merge against `git merge-file -p --diff3` on 1,200
//! generated triples (seeded; a four-line alphabet forces conflicts; about a
//! third of the files lack a final newline).

use std::process::Command;

use labforge::update::merge::{Labels, merge_raw, merge_text};

use super::safety::Rng;

fn gen_base(rng: &mut Rng) -> Vec<String> {
    let n = rng.below(9) as usize;
    (0..n)
        .map(|_| ["a", "b", "c", "d"][rng.below(4) as usize].to_string())
        .collect()
}

fn mutate(rng: &mut Rng, lines: &[String]) -> Vec<String> {
    let mut out = lines.to_vec();
    for _ in 0..rng.below(4) {
        let word = ["a", "b", "c", "d", "x", "y"][rng.below(6) as usize].to_string();
        let at = rng.below(out.len() as u64 + 1) as usize;
        match rng.below(3) {
            0 => out.insert(at, word),
            1 if at < out.len() => {
                out.remove(at);
            }
            _ if at < out.len() => out[at] = word,
            _ => out.push(word),
        }
    }
    out
}

fn join(rng: &mut Rng, lines: &[String]) -> Vec<u8> {
    let mut text = lines.join("\n");
    if !lines.is_empty() && rng.below(3) != 0 {
        text.push('\n');
    }
    text.into_bytes()
}

#[test]
fn merge_matches_git_merge_file_on_1200_triples() {
    if !crate::support::require_tool("git") {
        return;
    }
    let dir = crate::support::tempdir();
    let labels = Labels::for_versions("1.0.0", "1.1.0");
    let mut rng = Rng(0xd1ff_3a11_0042);
    let (mut conflicts, mut clean) = (0, 0);
    for i in 0..1200 {
        let base = gen_base(&mut rng);
        let (o, t) = (mutate(&mut rng, &base), mutate(&mut rng, &base));
        let (b, o, t) = (
            join(&mut rng, &base),
            join(&mut rng, &o),
            join(&mut rng, &t),
        );
        for (name, bytes) in [("base", &b), ("ours", &o), ("theirs", &t)] {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let git = Command::new("git")
            .args([
                "merge-file",
                "-p",
                "--diff3",
                "-L",
                "yours",
                "-L",
                "lab 1.0.0",
                "-L",
                "lab 1.1.0",
                "ours",
                "base",
                "theirs",
            ])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let ours = merge_raw(&b, &o, &t, &labels).unwrap();
        let show = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
        assert_eq!(
            show(&ours.bytes),
            show(&git.stdout),
            "triple {i}: base {:?} ours {:?} theirs {:?}",
            show(&b),
            show(&o),
            show(&t)
        );
        assert_eq!(
            ours.conflicts,
            git.status.code() != Some(0),
            "triple {i}: conflict flag"
        );
        // On LF text the line-ending handling changes nothing.
        assert_eq!(merge_text(&b, &o, &t, &labels).unwrap(), ours, "triple {i}");
        if ours.conflicts {
            conflicts += 1
        } else {
            clean += 1
        }
    }
    assert!(
        conflicts > 200 && clean > 200,
        "the generator should give both outcomes: {conflicts} conflicts, {clean} clean"
    );
}
