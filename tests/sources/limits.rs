//! Issue 13, items 3 and 4: archive bombs (GNU long names, PAX headers,
//! gzip padding after the tar's end, too many members), a download that
//! trickles, and git servers that send an endless pack or nothing. Each run
//! is measured: exit code and whole error text, stderr under 64 KB, peak RSS
//! of labforge under 256 MB (`/usr/bin/time`), nothing cached, nothing
//! written in the working folder, and a victim folder and a fake home with
//! an ssh key unchanged.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use super::archives::LAB_TOML;
use super::hostile_servers::{
    GitServe, GitServer, Part, gzip_parts, padding, tar_file, tar_header,
};
use super::server::{Reply, Server};
use super::{Home, walk};
use crate::support::{LABFORGE, Output, Run, tree};
use snapbox::{IntoData, str};

const UNSAFE_HELP: &str = "help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand\n";
/// 1.5 GiB (64 KiB + 1535 MiB + 960 KiB), declared by the bombs' headers.
const BOMB: u64 = 1536 * 1024 * 1024;
const MAX_RSS_KB: u64 = 256 * 1024;

/// A victim folder beside the working folder and a fake home with a key.
struct Bystanders {
    before: BTreeMap<String, Vec<u8>>,
}

impl Bystanders {
    fn plant(home: &Home) -> Bystanders {
        let victim = home.path().join("victim");
        std::fs::create_dir_all(&victim).unwrap();
        std::fs::write(victim.join("notes.txt"), "mine\n").unwrap();
        let ssh = home.path().join("fakehome/.ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        std::fs::write(ssh.join("id_rsa"), "SECRET KEY\n").unwrap();
        Bystanders {
            before: Self::snapshot(home.path()),
        }
    }
    fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut all = tree(&root.join("victim"));
        for (k, v) in tree(&root.join("fakehome")) {
            all.insert(format!("home/{k}"), v);
        }
        all
    }
    #[track_caller]
    fn unchanged(&self, home: &Home) {
        assert_eq!(
            Self::snapshot(home.path()),
            self.before,
            "a bystander changed"
        );
    }
}

/// `labforge ARGS` under `/usr/bin/time`, with HOME at the fake home.
fn measured(home: &Home, args: &[&str], env: &[(&str, &str)]) -> (Output, u64) {
    let rss_file = home.path().join("rss.txt");
    let rss = rss_file.display().to_string();
    let mut all = vec!["-f", "%M", "-o", rss.as_str(), LABFORGE];
    all.extend_from_slice(args);
    let fake_home = home.path().join("fakehome").display().to_string();
    let mut env: Vec<(&str, &str)> = env.to_vec();
    env.push(("HOME", &fake_home));
    let out = home.run_with(Run::new("/usr/bin/time", &all), &env);
    let text = std::fs::read_to_string(&rss_file).expect("/usr/bin/time wrote the peak RSS");
    let kb = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no RSS in {text:?}"));
    std::fs::remove_file(&rss_file).unwrap();
    (out, kb)
}

/// `labforge new SOURCE dest` must fail with exactly `stderr`, within the
/// memory and output limits, leaving no trace.
#[track_caller]
fn refused(home: &Home, source: &str, env: &[(&str, &str)], stderr: impl IntoData) {
    // the source without its `#sha256=` pin is `[URL]` in the snapshot (a
    // test server's port changes from run to run)
    let url = source.split('#').next().unwrap_or(source);
    if !crate::support::require_tool("/usr/bin/time") {
        return;
    }
    let by = Bystanders::plant(home);
    let (out, rss) = measured(
        home,
        &["new", source, "dest", "--defaults", "--no-git"],
        env,
    );
    out.code(2)
        .redact("[URL]", url)
        .stdout_eq(str![])
        .stderr_eq(stderr);
    assert!(
        out.stderr.len() < 64 * 1024,
        "stderr is {} bytes",
        out.stderr.len()
    );
    assert!(rss < MAX_RSS_KB, "peak RSS {rss} KiB");
    assert_eq!(
        home.work_files(),
        Vec::<String>::new(),
        "nothing in the working folder"
    );
    let cached: Vec<String> = walk(&home.cache())
        .into_iter()
        .filter(|f| !f.ends_with(".lock"))
        .collect();
    assert_eq!(cached, Vec::<String>::new(), "nothing cached for {source}");
    by.unchanged(home);
}

