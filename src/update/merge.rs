//! The 3-way text merge of `labforge update`: git's own algorithm (libgit2's
//! `merge_file`, the xdiff code behind `git merge-file`), diff3 style, with the
//! labels `yours`, `lab OLD` and `lab NEW`, and line endings normalised first
//! so a CRLF file is not one big conflict.

use crate::error::{Error, Result};

/// The result of merging one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub bytes: Vec<u8>,
    /// True when the result holds conflict markers.
    pub conflicts: bool,
}

/// Labels written on the conflict markers.
#[derive(Debug, Clone)]
pub struct Labels {
    pub(crate) yours: String,
    pub(crate) old: String,
    pub(crate) new: String,
}

impl Labels {
    /// `yours`, `lab OLD`, `lab NEW`.
    pub fn for_versions(old: &str, new: &str) -> Labels {
        Labels {
            yours: "yours".into(),
            old: format!("lab {old}"),
            new: format!("lab {new}"),
        }
    }
}

/// True for content git would call binary: a NUL byte in the first 8000 bytes.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8000).any(|&b| b == 0)
}

/// Merges `base` → `ours` and `base` → `theirs` the way
/// `git merge-file -p --diff3 -L yours -L OLD -L NEW ours base theirs` does,
/// after normalising CRLF to LF. The result uses the line ending the learner
/// chose: upstream's when `ours` kept the base's, otherwise `ours`'.
pub fn merge_text(base: &[u8], ours: &[u8], theirs: &[u8], labels: &Labels) -> Result<Merged> {
    let (eb, eo, et) = (eol_of(base), eol_of(ours), eol_of(theirs));
    let crlf = if eo == eb { et } else { eo } == Eol::Crlf;
    let (b, o, t) = (to_lf(base), to_lf(ours), to_lf(theirs));
    let merged = merge_raw(&b, &o, &t, labels)?;
    let bytes = if crlf {
        to_crlf(&merged.bytes)
    } else {
        merged.bytes
    };
    Ok(Merged {
        bytes,
        conflicts: merged.conflicts,
    })
}

const SENTINEL: &[u8] = b"\x01labforge merge sentinel\x01\n";

/// The bare libgit2 merge (no line-ending handling); what the differential
/// test compares with `git merge-file -p --diff3`.
pub fn merge_raw(base: &[u8], ours: &[u8], theirs: &[u8], labels: &Labels) -> Result<Merged> {
    // `git2::merge_file` does not initialise libgit2, so the first call of a
    // process fails ("no error") unless another git2 call ran before;
    // `Oid::from_bytes` runs git2's one-time initialisation cheaply.
    let _ = git2::Oid::from_bytes(&[0; 20]);
    // git2's `MergeFileResult::content` builds a slice from libgit2's pointer,
    // which is null for an empty result (undefined behaviour). A sentinel
    // line shared by all three sides keeps the result non-empty; it is an
    // unchanged common first line, so it comes out first and unchanged.
    let with = |b: &[u8]| [SENTINEL, b].concat();
    let (b, o, t) = (with(base), with(ours), with(theirs));
    let mut bi = git2::MergeFileInput::new();
    bi.content(&b);
    let mut oi = git2::MergeFileInput::new();
    oi.content(&o);
    let mut ti = git2::MergeFileInput::new();
    ti.content(&t);
    let mut opts = git2::MergeFileOptions::new();
    opts.ancestor_label(labels.old.as_str())
        .our_label(labels.yours.as_str())
        .their_label(labels.new.as_str())
        .style_diff3(true);
    let result = git2::merge_file(&bi, &oi, &ti, Some(&mut opts)).map_err(|e| {
        Error::new(format!("the 3-way merge failed: {}", e.message()))
            .with_help("report this as a labforge bug")
    })?;
    let content = result.content();
    let Some(rest) = content.strip_prefix(SENTINEL) else {
        return Err(Error::new("the 3-way merge moved its sentinel line")
            .with_help("report this as a labforge bug, with the three files"));
    };
    let mut bytes = rest.to_vec();
    if base.is_empty() && !result.is_automergeable() {
        bytes = label_empty_base(&bytes, &labels.old);
    }
    Ok(Merged {
        bytes,
        conflicts: !result.is_automergeable(),
    })
}

