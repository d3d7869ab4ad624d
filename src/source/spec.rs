//! [`SourceSpec`]: the source argument of `new`, `show` and `template test`,
//! classified once (after cargo-generate) into a built-in id, a local folder,
//! a git URL with an optional `#ref` and `//subfolder`, an archive URL with
//! an optional `#sha256=…` pin, or `CATALOG/LAB`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::template::{builtin_ids, is_builtin};

/// A parsed lab source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SourceSpec {
    /// `api-client` or `builtin:api-client`.
    Builtin(String),
    /// A lab template folder (or an archive file) on disk.
    Local(PathBuf),
    /// `https://`, `http://`, `ssh://`, `git://`, `file://` or `git@host:path`.
    Git {
        url: String,
        reference: Option<String>,
        subfolder: Option<String>,
    },
    /// A `.tar.gz`, `.tgz` or `.zip` over `http(s)://` or `file://`.
    Archive {
        url: String,
        sha256: Option<String>,
        subfolder: Option<String>,
    },
    /// A lab listed in a catalog added with `labforge catalog add`.
    Catalog { catalog: String, lab: String },
}

const GIT_SCHEMES: &[&str] = &["https", "http", "ssh", "git", "file"];
const ARCHIVE_SCHEMES: &[&str] = &["https", "http", "file"];
const ARCHIVE_SUFFIXES: &[&str] = &[".tar.gz", ".tgz", ".zip"];

impl SourceSpec {
    /// True when fetching again may give other content: a git branch, tag
    /// or default branch, an archive URL without a `#sha256=` pin, or a
    /// catalog entry. A full commit id and a pin cannot move.
    pub(crate) fn can_move(&self) -> bool {
        match self {
            SourceSpec::Builtin(_) | SourceSpec::Local(_) => false,
            SourceSpec::Git { reference, .. } => !reference
                .as_deref()
                .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())),
            SourceSpec::Archive { sha256, .. } => sha256.is_none(),
            SourceSpec::Catalog { .. } => true,
        }
    }

    /// Classifies what the user typed.
    pub(crate) fn parse(text: &str) -> Result<SourceSpec> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::new("the lab source is empty")
                .with_help("give a built-in lab id (see `labforge list`), a folder, a git or archive URL, or CATALOG/LAB"));
        }
        if let Some(id) = text.strip_prefix("builtin:") {
            return Ok(SourceSpec::Builtin(id.to_string()));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            return parse_url(text, &scheme.to_ascii_lowercase());
        }
        if is_scp_like(text) {
            return parse_url(text, "ssh");
        }
        let path = Path::new(text);
        // An archive file on disk, with an optional pin: `lab.tar.gz#sha256=…`.
        let (file, pin) = text.split_once('#').unwrap_or((text, ""));
        if has_archive_suffix(file) && Path::new(file).is_file() {
            let abs =
                std::path::absolute(file).map_err(|e| Error::io("resolve", Path::new(file), e))?;
            let url = format!("file://{}", abs.display());
            let sha256 = if pin.is_empty() {
                None
            } else {
                Some(parse_pin(text, pin)?)
            };
            return Ok(SourceSpec::Archive {
                url,
                sha256,
                subfolder: None,
            });
        }
        if path.exists() {
            return Ok(SourceSpec::Local(path.to_path_buf()));
        }
        if let Some((catalog, lab)) = text.split_once('/')
            && is_name(catalog)
            && is_name(lab)
        {
            return Ok(SourceSpec::Catalog {
                catalog: catalog.to_string(),
                lab: lab.to_string(),
            });
        }
        if text.contains('/') || text.starts_with('.') || text.starts_with('~') {
            return Ok(SourceSpec::Local(path.to_path_buf()));
        }
        if is_builtin(text) {
            return Ok(SourceSpec::Builtin(text.to_string()));
        }
        let ids = builtin_ids();
        let near = crate::suggest::nearest(text, ids.iter().map(String::as_str))
            .map_or(String::new(), |id| format!("did you mean `{id}`? "));
        Err(Error::new(format!("`{text}` is not a built-in lab, a folder, a URL or CATALOG/LAB")).with_help(format!(
            "{near}built-in labs: {}; `labforge list` shows catalog labs too; a folder must exist; URLs start with https://, ssh://, git://, file:// or git@",
            ids.join(", ")
        )))
    }

    /// True for sources fetched over the network or from a repository (git,
    /// archives): the ones the cache holds.
    pub(crate) fn is_remote(&self) -> bool {
        matches!(self, SourceSpec::Git { .. } | SourceSpec::Archive { .. })
    }
}

