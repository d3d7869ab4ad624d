//! A real browser for the pages labforge writes: Chromium's headless shell
//! (Debian: `apt-get install -y chromium-headless-shell`; `.ci/run` installs
//! it). `--dump-dom` gives the DOM after the inline scripts ran, so filters
//! driven by the URL fragment are checked without a browser driver.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

pub const CHROMIUM: &str = "chromium-headless-shell";

/// True when the browser is there; under `CI=true` a missing browser fails
/// the calling test instead.
pub fn available() -> bool {
    super::require_tool(CHROMIUM)
}

fn run(args: &[String]) -> std::process::Output {
    let profile = super::tempdir();
    let mut cmd = Command::new(CHROMIUM);
    // As root the sandbox cannot start; without the background-networking
    // flags Chromium keeps trying hosts this machine cannot reach.
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start chromium-headless-shell");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let status = match child.wait_timeout(Duration::from_secs(90)).expect("wait") {
        Some(s) => s,
        None => {
            child.kill().ok();
            panic!("chromium did not finish within 90 s: {args:?}");
        }
    };
    let stdout = reader.join().expect("reader");
    let mut stderr = Vec::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_end(&mut e, &mut stderr).ok();
    }
    std::process::Output {
        status,
        stdout,
        stderr,
    }
}

/// `file://` URL of a path (absolute), plus an optional fragment.
pub fn file_url(path: &Path, fragment: &str) -> String {
    let abs = path.canonicalize().expect("canonical path");
    let mut url = format!("file://{}", abs.display());
    if !fragment.is_empty() {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// The DOM after load (scripts ran).
pub fn dump_dom(url: &str) -> String {
    let out = run(&["--dump-dom".into(), url.into()]);
    assert!(
        out.status.success(),
        "chromium --dump-dom {url} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 DOM")
}

/// A PNG screenshot at 1280×800, light or dark (`preferredColorScheme=0`
/// turns dark on in the headless shell).
pub fn screenshot(url: &str, dark: bool, png: &Path) {
    let mut args = vec![
        "--window-size=1280,800".to_string(),
        format!("--screenshot={}", png.display()),
    ];
    if dark {
        args.push("--blink-settings=preferredColorScheme=0".into());
    }
    args.push(url.into());
    let out = run(&args);
    assert!(
        out.status.success() && png.is_file(),
        "chromium --screenshot {url} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The distinct RGBA colours of a PNG (a blank page has one).
pub fn colours(png: &Path) -> std::collections::BTreeSet<[u8; 4]> {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png).expect("open png"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    bytes
        .chunks(channels)
        .map(|c| match channels {
            4 => [c[0], c[1], c[2], c[3]],
            3 => [c[0], c[1], c[2], 255],
            2 => [c[0], c[0], c[0], c[1]],
            _ => [c[0], c[0], c[0], 255],
        })
        .collect()
}
