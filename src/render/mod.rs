//! Rendering a lab template into the files of a project.
//!
//! Owns the handlebars registry (strict mode: an unknown `{{name}}` is an
//! error, never ""; no HTML escaping, which would corrupt code), the helpers
//! (`helpers`), the template context, and templated paths (`paths`).
//!
//! A project is made of *layers*, folders of the template laid over each
//! other in order (later layers win): the starter is `adr/` (laid into the
//! lab's ADR folder), `common/`, then `track/<t>/`; a solution overlay is `<solution>/common/` then
//! `<solution>/<t>/`. Files ending in `.hbs` are rendered and lose the
//! suffix; every other file is copied byte for byte, so `${{ }}` in a
//! GitHub workflow or `{{` in a Go template passes through untouched.
//!
//! The context every template sees: the answers (top level), `lab` (`id`,
//! `title`, `version`, `summary`), `track` (absent for a lab without tracks),
//! `now` (RFC 3339, UTC) and `labforge.version`.

mod direct;
mod helpers;
pub(crate) mod paths;
mod split;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handlebars::{
    Context, Handlebars, Output, RenderContext, RenderError, RenderErrorReason, Renderable,
    Template,
};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::manifest::Exercise;
use crate::template::{Entry, Lab, check_link_inside};

pub(crate) use helpers::now_rfc3339;

/// The layer of ADR stubs: `adr/` of the template, laid into the lab's ADR
/// folder (`[lab].adr.dir`, default `docs/adr`) instead of the project root.
pub(crate) const ADR_LAYER: &str = "adr";

/// The layers of the learner's starter project: the ADR stubs, `common/`,
/// then the track's overlay.
pub(crate) fn starter_layers(track: Option<&str>) -> Vec<String> {
    let mut layers = vec![ADR_LAYER.to_string(), "common".to_string()];
    if let Some(t) = track {
        layers.push(format!("track/{t}"));
    }
    layers
}

/// The overlay layers of an exercise's solution (empty when it has none).
/// Layers missing from the template render to nothing.
pub(crate) fn solution_layers(ex: &Exercise, track: Option<&str>) -> Vec<String> {
    let Some(sol) = &ex.solution else {
        return Vec::new();
    };
    let sol = sol.trim_end_matches('/');
    let mut layers = vec![format!("{sol}/common")];
    if let Some(t) = track {
        layers.push(format!("{sol}/{t}"));
    }
    layers
}

/// A handlebars registry and context for one lab, track and set of answers.
pub(crate) struct Renderer {
    /// Made on first use: most labs render without handlebars (`direct`),
    /// and making the registry (its helpers) cost a tenth of rendering one.
    hb: std::sync::OnceLock<Handlebars<'static>>,
    ctx: Value,
    /// `ctx` as handlebars holds it, made once for every file.
    hb_ctx: Context,
    /// Compiled pieces of templates (module `split`) by their text: the
    /// same `{{name}}` or block in many files is parsed once.
    compiled: Mutex<HashMap<String, Arc<Template>>>,
    /// The folder errors point into (`labs/x/`, `<builtin>/x/`).
    base: PathBuf,
}

impl Renderer {
    pub(crate) fn new(lab: &Lab, track: Option<&str>, answers: &toml::Table) -> Result<Renderer> {
        let mut ctx = serde_json::to_value(answers)
            .map_err(|e| Error::new(format!("could not use the answers in templates: {e}")))?;
        let m = &lab.manifest;
        let obj = ctx
            .as_object_mut()
            .expect("a table serialises to an object");
        obj.insert(
            "lab".into(),
            json!({ "id": m.id(), "title": m.lab.title, "version": m.version(), "summary": m.lab.summary }),
        );
        if let Some(t) = track {
            obj.insert("track".into(), json!(t));
        }
        obj.insert("now".into(), json!(now_rfc3339()));
        obj.insert(
            "labforge".into(),
            json!({ "version": env!("CARGO_PKG_VERSION") }),
        );
        let base = lab
            .manifest_path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default();
        Renderer::with_context(ctx, base)
    }

    /// The registry (strict, no escaping, the helpers) over the context
    /// `ctx`; errors point into `base`.
    fn with_context(ctx: Value, base: PathBuf) -> Result<Renderer> {
        let hb = std::sync::OnceLock::new();
        let hb_ctx = Context::wraps(&ctx)
            .map_err(|e| Error::new(format!("could not use the answers in templates: {e}")))?;
        Ok(Renderer {
            hb,
            ctx,
            hb_ctx,
            compiled: Mutex::default(),
            base,
        })
    }

