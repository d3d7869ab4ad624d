fn main() -> std::process::ExitCode {
    labforge::main()
}
