//! `labforge template init|lint|test|pack`: tools for lab authors.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::error::{Result, Status};

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Create a working skeleton lab: one exercise, one check, one ADR stub, a solution
    Init(InitArgs),
    /// Check a lab template without running anything
    Lint(LintArgs),
    /// Prove a lab works: every check fails on the starter and passes with the solutions
    Test(TestArgs),
    /// Pack a lab template into a reproducible tarball and print its sha256
    Pack(PackArgs),
    /// Convert a lab template to schema 2: each solution folder keeps only the files its exercise changes
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create
    pub dir: PathBuf,
    /// The lab id (default: the folder name)
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// The lab template (folder, built-in id or source)
    pub lab: String,
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// The lab template (folder, built-in id or source)
    pub lab: String,
    /// Test only this track
    #[arg(long)]
    pub track: Option<String>,
    /// Write the expected CSVs of `sql` checks from the reference solution
    #[arg(long)]
    pub bless: bool,
    /// Keep the rendered folders for inspection
    #[arg(long)]
    pub keep: bool,
    /// Print JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// Run commands of a lab that is not built in without asking
    #[arg(long)]
    pub trust: bool,
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// The lab template folder
    pub dir: PathBuf,
    /// Where to write the tarball (default: ID-VERSION.tar.gz)
    #[arg(short, long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The lab template folder
    pub dir: PathBuf,
    /// Write the migrated lab into this new folder instead of changing DIR
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(cmd: TemplateCommand) -> Result<Status> {
    match cmd {
        TemplateCommand::Init(a) => init(a),
        TemplateCommand::Lint(a) => lint(a),
        TemplateCommand::Test(a) => test(a),
        TemplateCommand::Pack(a) => pack(a),
        TemplateCommand::Migrate(a) => migrate(a),
    }
}

/// `template init DIR [--id ID]` (H4: authoring).
fn init(args: InitArgs) -> Result<Status> {
    let (id, files) = crate::authoring::init(&args.dir, args.id.as_deref())?;
    eprintln!("created the lab `{id}` in {}:", args.dir.display());
    for f in files {
        eprintln!("  {f}");
    }
    eprintln!(
        "next: `labforge template test {}`, then edit lab.toml and the files above",
        args.dir.display()
    );
    Ok(Status::Success)
}

/// `template pack DIR [-o OUT]` (H4: authoring): the sha256 on stdout, in
/// `sha256sum` format.
fn pack(args: PackArgs) -> Result<Status> {
    let p = crate::authoring::pack(&args.dir, args.out.as_deref())?;
    println!("{}  {}", p.sha256, p.out.display());
    eprintln!(
        "packed {} files ({} bytes); share it as URL#sha256={}",
        p.files, p.bytes, p.sha256
    );
    Ok(Status::Success)
}

/// `template migrate DIR [--out DIR2]` (issue 14): what changed on stdout.
fn migrate(args: MigrateArgs) -> Result<Status> {
    let plan = crate::solution::migrate::migrate(&args.dir, args.out.as_deref())?;
    let into = args.out.as_ref().unwrap_or(&args.dir);
    if plan.is_empty() {
        println!(
            "{}: nothing to change (schema 2, every solution file changes its exercise)",
            into.display()
        );
        return Ok(Status::Success);
    }
    for (folder, kept, dropped) in &plan.folders {
        let copies = match dropped.len() {
            1 => "1 copy".to_string(),
            n => format!("{n} copies"),
        };
        println!("{folder}: kept {kept} file(s), removed {copies}");
    }
    if plan.manifest.is_some() {
        println!("lab.toml: schema = 2");
    }
    eprintln!(
        "migrated into {}; check it with `labforge template test {}`",
        into.display(),
        into.display()
    );
    Ok(Status::Success)
}

/// `template lint LAB [--json]` (H2: self-test): findings on stdout.
fn lint(args: LintArgs) -> Result<Status> {
    let lab = crate::source::load(&args.lab, &crate::source::FetchOptions::default())?;
    let findings = crate::selftest::lint::lint(&lab);
    let errors = findings
        .iter()
        .filter(|f| f.level == crate::selftest::lint::Level::Error)
        .count();
    if args.json {
        let v = serde_json::json!({"lab": lab.manifest.lab_ref(), "findings": findings});
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    } else {
        for f in &findings {
            println!("{}", f.render());
        }
        let warnings = findings.len() - errors;
        match errors {
            0 => eprintln!(
                "{}: no errors, {warnings} warning(s)",
                lab.manifest.lab_ref()
            ),
            n => eprintln!(
                "{}: {n} error(s), {warnings} warning(s)",
                lab.manifest.lab_ref()
            ),
        }
    }
    Ok(if errors > 0 {
        Status::No
    } else {
        Status::Success
    })
}

/// `template test LAB [--track T] [--bless] [--keep] [--json]` (H2: self-test).
fn test(args: TestArgs) -> Result<Status> {
    let lab = crate::source::load(&args.lab, &crate::source::FetchOptions::default())?;
    crate::trust::ensure_trusted(&crate::trust::Subject::of(&lab.origin), args.trust)?;
    let opts = crate::selftest::Options {
        track: args.track,
        bless: args.bless,
        keep: args.keep,
    };
    let report = crate::selftest::test_lab(&lab, &opts)?;
    if args.json {
        print!("{}", report.to_json());
    } else {
        print!("{}", report.render());
    }
    Ok(report.exit_status())
}
