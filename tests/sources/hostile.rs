//! Every bad input of issue 5, each with its pinned error: unsafe archive
//! entries, bombs, truncation, checksum mismatch, HTTP and TLS failures. After
//! each, nothing exists outside the cache (the working folder stays empty)
//! and nothing was cached.

use std::collections::BTreeMap;

use super::archives::{LAB_TOML, Member, sha256, tar_gz};
use super::server::{Reply, Server, closed_port};
use super::{Home, walk};
use snapbox::{IntoData, str};

const UNSAFE_HELP: &str = "help: the archive is unsafe or broken; ask its author to repack it with `labforge template pack`, and do not extract it by hand\n";

/// Runs `labforge new SOURCE dest` and checks the failure left no trace.
fn refused(home: &Home, source: &str, env: &[(&str, &str)], stderr: impl IntoData) {
    // the source without its `#sha256=` pin is `[URL]` in the snapshot (a
    // test server's port changes from run to run)
    let url = source.split('#').next().unwrap_or(source);
    home.run_env(&["new", source, "dest", "--defaults", "--no-git"], env)
        .code(2)
        .redact("[URL]", url)
        .stdout_eq(str![])
        .stderr_eq(stderr);
    assert_eq!(
        home.work_files(),
        Vec::<String>::new(),
        "nothing written to the working folder"
    );
    let cached: Vec<String> = walk(&home.cache())
        .into_iter()
        .filter(|f| f.ends_with(".tar.gz") || f.ends_with(".zip"))
        .collect();
    assert_eq!(cached, Vec::<String>::new(), "nothing cached for {source}");
}

fn serve(path: &str, reply: Reply) -> Server {
    Server::start(BTreeMap::from([(path.to_string(), reply)]))
}

#[test]
fn archive_entries_that_escape_are_refused() {
    let home = Home::new();
    let outside = home.path().join("escaped.txt");
    let abs = outside.display().to_string();
    let mut cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "/dotdot.tar.gz",
            tar_gz(&[Member::File("lab.toml", LAB_TOML.as_bytes()), Member::File("../escaped.txt", b"x")]),
            "the entry `../escaped.txt` climbs out with `..`".into(),
        ),
        (
            "/absolute.tar.gz",
            tar_gz(&[Member::File("lab.toml", LAB_TOML.as_bytes()), Member::File(&abs, b"x")]),
            format!("the entry `{abs}` is an absolute path"),
        ),
        (
            "/symlink.tar.gz",
            tar_gz(&[Member::File("lab.toml", LAB_TOML.as_bytes()), Member::Symlink("common/link", "../../escaped.txt")]),
            "the symlink `common/link` points outside the archive (`../../escaped.txt`)".into(),
        ),
        (
            "/hardlink.tar.gz",
            tar_gz(&[Member::File("lab.toml", LAB_TOML.as_bytes()), Member::Hardlink("common/passwd", "/etc/passwd")]),
            "the hard link `common/passwd` points outside the archive or at nothing before it (`/etc/passwd`)".into(),
        ),
        (
            "/device.tar.gz",
            tar_gz(&[Member::File("lab.toml", LAB_TOML.as_bytes()), Member::CharDevice("common/null")]),
            "the entry `common/null` is a character device (only files, folders and links are allowed)".into(),
        ),
    ];
    cases.push((
        "/dotdot.zip",
        super::archives::zip_with(&[("lab.toml", LAB_TOML.as_bytes()), ("../escaped.txt", b"x")]),
        "the entry `../escaped.txt` climbs out with `..`".into(),
    ));
    let srv = Server::start(
        cases
            .iter()
            .map(|(p, b, _)| (p.to_string(), Reply::Ok(b.clone())))
            .collect(),
    );
    for (path, _, why) in &cases {
        let url = srv.url(path);
        refused(
            &home,
            &url,
            &[],
            format!("error: refusing to unpack `[URL]`: {why}\n{UNSAFE_HELP}"),
        );
    }
    assert!(!outside.exists());
}

