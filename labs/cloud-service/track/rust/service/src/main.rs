//! `notes-service`: configuration from the environment, then serve.
//! Exit codes: 0 after a clean shutdown, 2 when the configuration is invalid.

fn main() -> std::process::ExitCode {
    notes_service::server::main()
}
