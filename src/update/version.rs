//! Version comparison for `--check` and `--to`: dotted numeric versions with
//! an optional `-pre` suffix (semver precedence, without build metadata).

use std::cmp::Ordering;

/// Compares `a` and `b`; parts that are not numbers compare as text.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ac, ap) = split(a);
    let (bc, bp) = split(b);
    let an: Vec<&str> = ac.split('.').collect();
    let bn: Vec<&str> = bc.split('.').collect();
    for i in 0..an.len().max(bn.len()) {
        let o = part(
            an.get(i).copied().unwrap_or("0"),
            bn.get(i).copied().unwrap_or("0"),
        );
        if o != Ordering::Equal {
            return o;
        }
    }
    match (ap, bp) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            let xs: Vec<&str> = x.split('.').collect();
            let ys: Vec<&str> = y.split('.').collect();
            for (p, q) in xs.iter().zip(&ys) {
                let o = part(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            xs.len().cmp(&ys.len())
        }
    }
}

fn split(v: &str) -> (&str, Option<&str>) {
    let v = v.trim().trim_start_matches('v');
    let v = v.split_once('+').map_or(v, |(a, _)| a);
    match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    }
}

fn part(a: &str, b: &str) -> Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// True when `v` lies in the half-open range (`from`, `to`].
pub fn in_range(v: &str, from: &str, to: &str) -> bool {
    compare(v, from) == Ordering::Greater && compare(v, to) != Ordering::Greater
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_semver() {
        assert_eq!(compare("1.10.0", "1.9.0"), Ordering::Greater);
        assert_eq!(compare("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(compare("1.0.0-rc.1", "1.0.0"), Ordering::Less);
        assert_eq!(compare("1.0.0-rc.2", "1.0.0-rc.10"), Ordering::Less);
        assert!(in_range("1.3.0", "1.0.0", "1.3.0"));
        assert!(!in_range("1.0.0", "1.0.0", "1.3.0"));
    }
}
