//! Versions, one type for all: [`semver::Version`].
//!
//! Lab versions (`[lab].version`, `[[migration]].version`, the version in
//! `.labforge/state.toml`, `update --to`) are strict semver,
//! `MAJOR.MINOR.PATCH` with an optional `-pre` and `+build`. Tool versions
//! (`needs = ["python3 >= 3.10"]`, the output of `python3 --version`) are one
//! to three numbers, read with the missing parts as 0. Comparison is semver
//! precedence (build metadata ignored).

use std::cmp::Ordering;

pub(crate) use semver::Version;

/// A strict lab version, or why it is not one.
pub(crate) fn parse(s: &str) -> Result<Version, String> {
    Version::parse(s.trim()).map_err(|e| e.to_string())
}

/// A version as tools and older files write it: `v1.2.3`, `3.10` (3.10.0)
/// or `3` (3.0.0), else a strict semver version.
pub(crate) fn loose(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches('v');
    if let Ok(v) = Version::parse(s) {
        return Some(v);
    }
    let (core, rest) = match s.find(['-', '+']) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let mut parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    Version::parse(&format!("{}{rest}", parts.join("."))).ok()
}

/// Orders two versions by semver precedence; a text that is not a version
/// sorts before every version, and two such texts by their bytes.
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    match (loose(a), loose(b)) {
        (Some(x), Some(y)) => x.cmp_precedence(&y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

/// True when `v` lies in the half-open range (`from`, `to`].
pub(crate) fn in_range(v: &str, from: &str, to: &str) -> bool {
    compare(v, from) == Ordering::Greater && compare(v, to) != Ordering::Greater
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_semver_precedence() {
        assert_eq!(compare("1.10.0", "1.9.0"), Ordering::Greater);
        assert_eq!(compare("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(compare("1.0.0+build.5", "1.0.0"), Ordering::Equal);
        assert_eq!(compare("1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(compare("1.0.0-rc.2", "1.0.0-rc.10"), Ordering::Less);
        assert_eq!(compare("garbage", "0.0.1"), Ordering::Less);
        assert!(in_range("1.3.0", "1.0.0", "1.3.0"));
        assert!(!in_range("1.0.0", "1.0.0", "1.3.0"));
    }

    #[test]
    fn lab_versions_are_strict_and_tool_versions_loose() {
        assert!(parse("1.0.0").is_ok());
        assert!(parse("1.0.0-beta.1").is_ok());
        assert!(parse("1.0").is_err());
        assert!(parse("v1.0.0").is_err());
        assert_eq!(loose("3.10"), Some(Version::new(3, 10, 0)));
        assert_eq!(loose("v1.2.3"), Some(Version::new(1, 2, 3)));
        assert_eq!(loose("3"), Some(Version::new(3, 0, 0)));
        assert_eq!(loose("3.x"), None);
    }
}
