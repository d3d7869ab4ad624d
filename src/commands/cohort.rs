//! `labforge cohort …`: the mentor's view of a cohort (see `crate::cohort`).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cohort::{self, Cohort, Learner, grade, report, sync};
use crate::error::{Result, Status};

#[derive(Debug, Subcommand)]
pub(crate) enum CohortCommand {
    /// Start a cohort: write cohort.toml (the lab source and, later, the learners)
    Init(InitArgs),
    /// Add a learner: a name and their lab's git repository (URL or local folder)
    Add(AddArgs),
    /// Remove a learner (and their cached repository)
    Remove(RemoveArgs),
    /// List the learners and what the last sync fetched
    List(DirArg),
    /// Fetch every learner's repository into the cohort's cache
    Sync(SyncArgs),
    /// Re-run the lab's checks on every learner's fetched commit
    Grade(GradeArgs),
    /// Write the last grades as one offline HTML page (with each learner's ADRs)
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DirArg {
    /// The cohort's folder (holding cohort.toml)
    #[arg(long, default_value = ".")]
    pub(crate) dir: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The cohort's folder
    #[arg(default_value = ".")]
    pub(crate) dir: PathBuf,
    /// The lab: a built-in id, a folder, a git URL or a tarball URL
    #[arg(long)]
    pub(crate) lab: String,
    /// The lab version the cohort works on
    #[arg(long)]
    pub(crate) version: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// A short name (it names a folder): lower-case letters, digits, - _ .
    pub(crate) name: String,
    /// The learner's lab repository: a git URL or a local folder
    pub(crate) repo: String,
    /// The branch to grade (default: the repository's default branch)
    #[arg(long)]
    pub(crate) branch: Option<String>,
    #[command(flatten)]
    pub(crate) dir: DirArg,
}

#[derive(Debug, Args)]
pub(crate) struct RemoveArgs {
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) dir: DirArg,
}

#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// Fetches at a time
    #[arg(long, default_value_t = 4)]
    pub(crate) jobs: usize,
    #[command(flatten)]
    pub(crate) dir: DirArg,
}

#[derive(Debug, Args)]
pub(crate) struct GradeArgs {
    /// Grade one exercise only
    #[arg(long)]
    pub(crate) exercise: Option<String>,
    /// Learners graded at a time
    #[arg(long, default_value_t = 2)]
    pub(crate) jobs: usize,
    /// Run the learners' code without asking (grading runs it)
    #[arg(long)]
    pub(crate) trust: bool,
    /// Print the grades as JSON
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// Print the grades as CSV
    #[arg(long)]
    pub(crate) csv: bool,
    /// Read each learner's CI artifact (DIR/NAME/results.json) instead of running checks
    #[arg(long, value_name = "DIR")]
    pub(crate) from_ci: Option<PathBuf>,
    /// Longest `check` run per learner, in seconds
    #[arg(long, default_value_t = 1200)]
    pub(crate) timeout: u64,
    #[command(flatten)]
    pub(crate) dir: DirArg,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Where to write index.html
    #[arg(long)]
    pub(crate) out: PathBuf,
    #[command(flatten)]
    pub(crate) dir: DirArg,
}

pub(crate) fn run(c: CohortCommand) -> Result<Status> {
    match c {
        CohortCommand::Init(a) => {
            let path = cohort::init(&a.dir, &a.lab, a.version)?;
            crate::eoutln!(
                "wrote {}: add learners with `labforge cohort add NAME REPO`",
                path.display()
            );
        }
        CohortCommand::Add(a) => {
            cohort::add(
                &a.dir.dir,
                Learner {
                    name: a.name.clone(),
                    repo: a.repo,
                    branch: a.branch,
                },
            )?;
            crate::eoutln!("added {}", a.name);
        }
        CohortCommand::Remove(a) => {
            cohort::remove(&a.dir.dir, &a.name)?;
            crate::eoutln!("removed {}", a.name);
        }
        CohortCommand::List(a) => {
            let c = Cohort::load(&a.dir)?;
            let last = sync::last(&a.dir);
            let mut s = String::new();
            for l in &c.learners {
                let state = match last.iter().find(|x| x.name == l.name) {
                    Some(sync::Synced {
                        commit: Some(c), ..
                    }) => format!("synced {}", &c[..c.len().min(8)]),
                    Some(sync::Synced { error: Some(e), .. }) => format!("sync failed: {e}"),
                    _ => "not synced".into(),
                };
                let branch = l
                    .branch
                    .as_deref()
                    .map(|b| format!(" ({b})"))
                    .unwrap_or_default();
                s.push_str(&format!("{}\t{}{branch}\t{state}\n", l.name, l.repo));
            }
            crate::out::print(&s)?;
        }
        CohortCommand::Sync(a) => {
            let c = Cohort::load(&a.dir.dir)?;
            let results = sync::sync(&a.dir.dir, &c, a.jobs)?;
            let failed = results.iter().filter(|r| r.error.is_some()).count();
            crate::eoutln!(
                "synced {} of {} learners",
                results.len() - failed,
                results.len()
            );
            if failed > 0 {
                return Ok(Status::No);
            }
        }
        CohortCommand::Grade(a) => {
            let c = Cohort::load(&a.dir.dir)?;
            let g = grade::grade(
                &a.dir.dir,
                &c,
                &grade::GradeOptions {
                    exercise: a.exercise,
                    jobs: a.jobs,
                    trust: a.trust,
                    timeout: Duration::from_secs(a.timeout),
                    from_ci: a.from_ci,
                },
            )?;
            if a.json {
                crate::out::print(&(serde_json::to_string_pretty(&g).unwrap_or_default() + "\n"))?;
            } else if a.csv {
                crate::out::print(&report::csv(&g))?;
            } else {
                crate::out::print(&report::table(&g))?;
                crate::eout!("{}", report::warnings(&g));
            }
            for s in &g.setups {
                crate::eoutln!(
                    "setup of the {} track: {} once, shared by {} learner(s)",
                    s.track,
                    if s.ran { "ran" } else { "reused" },
                    s.learners
                );
            }
            if g.learners.iter().any(|l| l.error.is_some()) {
                return Ok(Status::No);
            }
        }
        CohortCommand::Report(a) => {
            let c = Cohort::load(&a.dir.dir)?;
            let g = grade::last(&a.dir.dir)?;
            let lab = grade::load_lab(&a.dir.dir, &c)?;
            report::write_html(&g, &a.out, &lab.manifest.adr_settings().dir)?;
            crate::out::print(&format!("{}\n", a.out.join("index.html").display()))?;
        }
    }
    Ok(Status::Success)
}
