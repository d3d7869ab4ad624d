//! `labforge catalog add|list|remove|update`: team catalogs of labs.

use clap::{Args, Subcommand};

use crate::catalog;
use crate::error::{Error, Result, Status};

#[derive(Debug, Subcommand)]
pub(crate) enum CatalogCommand {
    /// Add a catalog (a catalog.toml in a git repository, a folder, or at a URL)
    Add(CatalogAddArgs),
    /// List the catalogs
    List(CatalogListArgs),
    /// Remove a catalog
    Remove(CatalogRemoveArgs),
    /// Fetch catalogs again
    Update(CatalogUpdateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CatalogAddArgs {
    /// A short name; its labs are then NAME/LAB
    pub(crate) name: String,
    /// A git URL (with #REF and //SUBFOLDER), a folder, or an http(s) URL of a catalog.toml
    pub(crate) source: String,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogListArgs {
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogRemoveArgs {
    /// The catalog's name
    pub(crate) name: String,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogUpdateArgs {
    /// Only this catalog (default: all)
    pub(crate) name: Option<String>,
}

pub(crate) fn run(cmd: CatalogCommand) -> Result<Status> {
    match cmd {
        CatalogCommand::Add(a) => {
            let n = catalog::add(&a.name, &a.source)?;
            crate::eoutln!(
                "added the catalog `{}` ({n} {}); `labforge list` shows its labs as {}/LAB",
                a.name,
                labs(n),
                a.name
            );
        }
        CatalogCommand::List(a) => list(a.json)?,
        CatalogCommand::Remove(a) => {
            catalog::remove(&a.name)?;
            crate::eoutln!("removed the catalog `{}`", a.name);
        }
        CatalogCommand::Update(a) => {
            let done = catalog::update(a.name.as_deref())?;
            if done.is_empty() {
                crate::eoutln!(
                    "no catalogs to update; `labforge catalog add NAME SOURCE` adds one"
                );
            }
            for (name, n) in done {
                crate::eoutln!("updated the catalog `{name}` ({n} {})", labs(n));
            }
        }
    }
    Ok(Status::Success)
}

fn labs(n: usize) -> &'static str {
    if n == 1 { "lab" } else { "labs" }
}

#[derive(serde::Serialize)]
struct Row {
    name: String,
    title: Option<String>,
    source: String,
    labs: Vec<String>,
}

fn list(json: bool) -> Result<()> {
    let rows: Vec<Row> = catalog::catalogs()?
        .into_iter()
        .map(|(name, reg, cat)| Row {
            labs: cat
                .lab
                .iter()
                .map(|l| l.get_ref().id.get_ref().clone())
                .collect(),
            name,
            title: cat.title,
            source: reg.source,
        })
        .collect();
    if json {
        let text = serde_json::to_string_pretty(&rows)
            .map_err(|e| Error::new(format!("could not encode JSON: {e}")))?;
        crate::outln!("{text}")?;
        return Ok(());
    }
    if rows.is_empty() {
        crate::eoutln!("no catalogs yet; `labforge catalog add NAME SOURCE` adds one");
        return Ok(());
    }
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
    crate::outln!("{:<width$}  LABS  SOURCE", "NAME")?;
    for r in rows {
        crate::outln!("{:<width$}  {:<4}  {}", r.name, r.labs.len(), r.source)?;
    }
    Ok(())
}
