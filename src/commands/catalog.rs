//! `labforge catalog add|list|remove|update`: team catalogs of labs.

use clap::{Args, Subcommand};

use crate::error::{Result, Status};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
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
pub struct CatalogAddArgs {
    pub name: String,
    pub source: String,
}

#[derive(Debug, Args)]
pub struct CatalogListArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CatalogRemoveArgs {
    pub name: String,
}

#[derive(Debug, Args)]
pub struct CatalogUpdateArgs {
    /// Only this catalog (default: all)
    pub name: Option<String>,
}

pub fn run(_cmd: CatalogCommand) -> Result<Status> {
    Err(super::not_built("labforge catalog"))
}
