//! `labforge template init|lint|test|pack`: tools for lab authors.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::error::{Result, Status};

#[derive(Debug, Subcommand)]
pub(crate) enum TemplateCommand {
    /// Create a working skeleton lab: one exercise, one check, one ADR stub, a solution
    Init(InitArgs),
    /// Check a lab template without running anything
    Lint(LintArgs),
    /// Prove a lab works: every check fails on the starter and passes with the solutions
    Test(TestArgs),
    /// Pack a lab template into a reproducible tarball and print its sha256
    Pack(PackArgs),
    /// Convert a lab template to schema 2 (each solution folder keeps only the files its exercise changes) and its overlay mutants to patches
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The folder to create
    pub(crate) dir: PathBuf,
    /// The lab id (default: the folder name)
    #[arg(long)]
    pub(crate) id: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// The lab template (folder, built-in id or source)
    pub(crate) lab: String,
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// The lab template (folder, built-in id or source)
    pub(crate) lab: String,
    /// Test only this track
    #[arg(long)]
    pub(crate) track: Option<String>,
    /// Write the expected CSVs of `sql` checks from the reference solution
    #[arg(long)]
    pub(crate) bless: bool,
    /// Keep the rendered folders for inspection
    #[arg(long)]
    pub(crate) keep: bool,
    /// Print JSON on stdout
    #[arg(long)]
    pub(crate) json: bool,
    /// Run commands of a lab that is not built in without asking
    #[arg(long)]
    pub(crate) trust: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PackArgs {
    /// The lab template folder
    pub(crate) dir: PathBuf,
    /// Where to write the tarball (default: ID-VERSION.tar.gz)
    #[arg(short, long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    /// The lab template folder
    pub(crate) dir: PathBuf,
    /// Write the migrated lab into this new folder instead of changing DIR
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

pub(crate) fn run(cmd: TemplateCommand) -> Result<Status> {
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
    crate::eoutln!("created the lab `{id}` in {}:", args.dir.display());
    for f in files {
        crate::eoutln!("  {f}");
    }
    crate::eoutln!(
        "next: `labforge template test {}`, then edit lab.toml and the files above",
        args.dir.display()
    );
    Ok(Status::Success)
}

/// `template pack DIR [-o OUT]` (H4: authoring): the sha256 on stdout, in
/// `sha256sum` format.
fn pack(args: PackArgs) -> Result<Status> {
    let p = crate::authoring::pack(&args.dir, args.out.as_deref())?;
    crate::outln!("{}  {}", p.sha256, p.out.display())?;
    crate::eoutln!(
        "packed {} files ({} bytes); share it as URL#sha256={}",
        p.files,
        p.bytes,
        p.sha256
    );
    Ok(Status::Success)
}

/// `template migrate DIR [--out DIR2]` (issue 14): what changed on stdout.
fn migrate(args: MigrateArgs) -> Result<Status> {
    let plan = crate::selftest::migrate::migrate(&args.dir, args.out.as_deref())?;
    let into = args.out.as_ref().unwrap_or(&args.dir);
    let kept = || -> Result<()> {
        for (dir, why) in &plan.mutants.kept {
            crate::outln!("{dir}: kept as overlay files: {why}")?;
        }
        Ok(())
    };
    if plan.is_empty() {
        crate::outln!(
            "{}: nothing to change (schema 2, every solution file changes its exercise, no overlay mutant to turn into a patch)",
            into.display()
        )?;
        kept()?;
        return Ok(Status::Success);
    }
    for (folder, kept, dropped) in &plan.folders {
        let copies = match dropped.len() {
            1 => "1 copy".to_string(),
            n => format!("{n} copies"),
        };
        crate::outln!("{folder}: kept {kept} file(s), removed {copies}")?;
    }
    for c in &plan.mutants.converted {
        crate::outln!(
            "{}: {} ({} file(s)) replaces {} overlay file(s)",
            c.dir,
            crate::selftest::patch::PATCH_FILE,
            c.sections,
            c.removed.len()
        )?;
    }
    kept()?;
    if plan.manifest.is_some() {
        crate::outln!("lab.toml: schema = 2")?;
    }
    crate::eoutln!(
        "migrated into {}; check it with `labforge template test {}`",
        into.display(),
        into.display()
    );
    Ok(Status::Success)
}

/// `template lint LAB [--json]` (H2: self-test): findings on stdout.
fn lint(args: LintArgs) -> Result<Status> {
    let lab = crate::source::load(&args.lab, &crate::source::FetchOptions::default())?;
    lab.validate()?;
    let findings = crate::selftest::lint::lint(&lab);
    let errors = findings
        .iter()
        .filter(|f| f.level == crate::selftest::lint::Level::Error)
        .count();
    if args.json {
        let v = serde_json::json!({"lab": lab.manifest.lab_ref(), "findings": findings});
        crate::outln!("{}", serde_json::to_string_pretty(&v).expect("json"))?;
    } else {
        for f in &findings {
            crate::outln!("{}", f.render())?;
        }
        let warnings = findings.len() - errors;
        match errors {
            0 => crate::eoutln!(
                "{}: no errors, {warnings} warning(s)",
                lab.manifest.lab_ref()
            ),
            n => crate::eoutln!(
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
    lab.validate()?;
    crate::trust::ensure_trusted_with(
        &crate::trust::Subject::of(&lab.origin),
        args.trust,
        &format!(
            "--trust lets this template's setup commands and checks run on this machine: for your own template, `labforge template test {} --trust`",
            args.lab
        ),
    )?;
    let opts = crate::selftest::Options {
        track: args.track,
        bless: args.bless,
        keep: args.keep,
    };
    let report = crate::selftest::test_lab(&lab, &opts)?;
    // After Ctrl-C the report is only of what was cut short: not shown.
    crate::interrupt::check()?;
    if args.json {
        crate::out!("{}", report.to_json())?;
    } else {
        crate::out!("{}", report.render())?;
    }
    Ok(report.exit_status())
}
