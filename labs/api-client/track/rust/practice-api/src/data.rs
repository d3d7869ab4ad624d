//! The seeded catalogue and the small deterministic RNG behind it.

use serde::Serialize;

/// SplitMix64: tiny, fast and the same on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Product {
    pub id: u32,
    pub name: String,
    pub price_cents: u64,
    pub updated_at: String,
}

const ADJECTIVES: [&str; 12] = [
    "Sturdy", "Compact", "Quiet", "Bright", "Modular", "Rugged", "Smart", "Classic", "Portable",
    "Solar", "Tiny", "Deluxe",
];
const NOUNS: [&str; 12] = [
    "Kettle", "Lamp", "Backpack", "Router", "Notebook", "Drill", "Speaker", "Bottle", "Tent",
    "Keyboard", "Clock", "Mug",
];

/// `count` products with ids 1..=count, the same for the same seed.
pub fn products(seed: u64, count: u32) -> Vec<Product> {
    let mut rng = Rng::new(seed);
    // 2026-01-01T00:00:00Z
    let base = 1_767_225_600u64;
    (1..=count)
        .map(|id| {
            let adj = ADJECTIVES[rng.range(0, 11) as usize];
            let noun = NOUNS[rng.range(0, 11) as usize];
            Product {
                id,
                name: format!("{adj} {noun} {id}"),
                price_cents: rng.range(199, 49_999),
                updated_at: rfc3339(base + rng.range(0, 300 * 86_400)),
            }
        })
        .collect()
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard or URL-safe base64, padding optional.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'-' => 62,
            b'_' => 63,
            _ => B64.iter().position(|&b| b == c)? as u32,
        };
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(out)
}

/// URL-safe base64 without padding.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let c = B64[((v >> (18 - 6 * i)) & 63) as usize];
            out.push(match c {
                b'+' => '-',
                b'/' => '_',
                c => c as char,
            });
        }
    }
    out
}

/// Cursors are opaque to clients: `after:<id>` in URL-safe base64.
pub fn encode_cursor(after_id: u32) -> String {
    base64url(format!("after:{after_id}").as_bytes())
}

/// The id a cursor points after, or None when it is not one of ours.
pub fn decode_cursor(cursor: &str) -> Option<u32> {
    let raw = String::from_utf8(base64_decode(cursor)?).ok()?;
    let num = raw.strip_prefix("after:")?;
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num.parse().ok()
}

/// The field errors of a `POST /v1/orders` body (empty when it is valid).
pub fn validate_order(body: &serde_json::Value, product_count: u64) -> Vec<(String, String)> {
    let Some(obj) = body.as_object() else {
        return vec![("body".into(), "must be a JSON object".into())];
    };
    let mut errors = Vec::new();
    let int = |k: &str| {
        obj.get(k)
            .filter(|v| v.is_i64() || v.is_u64())
            .and_then(|v| v.as_i64())
    };
    match (obj.get("product_id"), int("product_id")) {
        (_, Some(id)) if id >= 1 && (id as u64) <= product_count => {}
        (_, Some(id)) => errors.push(("product_id".into(), format!("no product with id {id}"))),
        (Some(v), None) if v.is_u64() => {
            errors.push(("product_id".into(), format!("no product with id {v}")))
        }
        _ => errors.push((
            "product_id".into(),
            "is required and must be an integer".into(),
        )),
    }
    if !int("quantity").is_some_and(|q| (1..=100).contains(&q)) {
        errors.push(("quantity".into(), "must be an integer from 1 to 100".into()));
    }
    match obj.get("note") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(s)) if s.chars().count() <= 200 => {}
        Some(_) => errors.push((
            "note".into(),
            "must be a string of at most 200 characters".into(),
        )),
    }
    let mut unknown: Vec<&String> = obj
        .keys()
        .filter(|k| !["product_id", "quantity", "note"].contains(&k.as_str()))
        .collect();
    unknown.sort();
    errors.extend(
        unknown
            .into_iter()
            .map(|k| (k.clone(), "is not a known field".to_string())),
    );
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn cursors_round_trip_like_python() {
        // base64.urlsafe_b64encode(b"after:10").rstrip(b"=")
        assert_eq!(encode_cursor(10), "YWZ0ZXI6MTA");
        assert_eq!(decode_cursor("YWZ0ZXI6MTA"), Some(10));
        assert_eq!(decode_cursor("YWZ0ZXI6MTA="), Some(10));
        assert_eq!(decode_cursor("bm9wZQ"), None);
        assert_eq!(decode_cursor("!!"), None);
    }

    #[test]
    fn catalogue_is_seeded() {
        assert_eq!(products(7, 137).len(), 137);
        assert_eq!(products(7, 5)[3].name, products(7, 5)[3].name);
        let prices = |seed| {
            products(seed, 20)
                .iter()
                .map(|p| p.price_cents)
                .collect::<Vec<_>>()
        };
        assert_ne!(prices(7), prices(8));
    }
}