/// libgit2 drops the ancestor label when the ancestor is empty, where
/// `git merge-file` keeps it (found by the differential test); put it back.
fn label_empty_base(bytes: &[u8], label: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line == b"|||||||\n" {
            out.extend_from_slice(format!("||||||| {label}\n").as_bytes());
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The 1-based numbers of the conflict-marker lines left in `text`. A lone
/// `=======` line counts only next to an opening, base or closing marker, so
/// a Markdown heading underlined with seven `=` is not a conflict.
pub(crate) fn marker_lines(text: &[u8]) -> Vec<usize> {
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect();
    let strong: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| [b'<', b'>', b'|'].iter().any(|&c| marker(l, c)))
        .map(|(i, _)| i + 1)
        .collect();
    if strong.is_empty() {
        return strong;
    }
    lines
        .iter()
        .enumerate()
        .filter(|(i, l)| strong.contains(&(i + 1)) || *l == b"=======")
        .map(|(i, _)| i + 1)
        .collect()
}

/// Seven `c` alone, or followed by a space and a label.
fn marker(line: &[u8], c: u8) -> bool {
    line.len() >= 7 && line[..7].iter().all(|&b| b == c) && (line.len() == 7 || line[7] == b' ')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eol {
    Lf,
    Crlf,
    None,
}

fn eol_of(bytes: &[u8]) -> Eol {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    if lf == 0 {
        return Eol::None;
    }
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    if crlf * 2 > lf { Eol::Crlf } else { Eol::Lf }
}

fn to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn to_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels::for_versions("1.0.0", "1.1.0")
    }

    #[test]
    fn different_lines_merge_cleanly() {
        let m = merge_text(b"a\nb\nc\n", b"A\nb\nc\n", b"a\nb\nC\n", &labels()).unwrap();
        assert_eq!(
            m,
            Merged {
                bytes: b"A\nb\nC\n".to_vec(),
                conflicts: false
            }
        );
    }

    #[test]
    fn same_line_conflicts_with_markers_on_their_own_lines_without_final_newline() {
        let m = merge_text(b"a\nb", b"a\nours", b"a\ntheirs", &labels()).unwrap();
        assert!(m.conflicts);
        assert_eq!(
            String::from_utf8(m.bytes).unwrap(),
            "a\n<<<<<<< yours\nours\n||||||| lab 1.0.0\nb\n=======\ntheirs\n>>>>>>> lab 1.1.0\n"
        );
    }

    #[test]
    fn crlf_learner_file_merges_line_by_line_and_stays_crlf() {
        let m = merge_text(b"a\nb\nc\n", b"A\r\nb\r\nc\r\n", b"a\nb\nC\n", &labels()).unwrap();
        assert_eq!(
            m,
            Merged {
                bytes: b"A\r\nb\r\nC\r\n".to_vec(),
                conflicts: false
            }
        );
    }

    #[test]
    fn upstream_switch_to_crlf_is_taken_when_learner_kept_lf() {
        let m = merge_text(b"a\nb\n", b"A\nb\n", b"a\r\nb\r\n", &labels()).unwrap();
        assert_eq!(m.bytes, b"A\r\nb\r\n".to_vec());
    }

    #[test]
    fn markers_are_found_only_at_line_starts() {
        assert!(!marker_lines(b"x\n<<<<<<< yours\n").is_empty());
        assert!(
            marker_lines(b"Title\n=======\r\n").is_empty(),
            "a Markdown heading"
        );
        assert_eq!(
            marker_lines(b"<<<<<<< yours\r\na\r\n=======\r\nb\r\n>>>>>>> lab 2\r\n"),
            [1, 3, 5]
        );
        assert!(!marker_lines(b"a\n|||||||\nb\n").is_empty());
        assert!(marker_lines(b"a <<<<<<< b\n========\n").is_empty());
    }

    #[test]
    fn binary_means_a_nul_byte() {
        assert!(is_binary(b"PNG\0\x01"));
        assert!(!is_binary("héllo\n".as_bytes()));
    }
}
