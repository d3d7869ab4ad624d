fn main() -> std::process::ExitCode {
    labforge::adr_main()
}