    /// The registry: strict, no escaping, the helpers.
    fn hb(&self) -> &Handlebars<'static> {
        self.hb.get_or_init(|| {
            let mut hb = Handlebars::new();
            hb.set_strict_mode(true);
            hb.register_escape_fn(handlebars::no_escape);
            helpers::register(&mut hb);
            hb
        })
    }

    /// Renders `text`, the template at `name` (a template-relative path
    /// named in errors, with line and column).
    ///
    /// The output is byte for byte the one of handlebars on the whole
    /// template; literal lines skip the parser (module `split`), and any
    /// error comes from the whole template.
    pub(crate) fn render(&self, name: &str, text: &str) -> Result<String> {
        if let Some(out) = self.render_split(text) {
            return Ok(out);
        }
        self.render_whole(text).map_err(|e| self.error(name, e))
    }

    /// The fast path (module `split`, then `direct` or a compiled piece), or
    /// `None` when the template must go to handlebars whole.
    fn render_split(&self, text: &str) -> Option<String> {
        split::plan(text).and_then(|plan| self.render_plan(text, &plan))
    }

    /// Handlebars on the whole template: the reference semantics.
    fn render_whole(&self, text: &str) -> std::result::Result<String, RenderError> {
        self.hb().render_template_with_context(text, &self.hb_ctx)
    }

    /// Renders the segments of `text`, or `None` on any error (the caller
    /// then renders the whole template, for the error and its position).
    fn render_plan(&self, text: &str, plan: &[split::Segment]) -> Option<String> {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        for segment in plan {
            match segment {
                split::Segment::Literal(range) => out.push_str(&text[range.clone()]),
                split::Segment::Piece { range, literals } => {
                    if direct::render(&text[range.clone()], &self.ctx, &mut out).is_some() {
                        continue;
                    }
                    let piece = self.compile(text, range, literals)?;
                    // As `render_template_with_context` does it.
                    let mut rc = RenderContext::new(None);
                    piece
                        .render(self.hb(), &self.hb_ctx, &mut rc, &mut Sink(&mut out))
                        .ok()?;
                }
            }
        }
        Some(out)
    }

    /// Renders a string from lab.toml (a default, a `when` condition);
    /// errors quote it instead of pointing into a file.
    pub(crate) fn render_inline(&self, text: &str) -> Result<String> {
        if let Some(out) = self.render_split(text) {
            return Ok(out);
        }
        self.render_whole(text).map_err(|e| {
            let (message, help) = describe(&e, &self.ctx);
            Error::new(format!("could not render `{text}`: {message}")).with_help(help)
        })
    }

    /// The compiled piece `range` of `text`, or `None` if it does not
    /// parse. Handlebars compiles the piece with its `literals` as
    /// placeholders (as `render_template_with_context` compiles); that
    /// skeleton is cached by its text, so pieces that differ only in their
    /// literal text are compiled once, and each gets a copy with its own
    /// text put back as raw strings.
    fn compile(
        &self,
        text: &str,
        range: &std::ops::Range<usize>,
        literals: &[std::ops::Range<usize>],
    ) -> Option<Arc<Template>> {
        let (source, runs) = split::Segment::source(text, range, literals);
        let cached = self.compiled.lock().ok()?.get(&source).cloned();
        let skeleton = match cached {
            Some(t) => t,
            None => {
                let t = Arc::new(Template::compile(&source).ok()?);
                self.compiled.lock().ok()?.insert(source, Arc::clone(&t));
                t
            }
        };
        if runs.is_empty() {
            return Some(skeleton);
        }
        let mut piece = (*skeleton).clone();
        let mut left = runs.len();
        put_back_literals(&mut piece, &runs, &mut left);
        if left != 0 {
            return None; // a placeholder was not read as one: render whole
        }
        Some(Arc::new(piece))
    }

    fn error(&self, name: &str, e: RenderError) -> Error {
        let (message, help) = describe(&e, &self.ctx);
        let file = self.base.join(name);
        let err = Error::new(format!("could not render `{name}`: {message}")).with_help(help);
        match (e.line_no, e.column_no) {
            (Some(l), Some(c)) => err.at(file, l, c),
            _ => err.in_file(file),
        }
    }
}