impl fmt::Display for SourceSpec {
    /// The canonical text, which parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceSpec::Builtin(id) => write!(f, "builtin:{id}"),
            SourceSpec::Local(p) => write!(f, "{}", p.display()),
            SourceSpec::Git {
                url,
                reference,
                subfolder,
            } => {
                write!(f, "{url}")?;
                if let Some(s) = subfolder {
                    write!(f, "//{s}")?;
                }
                if let Some(r) = reference {
                    write!(f, "#{r}")?;
                }
                Ok(())
            }
            SourceSpec::Archive {
                url,
                sha256,
                subfolder,
            } => {
                write!(f, "{url}")?;
                if let Some(s) = subfolder {
                    write!(f, "//{s}")?;
                }
                if let Some(h) = sha256 {
                    write!(f, "#sha256={h}")?;
                }
                Ok(())
            }
            SourceSpec::Catalog { catalog, lab } => write!(f, "{catalog}/{lab}"),
        }
    }
}

/// `git@github.com:team/labs.git`: user@host:path, no scheme.
fn is_scp_like(text: &str) -> bool {
    let Some((before, after)) = text.split_once(':') else {
        return false;
    };
    let Some((user, host)) = before.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && !host.is_empty()
        && !after.is_empty()
        && !before.contains('/')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// A catalog or catalog-lab name: lowercase letters, digits, `-`, `_`, `.`
/// (not first).
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn has_archive_suffix(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

fn parse_url(text: &str, scheme: &str) -> Result<SourceSpec> {
    let (rest, fragment) = match text.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (text, None),
    };
    let (url, subfolder) = split_subfolder(rest, scheme)?;
    let bad = |msg: String, help: &str| Err(Error::new(msg).with_help(help.to_string()));
    if url.ends_with("://") || url.len() <= scheme.len() + 3 && !is_scp_like(url) {
        return bad(
            format!("`{text}` has no host or path"),
            "write a full URL, for example https://git.example.com/team/labs.git",
        );
    }
    if has_archive_suffix(url) {
        if !ARCHIVE_SCHEMES.contains(&scheme) {
            return bad(
                format!(
                    "`{text}`: archives are downloaded over https://, http:// or file://, not {scheme}"
                ),
                "use an https:// (or file://) URL for the archive, or point at the git repository instead",
            );
        }
        let sha256 = match fragment {
            None => None,
            Some(f) => Some(parse_pin(text, f)?),
        };
        return Ok(SourceSpec::Archive {
            url: url.to_string(),
            sha256,
            subfolder,
        });
    }
    if !GIT_SCHEMES.contains(&scheme) {
        return bad(
            format!("`{text}`: unsupported URL scheme `{scheme}`"),
            "use a git URL (https://, ssh://, git://, file:// or git@host:path) or an archive URL ending in .tar.gz, .tgz or .zip",
        );
    }
    let reference = fragment.map(|f| git_ref(text, f)).transpose()?;
    Ok(SourceSpec::Git {
        url: url.to_string(),
        reference,
        subfolder,
    })
}

/// The `#ref` of a git URL.
fn git_ref(text: &str, fragment: &str) -> Result<String> {
    let bad = |msg: String, help: &str| Err(Error::new(msg).with_help(help.to_string()));
    if fragment.is_empty() {
        return bad(
            format!("`{text}` has an empty `#` ref"),
            "write a branch, tag or commit after `#`, or drop the `#`",
        );
    }
    if fragment.starts_with("sha256=") {
        return bad(
            format!("`{text}`: a `#sha256=` pin is for archives, not git repositories"),
            "pin a git source to a tag or commit instead, for example #v1.2 or #3f2a9c1",
        );
    }
    if fragment.chars().any(|c| c.is_whitespace() || c == '#') || fragment.contains("..") {
        return bad(
            format!("`{text}`: `{fragment}` is not a valid git ref"),
            "write a branch, tag or commit after `#`",
        );
    }
    Ok(fragment.to_string())
}

fn parse_pin(text: &str, fragment: &str) -> Result<String> {
    let Some(hex) = fragment.strip_prefix("sha256=") else {
        return Err(Error::new(format!("`{text}`: an archive is pinned with `#sha256=HEX`, not `#{fragment}`"))
            .with_help("`labforge template pack` prints the sha256 of an archive; write #sha256=<64 hex digits>"));
    };
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(
            Error::new(format!("`{text}`: `{hex}` is not a sha256 (64 hex digits)"))
                .with_help("copy the digest `labforge template pack` or `sha256sum` prints"),
        );
    }
    Ok(hex.to_ascii_lowercase())
}

