//! JSON subset matching, shared by `http` (`expect.json`) and `command`
//! (`stdout_json`): every key of the expected value must be present with a
//! matching value; arrays match element by element; extra keys are allowed.

use serde_json::Value;

/// Converts a TOML value (as written in lab.toml) to JSON.
pub(crate) fn from_toml(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(from_toml).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), from_toml(v))).collect())
        }
    }
}

/// None when `got` contains `want`; otherwise where and how they differ.
pub(crate) fn subset_mismatch(want: &Value, got: &Value, path: &str) -> Option<String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w.iter().find_map(|(k, wv)| {
            let p = format!("{path}.{k}");
            match g.get(k) {
                Some(gv) => subset_mismatch(wv, gv, &p),
                None => Some(format!("`{}` is missing", p.trim_start_matches('.'))),
            }
        }),
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                return Some(format!(
                    "`{}` has {} items, expected {}",
                    shown(path),
                    g.len(),
                    w.len()
                ));
            }
            w.iter()
                .zip(g)
                .enumerate()
                .find_map(|(i, (wv, gv))| subset_mismatch(wv, gv, &format!("{path}[{i}]")))
        }
        (Value::Number(w), Value::Number(g)) if w.as_f64() == g.as_f64() => None,
        _ if want == got => None,
        _ => Some(format!("`{}` is {got}, expected {want}", shown(path))),
    }
}

fn shown(path: &str) -> &str {
    match path.trim_start_matches('.') {
        "" => "the body",
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subsets() {
        let got = json!({"status": "ok", "n": 2, "items": [1, 2], "extra": true});
        assert_eq!(subset_mismatch(&json!({"status": "ok"}), &got, ""), None);
        assert_eq!(subset_mismatch(&json!({"n": 2.0}), &got, ""), None);
        assert_eq!(
            subset_mismatch(&json!({"status": "down"}), &got, ""),
            Some("`status` is \"ok\", expected \"down\"".into())
        );
        assert_eq!(
            subset_mismatch(&json!({"missing": 1}), &got, ""),
            Some("`missing` is missing".into())
        );
        assert_eq!(
            subset_mismatch(&json!({"items": [1]}), &got, ""),
            Some("`items` has 2 items, expected 1".into())
        );
    }
}
