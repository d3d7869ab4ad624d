//! The completion helper adr-tools' shell completion script calls; `cargo
//! install` puts it beside `adr`.
fn main() -> std::process::ExitCode {
    labforge::adr::complete::main()
}
