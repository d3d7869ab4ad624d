//! include_dir! does not notice files added under an embedded folder, so tell
//! cargo to rebuild when anything under `labs/` or `templates/` changes.
//!
//! Also computes the digest of each built-in lab ([`Lab::digest`] of the
//! embedded tree, the same bytes in the same order) and of each of its files
//! into `$OUT_DIR/builtin_digests.rs`, so `new` and `check` do not hash the
//! whole embedded lab (both tracks, every solution) on each run, nor `new`
//! the files it copies; unit tests in `src/template.rs` compare them with
//! the digests computed at run time.
//!
//! And parses each built-in lab's lab.toml with the crate's own serde types
//! (`src/manifest/types.rs`, compiled in here too) into JSON that keeps every
//! value's place, `$OUT_DIR/builtin_manifests.rs`: a release build reads
//! that instead of parsing the TOML on every run (issue 14: the TOML parser
//! was the largest step of `labforge new`). A unit test in
//! `src/manifest/tests.rs` checks that both give the same manifest.
use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

#[allow(dead_code, unreachable_pub)]
#[path = "src/manifest/types.rs"]
mod types;

// Cargo reads a build script's instructions from its stdout.
#[allow(clippy::print_stdout)]
fn main() {
    println!("cargo:rerun-if-changed=labs");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=src/manifest/types.rs");
    println!("cargo:rerun-if-env-changed=CC");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    link_the_unwinder_statically(&out_dir);

    let mut ids: Vec<_> = std::fs::read_dir("labs")
        .expect("read labs/")
        .map(|e| e.expect("read labs/").path())
        .filter(|p| p.join("lab.toml").is_file())
        .collect();
    ids.sort();
    // Each lab read once: (id, digest of the tree, digests of its files).
    let digests: Vec<(String, String, String)> = ids
        .iter()
        .map(|dir| {
            let mut files = BTreeMap::new();
            walk(dir, dir, &mut files);
            let id = dir.file_name().unwrap().to_string_lossy().into_owned();
            (id, digest(&files), file_digests(&files))
        })
        .collect();
    let mut out =
        String::from("/// (built-in lab id, digest of its embedded tree), by build.rs.\n");
    out.push_str("pub static BUILTIN_DIGESTS: &[(&str, &str)] = &[\n");
    for (id, tree, _) in &digests {
        out.push_str(&format!("    ({id:?}, {tree:?}),\n"));
    }
    out.push_str("];\n");
    out.push_str(
        "/// (built-in lab id, the sha256 of each of its files in path order, hex), by build.rs.\n",
    );
    out.push_str("pub static BUILTIN_FILE_DIGESTS: &[(&str, &str)] = &[\n");
    for (id, _, files) in &digests {
        out.push_str(&format!("    ({id:?}, {files:?}),\n"));
    }
    out.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("builtin_digests.rs"), out)
        .expect("write builtin_digests.rs");

    let mut out = String::from(
        "/// (built-in lab id, its lab.toml parsed into JSON with every place kept), by build.rs.\n",
    );
    out.push_str("pub static BUILTIN_MANIFESTS: &[(&str, &str)] = &[\n");
    for dir in &ids {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("lab.toml")).expect("read a lab.toml");
        // A lab.toml that does not parse is left out: the run-time parser
        // then reports it with its line and column.
        if let Ok(manifest) = toml::from_str::<types::Manifest>(&text) {
            let json = serde_json::to_string(&manifest).expect("a manifest as JSON");
            out.push_str(&format!("    ({id:?}, {json:?}),\n"));
        }
    }
    out.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("builtin_manifests.rs"), out)
        .expect("write builtin_manifests.rs");
}

/// On Linux with glibc, Rust's standard library links GCC's unwinder as the
/// shared `libgcc_s.so.1`, whose constructor probes the CPU (`cpuid` traps
/// to the hypervisor in a VM: about 0.1 ms) and which the dynamic loader
/// maps and binds at every start. A `libgcc_s.so` linker script in OUT_DIR,
/// found before the system's, makes `-lgcc_s` mean the static `libgcc_eh.a`
/// instead: the same unwinder, linked in (what `-static-libgcc` does for C,
/// and what Rust itself links for `crt-static`). Skipped when the C
/// compiler has no `libgcc_eh.a` (ADR 0026).
fn link_the_unwinder_statically(out_dir: &str) {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if os != "linux" || env != "gnu" || features.split(',').any(|f| f == "crt-static") {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let found = std::process::Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .is_some_and(|p| Path::new(&p).is_absolute() && Path::new(&p).is_file());
    if !found {
        return;
    }
    std::fs::write(Path::new(out_dir).join("libgcc_s.so"), "INPUT(-lgcc_eh)\n")
        .expect("write the libgcc_s.so linker script");
    println!("cargo:rustc-link-search=native={out_dir}");
}

/// The sha256 of each of a lab's `files` (hex, 64 characters each, one
/// after the other), in path order: `template::known_digest`.
fn file_digests(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for bytes in files.values() {
        for b in Sha256::digest(bytes) {
            out.push_str(&format!("{b:02x}"));
        }
    }
    out
}

/// `TemplateTree::digest` of `TemplateTree::from_embedded` over a lab's
/// `files`, keyed by their `/`-separated paths; a file is executable when
/// it starts with `#!`.
fn digest(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut h = Sha256::new();
    for (key, bytes) in files {
        h.update(key.as_bytes());
        h.update([0]);
        h.update([if bytes.starts_with(b"#!") { b'x' } else { b'f' }]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("read a lab folder") {
        let path = entry.expect("read a lab folder").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let key = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(key, std::fs::read(&path).expect("read a lab file"));
        }
    }
}
