//! The failing tests' assertions in a test runner's output (pytest's
//! failure blocks, `cargo test`'s panics, unittest's FAIL blocks), so a
//! failing check shows what was expected and what came back instead of a
//! tail that may end before it, or only hold a summary.

/// At most this many failing tests are shown.
const MAX_FAILURES: usize = 3;
/// At most this many lines of one failure (its end: the assertion is last).
const MAX_LINES: usize = 14;

/// The failure blocks of `output`, or None when it has none it recognises.
pub(crate) fn excerpt(output: &str) -> Option<String> {
    let lines: Vec<&str> = output.lines().collect();
    let blocks = cargo_blocks(&lines)
        .or_else(|| pytest_blocks(&lines))
        .or_else(|| unittest_blocks(&lines))?;
    let mut out = Vec::new();
    for block in blocks.iter().take(MAX_FAILURES) {
        let block: Vec<&str> = block
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let (head, body) = block.split_first()?;
        out.push(head.to_string());
        let skip = body.len().saturating_sub(MAX_LINES);
        if skip > 0 {
            out.push("…".into());
        }
        out.extend(body[skip..].iter().map(|l| l.to_string()));
    }
    if blocks.len() > MAX_FAILURES {
        out.push(format!(
            "… and {} more failing tests",
            blocks.len() - MAX_FAILURES
        ));
    }
    Some(out.join("\n"))
}

/// `---- name stdout ----` … up to the backtrace note, for each failing test.
fn cargo_blocks<'a>(lines: &[&'a str]) -> Option<Vec<Vec<&'a str>>> {
    let mut blocks = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    for &l in lines {
        let starts = l.starts_with("---- ") && l.ends_with(" ----");
        if starts {
            blocks.extend(cur.take());
            cur = Some(vec![l]);
            continue;
        }
        if let Some(b) = cur.as_mut() {
            // The backtrace (RUST_BACKTRACE=1) says where, not what: the
            // assertion above it is kept.
            if l.starts_with("note: run with `RUST_BACKTRACE")
                || l == "stack backtrace:"
                || l == "failures:"
                || l.starts_with("test result:")
            {
                blocks.extend(cur.take());
            } else {
                b.push(l);
            }
        }
    }
    blocks.extend(cur);
    blocks.retain(|b| b.iter().any(|l| l.contains("panicked at")));
    (!blocks.is_empty()).then_some(blocks)
}

/// pytest: `____ test_name ____` … up to the next separator line.
fn pytest_blocks<'a>(lines: &[&'a str]) -> Option<Vec<Vec<&'a str>>> {
    let sep = |l: &str, c: char| {
        let t = l.trim();
        t.len() > 6 && t.starts_with(c) && t.ends_with(c) && t.contains(' ')
    };
    let mut blocks = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    for &l in lines {
        if sep(l, '_') {
            blocks.extend(cur.take());
            cur = Some(vec![l.trim().trim_matches('_').trim()]);
        } else if sep(l, '=') {
            blocks.extend(cur.take());
        } else if let Some(b) = cur.as_mut() {
            b.push(l);
        }
    }
    blocks.extend(cur);
    blocks.retain(|b| b.iter().any(|l| l.starts_with("E ")));
    (!blocks.is_empty()).then_some(blocks)
}

/// unittest: `FAIL: test_x (…)` / `ERROR: …`, its traceback, up to the next
/// `====` or `----` rule that follows the exception line.
fn unittest_blocks<'a>(lines: &[&'a str]) -> Option<Vec<Vec<&'a str>>> {
    let mut blocks = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    for &l in lines {
        if l.starts_with("FAIL: ") || l.starts_with("ERROR: ") {
            blocks.extend(cur.take());
            cur = Some(vec![l]);
        } else if let Some(b) = cur.as_mut() {
            let rule = l.len() > 10 && (l.chars().all(|c| c == '=') || l.chars().all(|c| c == '-'));
            if rule && b.len() > 2 {
                blocks.extend(cur.take());
            } else if !rule {
                b.push(l);
            }
        }
    }
    blocks.extend(cur);
    (!blocks.is_empty()).then_some(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_test_panics() {
        let out = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n---- b stdout ----\n\nthread 'b' panicked at tests/ex01.rs:5:5:\nassertion `left == right` failed: greeting\n  left: \"hi\"\n right: \"hello\"\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed\n";
        assert_eq!(
            excerpt(out).unwrap(),
            "---- b stdout ----\nthread 'b' panicked at tests/ex01.rs:5:5:\nassertion `left == right` failed: greeting\n  left: \"hi\"\n right: \"hello\""
        );
    }

    #[test]
    fn cargo_test_panics_without_their_backtrace() {
        let out = "---- healthz_says_ok stdout ----\n\nthread 'healthz_says_ok' (7) panicked at tests/ex01.rs:17:5:\nassertion `left == right` failed\n  left: 500\n right: 200\nstack backtrace:\n   0: __rustc::rust_begin_unwind\n             at /rustc/x/library/std/src/panicking.rs:689:5\nnote: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n\nfailures:\n    healthz_says_ok\n";
        assert_eq!(
            excerpt(out).unwrap(),
            "---- healthz_says_ok stdout ----\nthread 'healthz_says_ok' (7) panicked at tests/ex01.rs:17:5:\nassertion `left == right` failed\n  left: 500\n right: 200"
        );
    }

    #[test]
    fn pytest_failure_blocks() {
        let out = "F.                                                                       [100%]\n=================================== FAILURES ===================================\n__________________________________ test_greet __________________________________\ntests/test_greet.py:5: in test_greet\n    assert greet(\"Ada\") == \"hello, Ada\"\nE   AssertionError: assert 'hi' == 'hello, Ada'\nE     - hello, Ada\nE     + hi\n=========================== short test summary info ============================\nFAILED tests/test_greet.py::test_greet - AssertionError: assert 'hi' == 'hell...\n1 failed, 1 passed in 0.03s\n";
        assert_eq!(
            excerpt(out).unwrap(),
            "test_greet\ntests/test_greet.py:5: in test_greet\n    assert greet(\"Ada\") == \"hello, Ada\"\nE   AssertionError: assert 'hi' == 'hello, Ada'\nE     - hello, Ada\nE     + hi"
        );
    }

    #[test]
    fn unittest_failures() {
        let out = "F\n======================================================================\nFAIL: test_greet (test_greet.T.test_greet)\n----------------------------------------------------------------------\nTraceback (most recent call last):\n  File \"tests/test_greet.py\", line 6, in test_greet\n    self.assertEqual(greet(\"Ada\"), \"hello, Ada\")\nAssertionError: 'hi' != 'hello, Ada'\n\n----------------------------------------------------------------------\nRan 1 test in 0.000s\n\nFAILED (failures=1)\n";
        assert_eq!(
            excerpt(out).unwrap(),
            "FAIL: test_greet (test_greet.T.test_greet)\nTraceback (most recent call last):\n  File \"tests/test_greet.py\", line 6, in test_greet\n    self.assertEqual(greet(\"Ada\"), \"hello, Ada\")\nAssertionError: 'hi' != 'hello, Ada'"
        );
    }

    #[test]
    fn other_output_has_no_excerpt() {
        assert_eq!(
            excerpt("Traceback (most recent call last):\n  File \"x\"\nNotImplementedError\n"),
            None
        );
        assert_eq!(
            excerpt("error[E0425]: cannot find value `x`\nerror: could not compile\n"),
            None
        );
    }
}