#[test]
fn decompression_bomb_past_the_cap() {
    let home = Home::new();
    let zeros = vec![0u8; 2 * 1024 * 1024];
    let bomb = tar_gz(&[
        Member::File("lab.toml", LAB_TOML.as_bytes()),
        Member::File("common/zeros.bin", &zeros),
    ]);
    assert!(bomb.len() < 64 * 1024, "the bomb is small on the wire");
    let srv = serve("/bomb.tar.gz", Reply::Ok(bomb));
    let url = srv.url("/bomb.tar.gz");
    refused(
        &home,
        &url,
        &[("LABFORGE_MAX_DOWNLOAD", "1M")],
        str![[r#"
error: refusing to unpack `[URL]`: it unpacks to more than 1048576 bytes (a decompression bomb?)
help: raise the cap with LABFORGE_MAX_DOWNLOAD=BYTES only if you trust this archive

"#]],
    );
}

#[test]
fn download_larger_than_the_cap() {
    let home = Home::new();
    let srv = serve("/big.tar.gz", Reply::Ok(vec![7u8; 4096]));
    let url = srv.url("/big.tar.gz");
    refused(
        &home,
        &url,
        &[("LABFORGE_MAX_DOWNLOAD", "1024")],
        str![[r#"
error: `[URL]` is larger than the download limit of 1024 bytes
help: a lab archive is normally small; if you trust this one, raise the limit with LABFORGE_MAX_DOWNLOAD=BYTES

"#]],
    );
}

#[test]
fn truncated_download_and_truncated_archive() {
    let home = Home::new();
    let good = tar_gz(&[
        Member::File("lab.toml", LAB_TOML.as_bytes()),
        Member::File("common/a.txt", &[b'a'; 3000]),
    ]);
    let half = good[..good.len() / 2].to_vec();
    let srv = Server::start(BTreeMap::from([
        ("/cut.tar.gz".to_string(), Reply::Truncated(good.clone())),
        ("/half.tar.gz".to_string(), Reply::Ok(half)),
    ]));
    let url = srv.url("/cut.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: the download of `[URL]` was cut short after [..] bytes: [..]
  gave up after 3 attempts
help: check your network and try again; nothing was cached

"#]],
    );
    assert_eq!(srv.hits("/cut.tar.gz"), 3, "a cut download is retried");
    let url = srv.url("/half.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: the archive `[URL]` is truncated or corrupt: [..]
help: download it again with --refresh; if it keeps failing, ask its author to publish it again

"#]],
    );
}

#[test]
fn checksum_mismatch_is_refused_and_not_cached() {
    let home = Home::new();
    let body = tar_gz(&[Member::File("lab.toml", LAB_TOML.as_bytes())]);
    let actual = sha256(&body);
    let srv = serve("/lab.tar.gz", Reply::Ok(body));
    let pin = "0".repeat(64);
    let url = srv.url("/lab.tar.gz");
    refused(
        &home,
        &format!("{url}#sha256={pin}"),
        &[],
        format!(
            "error: the archive `[URL]` does not match its pin: expected sha256 {pin}, got {actual}
help: the archive changed or was tampered with; nothing was cached. If its author published a new version, update the `#sha256=` pin
"
        ),
    );
}

#[test]
fn http_failures_name_the_url_and_the_fix() {
    let home = Home::new();
    let srv = Server::start(BTreeMap::from([
        (
            "/loop.tar.gz".to_string(),
            Reply::Redirect("/loop.tar.gz".into()),
        ),
        ("/down.tar.gz".to_string(), Reply::Status(500)),
    ]));
    let url = srv.url("/missing.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: could not download `[URL]`: the server answered 404 Not Found
help: check the URL: there is no archive there (ask the lab's author for the current link)

"#]],
    );
    assert_eq!(srv.hits("/missing.tar.gz"), 1, "a 404 is not retried");

    let url = srv.url("/down.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: could not download `[URL]`: the server answered 500 Internal Server Error
  gave up after 3 attempts
help: the server is failing; try again later, or use a cached copy with --offline

"#]],
    );
    assert_eq!(srv.hits("/down.tar.gz"), 3, "a 5xx is retried");

    let url = srv.url("/loop.tar.gz");
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: `[URL]` redirects too many times (more than 10; a redirect loop?)
help: open the URL in a browser to find where the archive really is, and use that URL

"#]],
    );

    let url = format!("http://127.0.0.1:{}/lab.tar.gz", closed_port());
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: could not connect to `[URL]`: connection refused
help: check the host and port in the URL and that the server is running; a cached copy works with --offline

"#]],
    );

    let url = format!("https://127.0.0.1:{}/lab.tar.gz", srv.port);
    refused(
        &home,
        &url,
        &[],
        str![[r#"
error: could not connect securely to `[URL]`: the TLS handshake failed
  [..]
help: check that the server speaks HTTPS at this address and has a trusted certificate (a plain HTTP server needs an http:// URL)

"#]],
    );
}

#[test]
fn a_server_that_never_answers_times_out() {
    let home = Home::new();
    let srv = serve("/slow.tar.gz", Reply::Hang);
    let url = srv.url("/slow.tar.gz");
    // LABFORGE_HTTP_TIMEOUT bounds the whole download, retries included.
    refused(
        &home,
        &url,
        &[("LABFORGE_HTTP_TIMEOUT", "1")],
        str![[r#"
error: the download of `[URL]` did not finish within 1 s (0 bytes received)
help: check your network and try again; a slow server needs a longer LABFORGE_HTTP_TIMEOUT=SECONDS; nothing was cached

"#]],
    );
    assert_eq!(srv.hits("/slow.tar.gz"), 1, "no time is left for a retry");
}
