//! "Did you mean …?": the nearest of a list of known names to a mistyped one,
//! for lab ids (`new api-clinet`), exercise ids and lab.toml keys (`hnt`).

/// The known name closest to `typed`, when it is close enough to be what
/// was meant (Jaro-Winkler, the measure clap uses for its own suggestions).
pub(crate) fn nearest<'a>(
    typed: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(&typed, &k.to_lowercase()), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_name_or_none() {
        let labs = ["api-client", "cloud-service", "database"];
        assert_eq!(nearest("api-clinet", labs), Some("api-client"));
        assert_eq!(nearest("Databse", labs), Some("database"));
        assert_eq!(nearest("kubernetes", labs), None);
        let keys = ["hints", "hint", "id", "title"];
        assert_eq!(nearest("hnt", keys), Some("hint"));
    }
}
