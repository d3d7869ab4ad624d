//! include_dir! does not notice files added under an embedded folder, so tell
//! cargo to rebuild when anything under `labs/` or `templates/` changes.
// Cargo reads a build script's instructions from its stdout.
#[allow(clippy::print_stdout)]
fn main() {
    println!("cargo:rerun-if-changed=labs");
    println!("cargo:rerun-if-changed=templates");
}
