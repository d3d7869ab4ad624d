//! What `cohort grade` found, three ways that agree: a table for the
//! terminal (learner × exercise: ✓ pass, ✗ fail, · not started, ! tampered),
//! CSV, and `cohort report --out DIR`: one offline HTML page in the ADR
//! site's style (inline CSS, no CDN, works from `file://`), sortable by
//! progress, each learner's ADR records built into a site of their own and
//! linked. JSON is `Grades` itself.

use std::fmt::Write;
use std::path::Path;

use super::grade::{Grades, LearnerGrade, Mark};
use crate::adr::repo::Repo;
use crate::error::Result;
use crate::fsx;
use crate::html::{Page, escape, href_segment, json_script};

fn short(commit: &Option<String>) -> String {
    commit
        .as_deref()
        .map(|c| c[..c.len().min(8)].to_string())
        .unwrap_or_else(|| "-".into())
}

fn cell(l: &LearnerGrade, ex: &str) -> &'static str {
    l.exercises.get(ex).map_or(" ", |m| m.symbol())
}

/// The terminal table.
pub(crate) fn table(g: &Grades) -> String {
    let name_w = g
        .learners
        .iter()
        .map(|l| l.name.chars().count())
        .chain([7])
        .max()
        .unwrap_or(7);
    let ex_w = g
        .exercises
        .iter()
        .map(|e| e.len().min(2))
        .max()
        .unwrap_or(2);
    let mut s = String::new();
    let _ = write!(s, "{:name_w$}  {:8}", "learner", "commit");
    for e in &g.exercises {
        let label: String = e.chars().take(ex_w).collect();
        let _ = write!(s, "  {label:ex_w$}");
    }
    let _ = writeln!(s, "  passed  first failing / note");
    for l in &g.learners {
        let _ = write!(s, "{:name_w$}  {:8}", l.name, short(&l.commit));
        for e in &g.exercises {
            let _ = write!(s, "  {:ex_w$}", cell(l, e));
        }
        let passed = format!("{}/{}", l.passed, l.total);
        let note = if let Some(e) = &l.error {
            format!("error: {e}")
        } else if let Some(f) = &l.first_failing {
            format!("{}/{}: {}", f.exercise, f.check, f.message)
        } else {
            "all pass".to_string()
        };
        let tamper = match (l.tamper.is_empty(), l.from_ci) {
            (false, _) => " (!)",
            (true, true) => " (from CI)",
            _ => "",
        };
        let _ = writeln!(s, "  {passed:6}  {note}{tamper}");
    }
    s
}