fn serve(path: &str, body: Vec<u8>) -> Server {
    Server::start(BTreeMap::from([(path.to_string(), Reply::Ok(body))]))
}

fn end_of_tar() -> Vec<u8> {
    vec![0; 1024]
}

#[test]
fn issue_13_a_gnu_long_name_bomb_is_refused_before_it_is_read() {
    let home = Home::new();
    let body = gzip_parts(&[
        Part::Bytes(&tar_header("././@LongLink", b'L', BOMB)),
        Part::Fill(b'a', BOMB),
        Part::Bytes(&tar_file("lab.toml", LAB_TOML.as_bytes())),
        Part::Bytes(&end_of_tar()),
    ]);
    assert!(
        body.len() < 2 * 1024 * 1024,
        "the bomb is {} bytes on the wire",
        body.len()
    );
    let srv = serve("/longname.tar.gz", body);
    let url = srv.url("/longname.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: refusing to unpack `[URL]`: a GNU long-name header declares 1610612736 bytes, more than the 1024-byte limit for a path
help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand

"#]],
    );
    // A long link name is capped alike.
    let body = gzip_parts(&[
        Part::Bytes(&tar_header("././@LongLink", b'K', BOMB)),
        Part::Fill(b'b', BOMB),
        Part::Bytes(&end_of_tar()),
    ]);
    let srv = serve("/longlink.tar.gz", body);
    let url = srv.url("/longlink.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: refusing to unpack `[URL]`: a GNU long-link header declares 1610612736 bytes, more than the 1024-byte limit for a path
help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand

"#]],
    );
}