/// Replaces each placeholder expression `{{__lfN}}` of `t` (and of the
/// blocks inside it) by `runs[N]` as raw text, counting down `left`.
fn put_back_literals(t: &mut Template, runs: &[&str], left: &mut usize) {
    use handlebars::template::TemplateElement;
    for element in &mut t.elements {
        match element {
            TemplateElement::Expression(h) if h.params.is_empty() && h.hash.is_empty() => {
                let n = h
                    .name
                    .as_name()
                    .and_then(|n| n.strip_prefix("__lf"))
                    .and_then(|n| n.parse::<usize>().ok());
                if let Some(run) = n.and_then(|n| runs.get(n)) {
                    *element = TemplateElement::RawString((*run).to_string());
                    *left -= 1;
                }
            }
            TemplateElement::HelperBlock(h) => {
                for inner in [&mut h.template, &mut h.inverse].into_iter().flatten() {
                    put_back_literals(inner, runs, left);
                }
            }
            _ => {}
        }
    }
}

/// Handlebars output straight into a `String`.
struct Sink<'a>(&'a mut String);

impl Output for Sink<'_> {
    fn write(&mut self, seg: &str) -> std::io::Result<()> {
        self.0.push_str(seg);
        Ok(())
    }
}

fn describe(e: &RenderError, ctx: &Value) -> (String, String) {
    let known: Vec<&str> = ctx
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    match e.reason() {
        RenderErrorReason::MissingVariable(path) => (
            format!("`{}` is not defined", path.as_deref().unwrap_or("?")),
            format!(
                "templates see: {}; declare a `[variable.NAME]` in lab.toml, or guard optional values with {{{{#if NAME}}}}",
                known.join(", ")
            ),
        ),
        RenderErrorReason::TemplateError(t) => (
            format!("the template does not parse: {}", t.reason()),
            "fix the handlebars syntax; to keep `{{` literally, rename the file without `.hbs` or write \\{{".into(),
        ),
        other => (other.to_string(), "see docs/lab-format.md for the helpers and values templates can use".into()),
    }
}

