//! `cargo run -- build-db shop.db` and `cargo run -- migrate shop.db`.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage:
  shop build-db PATH [--force]   a fresh shop (schema, seed, later migrations)
  shop migrate PATH              apply pending migrations (exercise 7)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["build-db", path, rest @ ..] => build_db(Path::new(path), rest.contains(&"--force")),
        ["migrate", path] => migrate(Path::new(path)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn build_db(path: &Path, force: bool) -> shop::Result<()> {
    if path.exists() {
        if !force {
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
    let conn = shop::db::open(path)?;
    shop::db::build_into(&conn, &shop::db::root(), None)?;
    println!("built {}", path.display());
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
