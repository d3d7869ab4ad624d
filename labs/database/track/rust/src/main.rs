//! `cargo run -- build-db shop.db` and `cargo run -- migrate shop.db`.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage:
  shop build-db PATH [--force] [--version N]
      a fresh shop: schema, seed, later migrations (up to version N);
      records the version in PRAGMA user_version, as the migrator would
  shop migrate PATH
      apply pending migrations (exercise 7)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["build-db", path, options @ ..] => match BuildOptions::parse(options) {
            Some(options) => build_db(Path::new(path), options),
            None => return usage(),
        },
        ["migrate", path] => migrate(Path::new(path)),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

struct BuildOptions {
    force: bool,
    version: Option<u32>,
}

impl BuildOptions {
    fn parse(options: &[&str]) -> Option<BuildOptions> {
        let mut parsed = BuildOptions {
            force: false,
            version: None,
        };
        let mut rest = options.iter();
        while let Some(option) = rest.next() {
            match *option {
                "--force" => parsed.force = true,
                "--version" => parsed.version = Some(rest.next()?.parse().ok()?),
                _ => return None,
            }
        }
        Some(parsed)
    }
}

fn build_db(path: &Path, options: BuildOptions) -> shop::Result<()> {
    if path.exists() {
        if !options.force {
            return Err(shop::Error::InvalidInput(format!(
                "{} exists; add --force to replace it",
                path.display()
            )));
        }
        std::fs::remove_file(path).map_err(|source| shop::Error::Io {
            path: path.into(),
            source,
        })?;
    }
    let root = shop::db::root();
    let conn = shop::db::open(path)?;
    shop::db::build_into(&conn, &root, options.version)?;
    // Record the version, as the migrator would, so `migrate` continues from here.
    let files: Vec<_> = shop::db::migration_files(&root.join("migrations"))?
        .into_iter()
        .filter(|(v, _)| options.version.is_none_or(|max| *v <= max))
        .collect();
    // A migration that still holds its TODO(lab) marker is not written yet:
    // the version stops below it, so `migrate` applies it once it is.
    let todo: Vec<_> = files
        .iter()
        // (Version 1 is the schema every build starts from, finished or not.)
        .filter(|(v, p)| {
            *v > 1 && std::fs::read_to_string(p).is_ok_and(|text| text.contains("TODO(lab)"))
        })
        .collect();
    let first_todo = todo.iter().map(|(v, _)| *v).min();
    let version = files
        .iter()
        .map(|(v, _)| *v)
        .filter(|v| first_todo.is_none_or(|t| *v < t))
        .max()
        .unwrap_or(0);
    conn.pragma_update(None, "user_version", version)?;
    let note = if todo.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = todo
            .iter()
            .filter_map(|(_, p)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        format!(" ({} still holds TODO(lab): not counted)", names.join(", "))
    };
    println!("built {} at schema version {version}{note}", path.display());
    Ok(())
}

fn migrate(path: &Path) -> shop::Result<()> {
    let mut conn = shop::db::open(path)?;
    let applied = shop::migrate::migrate(&mut conn, &shop::db::root().join("migrations"))?;
    if applied.is_empty() {
        println!("{}: up to date", path.display());
    } else {
        let names: Vec<String> = applied.iter().map(|v| format!("{v:04}")).collect();
        println!("{}: applied {}", path.display(), names.join(", "));
    }
    Ok(())
}