/// Renders the `layers` of `lab` (later layers win) into path → entry.
/// Solutions are never part of the starter: callers pass [`starter_layers`]
/// for a new project, and [`solution_layers`] only to lay a solution over.
pub(crate) fn render_layers(
    lab: &Lab,
    layers: &[String],
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<BTreeMap<String, Entry>> {
    let plan = plan_layers(lab, layers, track, answers)?;
    finish_layers(plan, |full| match lab.tree.entries.get(full) {
        Some(Entry::File { bytes, .. }) => bytes.clone(),
        _ => Cow::Borrowed(&[]),
    })
}

/// The rendered `layers` of a lab, before the copied files' bytes are
/// taken ([`plan_starter`], then [`finish_taking`]).
pub(crate) struct Plan(Vec<(String, Planned)>);

/// The first half of [`render_layers`] for `new`: renders the templates
/// and paths of `layers`, reading `lab` only (so `new` can hash the
/// template on another thread meanwhile).
pub(crate) fn plan_starter(
    lab: &Lab,
    layers: &[String],
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<Plan> {
    plan_layers(lab, layers, track, answers).map(Plan)
}

/// The second half: the entries of `plan`, with the bytes of copied (not
/// rendered) files moved out of `lab`'s tree instead of copied, so `new`
/// never holds two copies of the template (issue 14: peak memory). The
/// tree keeps their paths with empty contents: take [`Lab::digest`] before.
pub(crate) fn finish_taking(lab: &mut Lab, plan: Plan) -> Result<BTreeMap<String, Entry>> {
    let Plan(plan) = plan;
    let entries = &mut lab.tree.entries;
    // A built-in lab's bytes stay borrowed from the binary (never copied);
    // a lab read from disk gives its buffers away.
    finish_layers(plan, |full| match entries.get_mut(full) {
        Some(Entry::File { bytes, .. }) => std::mem::take(bytes),
        _ => Cow::Borrowed(&[]),
    })
}

/// A rendered entry, or a file to copy as it is (its bytes are filled in by
/// [`finish_layers`], from the template path).
enum Planned {
    Done(Entry),
    Copy { full: String, executable: bool },
}

/// Renders the paths and `.hbs` contents of `layers`: (destination path,
/// what goes there), in layer order.
fn plan_layers(
    lab: &Lab,
    layers: &[String],
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<Vec<(String, Planned)>> {
    let r = Renderer::new(lab, track, answers)?;
    let adr_dir = format!("{}/", lab.manifest.adr_settings().dir.trim_end_matches('/'));
    // (template path, path inside the layer, entry, destination prefix)
    let mut items: Vec<(&str, &str, &Entry, &str)> = Vec::new();
    for layer in layers {
        let layer = layer.trim_end_matches('/');
        let prefix = format!("{layer}/");
        let dest_prefix = if layer == ADR_LAYER {
            adr_dir.as_str()
        } else {
            ""
        };
        for (full, entry) in lab.tree.entries.range(prefix.clone()..) {
            let Some(key) = full.strip_prefix(&prefix) else {
                break;
            };
            items.push((full, key, entry, dest_prefix));
        }
    }
    // Rendering is CPU-bound (handlebars' parser is the hot spot), so items
    // render in parallel; results come back in order and later layers win.
    crate::parallel::map(&items, |(full, key, entry, dest)| {
        render_entry(&r, full, key, entry).map(|(path, e)| (format!("{dest}{path}"), e))
    })
    .into_iter()
    .collect()
}

/// The entries of a plan (later layers win), copied files' bytes from
/// `bytes_of(template path)`; then the checks on the whole tree.
fn finish_layers(
    plan: Vec<(String, Planned)>,
    mut bytes_of: impl FnMut(&str) -> Cow<'static, [u8]>,
) -> Result<BTreeMap<String, Entry>> {
    let mut out = BTreeMap::new();
    for (path, planned) in plan {
        let entry = match planned {
            Planned::Done(e) => e,
            Planned::Copy { full, executable } => Entry::File {
                bytes: bytes_of(&full),
                executable,
            },
        };
        out.insert(path, entry);
    }
    check_no_file_dir_clash(&out)?;
    // Layers move files (`track/<t>/` is stripped), so the rendered links
    // are resolved again, together, where they will really be.
    crate::pathgate::check_tree_links(&out, "the lab").map_err(|(_, e)| e)?;
    Ok(out)
}

/// Renders one template entry: its path (checked), and its contents when
/// it is a `.hbs` file (a file copied as it is is only planned).
fn render_entry(r: &Renderer, full: &str, key: &str, entry: &Entry) -> Result<(String, Planned)> {
    let is_hbs = key.ends_with(".hbs") && matches!(entry, Entry::File { .. });
    let path = paths::render_path(key, full, is_hbs, |part| r.render(full, part))?;
    let rendered = match entry {
        Entry::File { bytes, executable } if is_hbs => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Error::new(format!(
                    "`{full}` is not UTF-8 text, so it cannot be rendered"
                ))
                .in_file(r.base.join(full))
                .with_help("drop the `.hbs` suffix to copy the file byte for byte")
            })?;
            let text = r.render(full, text)?;
            let executable = *executable || text.starts_with("#!");
            Planned::Done(Entry::File {
                bytes: text.into_bytes().into(),
                executable,
            })
        }
        Entry::File { bytes, executable } => Planned::Copy {
            full: full.to_string(),
            executable: *executable || bytes.starts_with(b"#!"),
        },
        Entry::Symlink(target) => {
            check_link_inside(&path, std::path::Path::new(target))
                .map_err(|e| e.in_file(r.base.join(full)))?;
            Planned::Done(Entry::Symlink(target.clone()))
        }
    };
    Ok((path, rendered))
}

/// Renders one string over the same context as files (`{{lab.id}}`, answers).
pub(crate) fn render_str(
    template: &str,
    lab: &Lab,
    track: Option<&str>,
    answers: &toml::Table,
) -> Result<String> {
    Renderer::new(lab, track, answers)?.render_inline(template)
}

fn check_no_file_dir_clash(out: &BTreeMap<String, Entry>) -> Result<()> {
    for key in out.keys() {
        let mut prefix = key.as_str();
        while let Some((parent, _)) = prefix.rsplit_once('/') {
            if out.contains_key(parent) {
                return Err(Error::new(format!(
                    "`{parent}` would be both a file and a folder (because of `{key}`)"
                ))
                .with_help(
                    "rename one of them in the template, or change the answer that names them",
                ));
            }
            prefix = parent;
        }
    }
    Ok(())
}
