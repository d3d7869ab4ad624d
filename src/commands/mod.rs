//! One module per subcommand. A command turns its clap arguments into the
//! plain option structs of the library, calls it, and prints the result.

pub(crate) mod adr;
pub(crate) mod catalog;
pub(crate) mod check;
pub(crate) mod cohort;
pub(crate) mod completions;
pub(crate) mod list;
pub(crate) mod new;
pub(crate) mod show;
pub(crate) mod template;
pub(crate) mod undo;
pub(crate) mod update;

use crate::cli::{Cli, Command};
use crate::error::{Result, Status};

pub(crate) fn dispatch(cli: Cli) -> Result<Status> {
    match cli.command {
        Command::New(a) => new::run(a),
        Command::List(a) => list::run(a),
        Command::Show(a) => show::run(a),
        Command::Setup(a) => check::setup(a),
        Command::Check(a) => check::check(a),
        Command::Hint(a) => check::hint(a),
        Command::Next(a) => check::next(a),
        Command::Status(a) => check::status(a),
        Command::Reset(a) => check::reset(a),
        Command::Solution(a) => check::solution(a),
        Command::Restore(a) => check::restore(a),
        Command::Update(a) => update::run(a),
        Command::Undo(a) => undo::run(a),
        Command::Adr(a) => adr::run(a),
        Command::Template(c) => template::run(c),
        Command::Catalog(c) => catalog::run(c),
        Command::Cohort(c) => cohort::run(c),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    }
}