/// Tamper warnings under the table, one line each.
pub(crate) fn warnings(g: &Grades) -> String {
    let mut s = String::new();
    for l in &g.learners {
        for t in &l.tamper {
            let _ = writeln!(s, "! {}: {t}", l.name);
        }
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per learner.
pub(crate) fn csv(g: &Grades) -> String {
    let mut s = String::from("learner,commit,track,passed,total");
    for e in &g.exercises {
        s.push(',');
        s.push_str(&csv_field(e));
    }
    s.push_str(",first_failing,message,hints_used,adr_findings,tamper,seconds,error\n");
    for l in &g.learners {
        let mut row = vec![
            l.name.clone(),
            l.commit.clone().unwrap_or_default(),
            l.track.clone().unwrap_or_default(),
            l.passed.to_string(),
            l.total.to_string(),
        ];
        for e in &g.exercises {
            row.push(
                l.exercises
                    .get(e)
                    .map(|m| match m {
                        Mark::Pass => "pass",
                        Mark::Fail => "fail",
                        Mark::NotStarted => "not_started",
                        Mark::Tampered => "tampered",
                    })
                    .unwrap_or("")
                    .to_string(),
            );
        }
        row.push(
            l.first_failing
                .as_ref()
                .map(|f| format!("{}/{}", f.exercise, f.check))
                .unwrap_or_default(),
        );
        row.push(
            l.first_failing
                .as_ref()
                .map(|f| f.message.clone())
                .unwrap_or_default(),
        );
        row.push(l.hints_used.to_string());
        row.push(l.adr.iter().map(|a| a.findings).sum::<usize>().to_string());
        row.push(l.tamper.join("; "));
        row.push(format!("{:.1}", l.seconds));
        row.push(l.error.clone().unwrap_or_default());
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        s.push_str(&line.join(","));
        s.push('\n');
    }
    s
}

const REPORT_CSS: &str = r#"table.cohort { width: 100%; }
table.cohort td.mark { text-align: center; font-weight: 700; }
.m-pass { color: var(--st-accepted-fg); background: var(--st-accepted-bg); }
.m-fail { color: var(--st-deprecated-fg); background: var(--st-deprecated-bg); }
.m-not_started { color: var(--muted); }
.m-tampered { color: var(--st-proposed-fg); background: var(--st-proposed-bg); }
th button { font: inherit; font-weight: 700; color: var(--link); background: none; border: 0; padding: 0; cursor: pointer; }
.legend span { margin-right: 1rem; }
tr.error td { color: var(--st-deprecated-fg); }
"#;

/// Sorts the table by a column when its header button is pressed (progress
/// first by default: the HTML is written in that order).
const REPORT_JS: &str = r#"(function () {
  var table = document.querySelector('table.cohort');
  var body = table.tBodies[0];
  var dir = {};
  table.querySelectorAll('th button[data-key]').forEach(function (b) {
    b.addEventListener('click', function () {
      var key = b.getAttribute('data-key');
      dir[key] = !dir[key];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (x, y) {
        var a = x.getAttribute('data-' + key), c = y.getAttribute('data-' + key);
        var na = parseFloat(a), nc = parseFloat(c);
        var r = (!isNaN(na) && !isNaN(nc)) ? na - nc : a.localeCompare(c);
        return dir[key] ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
"#;

/// Writes `DIR/index.html` and, per learner with ADR records, `DIR/NAME/`
/// (that learner's decision log, built by `adr site`).
pub(crate) fn write_html(g: &Grades, out: &Path, adr_dir: &str) -> Result<()> {
    fsx::create_dir_all(out)?;
    let mut order: Vec<&LearnerGrade> = g.learners.iter().collect();
    order.sort_by(|a, b| b.passed.cmp(&a.passed).then(a.name.cmp(&b.name)));
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header><h1>Cohort: {}</h1><p class=\"muted\">{} learners, graded by re-running the checks of <code>{}</code>; \
         the learners' own results are never read.</p></header>",
        escape(&g.lab),
        g.learners.len(),
        escape(&g.source)
    );
    b.push_str("<p class=\"legend\"><span>✓ passes</span><span>✗ fails</span><span>· not started</span><span>! a check's file was edited (restored for grading)</span></p>\n");
    b.push_str("<table class=\"cohort\">\n<thead><tr><th><button data-key=\"name\">Learner</button></th><th>Commit</th>");
    for e in &g.exercises {
        let _ = write!(
            b,
            "<th title=\"{}\">{}</th>",
            escape(e),
            escape(e.get(..2).unwrap_or(e))
        );
    }
    b.push_str("<th><button data-key=\"passed\">Progress</button></th><th>First failing check</th><th><button data-key=\"adr\">ADR findings</button></th><th>Warnings</th></tr></thead>\n<tbody>\n");
    for l in &order {
        let adr_total: usize = l.adr.iter().map(|a| a.findings).sum();
        let _ = write!(
            b,
            "<tr class=\"learner{}\" data-name=\"{}\" data-passed=\"{}\" data-adr=\"{adr_total}\"><td>{}</td><td><code>{}</code></td>",
            if l.error.is_some() { " error" } else { "" },
            escape(&l.name),
            l.passed,
            escape(&l.name),
            escape(&short(&l.commit))
        );
        for e in &g.exercises {
            let (class, sym) = match l.exercises.get(e) {
                Some(m) => (
                    match m {
                        Mark::Pass => "pass",
                        Mark::Fail => "fail",
                        Mark::NotStarted => "not_started",
                        Mark::Tampered => "tampered",
                    },
                    m.symbol(),
                ),
                None => ("none", ""),
            };
            let _ = write!(b, "<td class=\"mark m-{class}\">{sym}</td>");
        }
        let _ = write!(b, "<td class=\"progress\">{} of {}</td>", l.passed, l.total);
        let note = match (&l.error, &l.first_failing) {
            (Some(e), _) => format!("error: {}", escape(e)),
            (None, Some(f)) => format!(
                "<code>{}/{}</code>: {}",
                escape(&f.exercise),
                escape(&f.check),
                escape(&f.message)
            ),
            (None, None) => "all pass".into(),
        };
        let _ = write!(b, "<td>{note}</td><td>");
        if !l.adr.is_empty() {
            let site = l
                .work
                .as_ref()
                .map(|w| w.join(adr_dir))
                .filter(|d| d.is_dir());
            let linked = match site {
                Some(dir) => {
                    let repo = Repo {
                        dir,
                        cwd: std::path::PathBuf::new(),
                        lab: None,
                    };
                    crate::adr::site::build(&repo, &out.join(&l.name)).is_ok()
                }
                None => false,
            };
            let list: Vec<String> = l
                .adr
                .iter()
                .map(|a| {
                    let name = a.file.rsplit('/').next().unwrap_or(&a.file);
                    let label = format!("{}: {}", escape(name), a.findings);
                    if linked {
                        let page = name.strip_suffix(".md").unwrap_or(name);
                        format!(
                            "<a href=\"{}/{}\">{label}</a>",
                            href_segment(&l.name),
                            href_segment(&format!("{page}.html"))
                        )
                    } else {
                        label
                    }
                })
                .collect();
            let _ = write!(
                b,
                "{adr_total} <details><summary>per record</summary>{}</details>",
                list.join("<br>")
            );
        }
        b.push_str("</td><td>");
        let warnings: Vec<String> = l.tamper.iter().map(|t| escape(t)).collect();
        b.push_str(&warnings.join("<br>"));
        b.push_str("</td></tr>\n");
    }
    b.push_str("</tbody></table>\n");
    let data = serde_json::to_string(g).unwrap_or_else(|_| "{}".into());
    b.push_str(&json_script("cohort-grades", &data));
    let css = REPORT_CSS;
    let page = Page {
        title: &format!("Cohort: {}", g.lab),
        css,
        body: &b,
        script: REPORT_JS,
    }
    .render();
    fsx::write(&out.join("index.html"), page)
}
