//! Archives built byte by byte for the tests, including the hostile ones a
//! normal tar writer refuses to produce (`..` names, absolute paths, links
//! pointing outside, device files).

use std::io::Write;

pub const LAB_TOML: &str =
    "schema = 1\n\n[lab]\nid = \"hello-lab\"\ntitle = \"Hello\"\nversion = \"1.0.0\"\n";

/// One tar member: kind, raw name, link target or contents.
pub enum Member<'a> {
    File(&'a str, &'a [u8]),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    CharDevice(&'a str),
}

fn header(name: &str, kind: tar::EntryType, size: u64, link: &str) -> tar::Header {
    let mut h = tar::Header::new_old();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
        old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_cksum();
    h
}

/// A `.tar.gz` of these members, names written verbatim.
pub fn tar_gz(members: &[Member]) -> Vec<u8> {
    let mut tar = Vec::new();
    for m in members {
        let (h, body): (tar::Header, &[u8]) = match m {
            Member::File(n, b) => (header(n, tar::EntryType::Regular, b.len() as u64, ""), b),
            Member::Symlink(n, t) => (header(n, tar::EntryType::Symlink, 0, t), b""),
            Member::Hardlink(n, t) => (header(n, tar::EntryType::Link, 0, t), b""),
            Member::CharDevice(n) => (header(n, tar::EntryType::Char, 0, ""), b""),
        };
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(body);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.extend_from_slice(&[0u8; 1024]);
    gzip(&tar)
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// A good lab archive with a top folder, the way forges publish releases.
pub fn good_with_top_folder() -> Vec<u8> {
    tar_gz(&[
        Member::File("hello-1.0/lab.toml", LAB_TOML.as_bytes()),
        Member::File("hello-1.0/common/README.md", b"# Hello\n"),
    ])
}

/// A `.zip` of these files, names written verbatim.
pub fn zip_with(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// A `.zip` with a lab.
pub fn good_zip() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("lab.toml", opts).unwrap();
    zip.write_all(LAB_TOML.as_bytes()).unwrap();
    zip.start_file("common/README.md", opts).unwrap();
    zip.write_all(b"# Hello from a zip\n").unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