#[test]
fn issue_13_a_pax_header_bomb_is_refused_before_it_is_read() {
    let home = Home::new();
    for (kind, name) in [(b'x', "local"), (b'g', "global")] {
        let record = format!("{BOMB} path=");
        let body = gzip_parts(&[
            Part::Bytes(&tar_header("PaxHeader", kind, BOMB)),
            Part::Bytes(record.as_bytes()),
            Part::Fill(b'a', BOMB - record.len() as u64 - 1),
            Part::Bytes(b"\n"),
            Part::Bytes(&tar_file("lab.toml", LAB_TOML.as_bytes())),
            Part::Bytes(&end_of_tar()),
        ]);
        assert!(body.len() < 2 * 1024 * 1024);
        let path = format!("/pax-{name}.tar.gz");
        let srv = serve(&path, body);
        let url = srv.url(&path);
        refused(
            &home,
            &url,
            &[],
            str![[r#"
error: refusing to unpack `[URL]`: a PAX header declares 1610612736 bytes, more than the 65536-byte limit
help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand

"#]],
        );
    }
}

#[test]
fn issue_13_a_long_path_in_a_pax_header_is_refused_with_a_short_message() {
    let home = Home::new();
    let long = "d/".repeat(2500) + "f.txt";
    let record_body = format!(" path={long}\n");
    // The length field counts itself.
    let mut len = record_body.len() + 4;
    if (len + 1).to_string().len() != len.to_string().len() {
        len += 1;
    }
    let record = format!("{len}{record_body}");
    assert_eq!(record.len(), len);
    let mut tar = tar_header("PaxHeader", b'x', record.len() as u64);
    tar.extend_from_slice(record.as_bytes());
    tar.extend(padding(record.len() as u64));
    tar.extend(tar_file("placeholder", b"x"));
    tar.extend(tar_file("lab.toml", LAB_TOML.as_bytes()));
    tar.extend(end_of_tar());
    let srv = serve("/longpath.tar.gz", gzip_parts(&[Part::Bytes(&tar)]));
    let url = srv.url("/longpath.tar.gz");
    let shown = format!("{}… ({} bytes)", &long[..200], long.len());
    refused(
        &home,
        &url,
        &[],
        format!(
            "error: refusing to unpack `[URL]`: the entry `{shown}` has a path longer than 1024 bytes\n{UNSAFE_HELP}"
        ),
    );
}

#[test]
fn issue_13_gzip_padding_after_the_tar_end_is_capped_and_garbage_refused() {
    let home = Home::new();
    let mut tar = tar_file("lab.toml", LAB_TOML.as_bytes());
    tar.extend(end_of_tar());
    // Zeros are what tar writers pad with, but not 1.5 GiB of them.
    let body = gzip_parts(&[Part::Bytes(&tar), Part::Fill(0, BOMB)]);
    assert!(body.len() < 2 * 1024 * 1024);
    let srv = serve("/padded.tar.gz", body);
    let url = srv.url("/padded.tar.gz");
    refused(
        &home,
        &url,
        &[("LABFORGE_MAX_DOWNLOAD", "2M")],
        str![[r#"
error: refusing to unpack `[URL]`: it unpacks to more than 2097152 bytes (a decompression bomb?)
help: raise the cap with LABFORGE_MAX_DOWNLOAD=BYTES only if you trust this archive

"#]],
    );
    // Anything but zeros after the end is refused outright.
    let body = gzip_parts(&[Part::Bytes(&tar), Part::Bytes(b"hidden payload")]);
    let srv = serve("/trailing.tar.gz", body);
    let url = srv.url("/trailing.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: refusing to unpack `[URL]`: it has data after the end of the tar archive
help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand

"#]],
    );
    // The benign case: a normal amount of zero padding is fine.
    let body = gzip_parts(&[Part::Bytes(&tar), Part::Fill(0, 10240)]);
    let srv = serve("/normal.tar.gz", body);
    home.run(&[
        "new",
        &srv.url("/normal.tar.gz"),
        "ok",
        "--defaults",
        "--no-git",
    ])
    .code(0);
}

#[test]
fn issue_13_too_many_members_are_refused() {
    let home = Home::new();
    let mut tar = tar_file("lab.toml", LAB_TOML.as_bytes());
    for i in 0..10_000 {
        tar.extend(tar_header(&format!("d{i}/"), b'5', 0));
    }
    tar.extend(end_of_tar());
    let srv = serve("/many.tar.gz", gzip_parts(&[Part::Bytes(&tar)]));
    let url = srv.url("/many.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: refusing to unpack `[URL]`: it has more than 10000 members (the limit for a lab template)
help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand

"#]],
    );
}

#[test]
fn issue_13_a_trickling_download_is_cut_off_at_the_deadline() {
    let home = Home::new();
    let srv = Server::start(BTreeMap::from([(
        "/slow.tar.gz".to_string(),
        Reply::Trickle(1024 * 1024),
    )]));
    let url = srv.url("/slow.tar.gz");
    let started = Instant::now();
    refused(
        &home,
        &url,
        &[("LABFORGE_HTTP_TIMEOUT", "2")],
        str![[r#"
error: the download of `[URL]` did not finish within 2 s ([..] bytes received)
help: check your network and try again; a slow server needs a longer LABFORGE_HTTP_TIMEOUT=SECONDS; nothing was cached

"#]],
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(srv.hits("/slow.tar.gz"), 1, "no retry after the deadline");
}

#[test]
fn issue_13_a_git_server_sending_an_endless_pack_is_cut_off_by_size() {
    let home = Home::new();
    let srv = GitServer::start(GitServe::EndlessPack);
    let url = srv.url();
    let started = Instant::now();
    refused(
        &home,
        &url,
        &[
            ("LABFORGE_MAX_DOWNLOAD", "2M"),
            ("LABFORGE_GIT_TIMEOUT", "20"),
        ],
        str![[r#"
error: refusing to fetch `[URL]`: it sends more than the download limit of 2097152 bytes
help: a lab template is normally small; if you trust this repository, raise the limit with LABFORGE_MAX_DOWNLOAD=BYTES; nothing was cached

"#]],
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn issue_13_a_git_server_that_sends_nothing_is_cut_off_by_time() {
    let home = Home::new();
    for (mode, deadline) in [(GitServe::Silent, 2), (GitServe::EndlessPack, 2)] {
        let srv = GitServer::start(mode);
        let url = srv.url();
        let started = Instant::now();
        refused(
            &home,
            &url,
            &[
                ("LABFORGE_GIT_TIMEOUT", &deadline.to_string()),
                ("LABFORGE_MAX_DOWNLOAD", "10G"),
            ],
            format!(
                "error: the fetch of `[URL]` did not finish within {deadline} s
help: check your network and try again; a slow server needs a longer LABFORGE_GIT_TIMEOUT=SECONDS; a cached copy works with --offline
"
            ),
        );
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "took {:?}",
            started.elapsed()
        );
    }
}

/// A pack of under 1 KiB whose delta inflates to 8 GiB: git, the one
/// transport, runs under a memory cap, so it fails with its own "out of
/// memory" at once instead of filling the machine; nothing is cached.
/// (Without the cap, git inflates until the deadline kills it.)
#[test]
fn issue_13_a_git_pack_whose_delta_inflates_to_8_gib_is_stopped_by_the_memory_cap() {
    assert!(super::hostile_servers::delta_bomb_pack().len() < 1024);
    let home = Home::new();
    let srv = GitServer::start(GitServe::DeltaBomb);
    let url = srv.url();
    let started = Instant::now();
    refused(
        &home,
        &url,
        &[("LABFORGE_GIT_TIMEOUT", "60")],
        str![[r#"
error: could not fetch the git repository `[URL]`: Out of memory, malloc failed (tried to allocate 8589934593 bytes)
help: check the URL and your network; private repositories need a git credential helper (https) or a key in ssh-agent (ssh); a cached copy works with --offline

"#]],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn issue_13_a_zip_with_too_many_members_is_refused_before_its_directory_is_read() {
    let home = Home::new();
    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let mut files: Vec<(&str, &[u8])> = vec![("lab.toml", LAB_TOML.as_bytes())];
    files.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    let srv = serve("/many.zip", super::archives::zip_with(&files));
    let url = srv.url("/many.zip");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: refusing to unpack `[URL]`: it has more than 10000 members (the limit for a lab template)
help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand

"#]],
    );
    // The benign case: a zip of a lab still opens.
    let srv = serve("/ok.zip", super::archives::good_zip());
    home.run(&["new", &srv.url("/ok.zip"), "ok", "--defaults", "--no-git"])
        .code(0);
}

#[test]
fn issue_13_a_git_blob_bigger_than_the_cap_is_refused_before_it_is_inflated() {
    if !crate::support::require_tool("/usr/bin/time") {
        return;
    }
    let home = Home::new();
    let repo = super::repos::Repo::init(&home.path().join("repo"));
    repo.add_fixture("hello-lab", "");
    // 2 MiB of zeros: a pack of a few KiB, a tree over the 1 MiB cap.
    repo.write("common/zeros.txt", &"0".repeat(2 * 1024 * 1024));
    repo.commit("a big file");
    let url = repo.url();
    let (out, rss) = measured(
        &home,
        &["new", &url, "dest", "--defaults", "--no-git"],
        &[("LABFORGE_MAX_DOWNLOAD", "1M")],
    );
    out.code(2)
        .stdout_eq(str![])
        .redact("[URL]", &url)
        .stderr_eq(str![[r#"
error: refusing to load `[URL]`: its files add up to more than 1048576 bytes (a decompression bomb?)
help: raise the cap with LABFORGE_MAX_DOWNLOAD=BYTES only if you trust this repository

"#]]);
    assert!(rss < MAX_RSS_KB, "peak RSS {rss} KiB");
    assert_eq!(home.work_files(), Vec::<String>::new());
}

#[test]
fn issue_13_a_local_archive_that_is_an_endless_device_is_refused() {
    let home = Home::new();
    let link = home.path().join("zero.tar.gz");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let url = format!("file://{}", link.display());
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: `[URL]` is not a regular file
help: give the path of an archive file

"#]],
    );
}
