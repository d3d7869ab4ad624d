//! Handlebars helpers available to every template: case conversion
//! (`snake`, `kebab`, `pascal`, `camel`, `upper`, `lower`) and dates
//! (`date`, `year`).
//!
//! Dates come from `SOURCE_DATE_EPOCH` when it is set (reproducible output,
//! the convention of reproducible-builds.org), else from the clock, in UTC.

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason, handlebars_helper,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

handlebars_helper!(snake: |s: str| join_words(s, "_", Case::Lower));
handlebars_helper!(kebab: |s: str| join_words(s, "-", Case::Lower));
handlebars_helper!(pascal: |s: str| join_words(s, "", Case::Title));
handlebars_helper!(camel: |s: str| {
    let p = join_words(s, "", Case::Title);
    let mut chars = p.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
        None => String::new(),
    }
});
handlebars_helper!(upper: |s: str| s.to_uppercase());
handlebars_helper!(lower: |s: str| s.to_lowercase());

/// The helpers labforge adds: exactly the ones [`register`] registers (the
/// direct path of module `direct` never reads these names as values).
pub(super) const NAMES: [&str; 8] = [
    "snake", "kebab", "pascal", "camel", "upper", "lower", "date", "year",
];

/// Registers every helper of [`NAMES`] on `hb`.
pub(super) fn register(hb: &mut Handlebars<'_>) {
    for name in NAMES {
        let def: Box<dyn handlebars::HelperDef + Send + Sync> = match name {
            "snake" => Box::new(snake),
            "kebab" => Box::new(kebab),
            "pascal" => Box::new(pascal),
            "camel" => Box::new(camel),
            "upper" => Box::new(upper),
            "lower" => Box::new(lower),
            "date" => Box::new(date_helper),
            "year" => Box::new(year_helper),
            _ => unreachable!("every name of NAMES has a helper"),
        };
        hb.register_helper(name, def);
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Case {
    Lower,
    Title,
}

/// Splits `s` into words (at non-alphanumeric characters, lower→upper and
/// acronym→word boundaries), transliterated to ASCII, and joins them.
pub(crate) fn join_words(s: &str, sep: &str, case: Case) -> String {
    let words = words(&deunicode::deunicode(s));
    let mut out = String::with_capacity(s.len() + words.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match case {
            Case::Lower => out.push_str(&w.to_lowercase()),
            Case::Title => {
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(&chars.as_str().to_lowercase());
                }
            }
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&prev) = cur.chars().last().as_ref() {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (prev.is_lowercase() || prev.is_ascii_digit()) && c.is_uppercase()
                || prev.is_uppercase() && c.is_uppercase() && next_lower;
            if boundary {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The time templates see: `SOURCE_DATE_EPOCH` or now, in UTC.
pub(super) fn now() -> OffsetDateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or_else(OffsetDateTime::now_utc)
}

/// `now` as RFC 3339 (`2026-11-25T09:40:00Z`), the `now` context value.
pub(crate) fn now_rfc3339() -> String {
    now().format(&Rfc3339).unwrap_or_default()
}

/// `{{date}}` → `2026-11-25`; `{{date "[day].[month].[year]"}}` uses a
/// `time` format description.
fn date_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let fmt = match h.param(0) {
        None => DATE_FORMAT.to_string(),
        Some(p) => p
            .value()
            .as_str()
            .ok_or_else(|| RenderError::from(RenderErrorReason::InvalidParamType("string")))?
            .to_string(),
    };
    let text = date_text(&fmt).map_err(|e| RenderError::from(RenderErrorReason::Other(e)))?;
    out.write(&text)?;
    Ok(())
}

/// The date `{{date}}` shows (`DATE_FORMAT`), or `{{date "FMT"}}`.
pub(super) fn date_text(fmt: &str) -> Result<String, String> {
    let desc = time::format_description::parse_borrowed::<2>(fmt)
        .map_err(|e| format!("bad date format `{fmt}`: {e}"))?;
    now()
        .format(&desc)
        .map_err(|e| format!("bad date format `{fmt}`: {e}"))
}

/// The format of `{{date}}` without a parameter.
pub(super) const DATE_FORMAT: &str = "[year]-[month]-[day]";

/// What `{{year}}` shows.
pub(super) fn year_text() -> String {
    now().year().to_string()
}

/// `{{year}}` → `2026`.
fn year_helper(
    _: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&year_text())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let c = |s| {
            (
                join_words(s, "_", Case::Lower),
                join_words(s, "-", Case::Lower),
                join_words(s, "", Case::Title),
            )
        };
        assert_eq!(
            c("My API client"),
            (
                "my_api_client".into(),
                "my-api-client".into(),
                "MyApiClient".into()
            )
        );
        assert_eq!(
            c("HTTPServer2go"),
            (
                "http_server2go".into(),
                "http-server2go".into(),
                "HttpServer2go".into()
            )
        );
        assert_eq!(
            c("api-client_v2"),
            (
                "api_client_v2".into(),
                "api-client-v2".into(),
                "ApiClientV2".into()
            )
        );
        assert_eq!(
            c("Crème brûlée"),
            (
                "creme_brulee".into(),
                "creme-brulee".into(),
                "CremeBrulee".into()
            )
        );
        assert_eq!(c(""), (String::new(), String::new(), String::new()));
    }
}