/// Splits `https://host/repo.git//labs/api` at the `//` after the host part.
fn split_subfolder<'a>(rest: &'a str, scheme: &str) -> Result<(&'a str, Option<String>)> {
    let body_start = rest.find("://").map(|i| i + 3).unwrap_or(0);
    // Skip the leading `/` of a file:///abs path and the host of other URLs.
    let search_from = if scheme == "file" || rest[body_start..].starts_with('/') {
        body_start + rest[body_start..].chars().take_while(|c| *c == '/').count()
    } else {
        body_start
    };
    let Some(pos) = rest[search_from..].find("//") else {
        return Ok((rest, None));
    };
    let url = &rest[..search_from + pos];
    let sub = rest[search_from + pos + 2..].trim_end_matches('/');
    let bad_part = sub
        .split('/')
        .find(|p| p.is_empty() || *p == "." || *p == "..");
    if sub.is_empty() || bad_part.is_some() || sub.contains('\\') {
        return Err(Error::new(format!("`{rest}`: `{sub}` is not a valid subfolder"))
            .with_help("write the subfolder as a relative path inside the repository or archive, for example //labs/api-client"));
    }
    Ok((url, Some(sub.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(url: &str, r: Option<&str>, s: Option<&str>) -> SourceSpec {
        SourceSpec::Git {
            url: url.into(),
            reference: r.map(Into::into),
            subfolder: s.map(Into::into),
        }
    }

    fn err(text: &str) -> String {
        let e = SourceSpec::parse(text).expect_err(text);
        format!("{}\nhelp: {}", e.message, e.help.unwrap_or_default())
    }

    #[test]
    fn git_urls_in_every_form() {
        let cases = [
            (
                "https://example.com/team/labs.git",
                git("https://example.com/team/labs.git", None, None),
            ),
            (
                "https://example.com/team/labs#v1.2",
                git("https://example.com/team/labs", Some("v1.2"), None),
            ),
            (
                "https://example.com/team/labs.git//labs/api-client#main",
                git(
                    "https://example.com/team/labs.git",
                    Some("main"),
                    Some("labs/api-client"),
                ),
            ),
            (
                "ssh://git@example.com:2222/team/labs.git#3f2a9c1",
                git(
                    "ssh://git@example.com:2222/team/labs.git",
                    Some("3f2a9c1"),
                    None,
                ),
            ),
            (
                "git@github.com:team/labs.git",
                git("git@github.com:team/labs.git", None, None),
            ),
            (
                "git@github.com:team/labs.git//sub/dir#v2",
                git("git@github.com:team/labs.git", Some("v2"), Some("sub/dir")),
            ),
            (
                "git://127.0.0.1:9418/labs.git#release/1.0",
                git("git://127.0.0.1:9418/labs.git", Some("release/1.0"), None),
            ),
            ("file:///tmp/repo", git("file:///tmp/repo", None, None)),
            (
                "file:///tmp/repo//labs/one/#v1",
                git("file:///tmp/repo", Some("v1"), Some("labs/one")),
            ),
        ];
        for (text, want) in cases {
            let got = SourceSpec::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(got, want, "{text}");
            assert_eq!(
                SourceSpec::parse(&got.to_string()).unwrap(),
                want,
                "round trip of {text}"
            );
        }
    }

    #[test]
    fn archive_urls_with_pins() {
        let hex = "ab".repeat(32);
        let got = SourceSpec::parse(&format!(
            "https://example.com/labs/demo-1.0.tar.gz#sha256={}",
            hex.to_uppercase()
        ))
        .unwrap();
        assert_eq!(
            got,
            SourceSpec::Archive {
                url: "https://example.com/labs/demo-1.0.tar.gz".into(),
                sha256: Some(hex.clone()),
                subfolder: None
            }
        );
        let got = SourceSpec::parse("http://127.0.0.1:8080/x.tgz//labs/a").unwrap();
        assert_eq!(
            got,
            SourceSpec::Archive {
                url: "http://127.0.0.1:8080/x.tgz".into(),
                sha256: None,
                subfolder: Some("labs/a".into())
            }
        );
        let got = SourceSpec::parse("file:///srv/labs/demo.ZIP").unwrap();
        assert_eq!(
            got,
            SourceSpec::Archive {
                url: "file:///srv/labs/demo.ZIP".into(),
                sha256: None,
                subfolder: None
            }
        );
    }

    #[test]
    fn builtin_local_and_catalog() {
        assert_eq!(
            SourceSpec::parse("builtin:api-client").unwrap(),
            SourceSpec::Builtin("api-client".into())
        );
        assert_eq!(
            SourceSpec::parse("./my-lab").unwrap(),
            SourceSpec::Local("./my-lab".into())
        );
        assert_eq!(
            SourceSpec::parse("../labs/x/y").unwrap(),
            SourceSpec::Local("../labs/x/y".into())
        );
        assert_eq!(
            SourceSpec::parse("/abs/lab").unwrap(),
            SourceSpec::Local("/abs/lab".into())
        );
        assert_eq!(
            SourceSpec::parse("acme/api-client").unwrap(),
            SourceSpec::Catalog {
                catalog: "acme".into(),
                lab: "api-client".into()
            }
        );
        // An existing folder wins over the catalog form.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let p = dir.path().join("sub");
        assert_eq!(
            SourceSpec::parse(p.to_str().unwrap()).unwrap(),
            SourceSpec::Local(p.clone())
        );
        // An archive file on disk becomes a file:// archive.
        let f = dir.path().join("lab.tar.gz");
        std::fs::write(&f, b"").unwrap();
        assert_eq!(
            SourceSpec::parse(f.to_str().unwrap()).unwrap(),
            SourceSpec::Archive {
                url: format!("file://{}", f.display()),
                sha256: None,
                subfolder: None
            }
        );
    }

    #[test]
    fn bad_forms_say_what_to_write() {
        assert_eq!(
            err("ftp://example.com/labs"),
            "`ftp://example.com/labs`: unsupported URL scheme `ftp`\nhelp: use a git URL (https://, ssh://, git://, file:// or git@host:path) or an archive URL ending in .tar.gz, .tgz or .zip"
        );
        assert_eq!(
            err("https://x.org/a.tar.gz#v1"),
            "`https://x.org/a.tar.gz#v1`: an archive is pinned with `#sha256=HEX`, not `#v1`\nhelp: `labforge template pack` prints the sha256 of an archive; write #sha256=<64 hex digits>"
        );
        assert_eq!(
            err("https://x.org/a.tgz#sha256=abc"),
            "`https://x.org/a.tgz#sha256=abc`: `abc` is not a sha256 (64 hex digits)\nhelp: copy the digest `labforge template pack` or `sha256sum` prints"
        );
        assert_eq!(
            err("https://x.org/repo.git#sha256=abc"),
            "`https://x.org/repo.git#sha256=abc`: a `#sha256=` pin is for archives, not git repositories\nhelp: pin a git source to a tag or commit instead, for example #v1.2 or #3f2a9c1"
        );
        assert_eq!(
            err("https://x.org/repo.git#"),
            "`https://x.org/repo.git#` has an empty `#` ref\nhelp: write a branch, tag or commit after `#`, or drop the `#`"
        );
        assert_eq!(
            err("https://x.org/repo.git//../etc"),
            "`https://x.org/repo.git//../etc`: `../etc` is not a valid subfolder\nhelp: write the subfolder as a relative path inside the repository or archive, for example //labs/api-client"
        );
        assert_eq!(
            err("ssh://x.org/a.tar.gz"),
            "`ssh://x.org/a.tar.gz`: archives are downloaded over https://, http:// or file://, not ssh\nhelp: use an https:// (or file://) URL for the archive, or point at the git repository instead"
        );
        assert_eq!(
            err("https://"),
            "`https://` has no host or path\nhelp: write a full URL, for example https://git.example.com/team/labs.git"
        );
        assert!(err("no-such-lab-id").starts_with("`no-such-lab-id` is not a built-in lab, a folder, a URL or CATALOG/LAB\nhelp: built-in labs: "));
        assert_eq!(
            err(""),
            "the lab source is empty\nhelp: give a built-in lab id (see `labforge list`), a folder, a git or archive URL, or CATALOG/LAB"
        );
    }
}
