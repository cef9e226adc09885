//! The verdict of one case (SPEC §13): `same`, or the first of `shape` (status, a field missing
//! or extra, a JSON type, an array's length), `code` (the envelope's code: `err_no`, `error`,
//! `error_code`) and `text` (any other value) in which the answer differs from the documented
//! one. Values behind the markers of [`super::case::Expect`] are compared by type only.

use serde::Serialize;
use serde_json::Value;

/// Fields that hold a dialect's code.
const CODE_FIELDS: [&str; 3] = ["err_no", "error", "error_code"];
/// Markers matching any scalar.
const SCALAR_MARKERS: [&str; 6] = ["<log_id>", "<id>", "<token>", "<url>", "<time>", "<count>"];
/// Marker matching any array of scalars.
const LIST_MARKER: &str = "<ids>";

/// How an answer compares with the documented one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "detail", rename_all = "snake_case")]
pub enum Verdict {
    /// The same, ignoring log ids, generated ids, URLs and times.
    Same,
    /// Differs in shape: status, missing or extra field, type, array length.
    Shape(String),
    /// Differs in the code.
    Code(String),
    /// Differs in a text or another value.
    Text(String),
    /// Not run (why).
    Skipped(String),
}

impl Verdict {
    /// The word shown in the table.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Same => "same",
            Verdict::Shape(_) => "differs: shape",
            Verdict::Code(_) => "differs: code",
            Verdict::Text(_) => "differs: text",
            Verdict::Skipped(_) => "skipped",
        }
    }

    /// Whether it is a difference.
    pub fn differs(&self) -> bool {
        matches!(
            self,
            Verdict::Shape(_) | Verdict::Code(_) | Verdict::Text(_)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Text,
    Code,
    Shape,
}

struct Walk {
    found: Vec<(Kind, String)>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::Bool(_) | Value::Number(_) | Value::String(_))
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        s.chars().take(77).collect::<String>() + "..."
    } else {
        s
    }
}

impl Walk {
    fn diff(&mut self, kind: Kind, at: &str, detail: String) {
        let at = if at.is_empty() { "/" } else { at };
        self.found.push((kind, format!("{at}: {detail}")));
    }

    fn shape_unless(&mut self, ok: bool, at: &str, detail: impl FnOnce() -> String) {
        if !ok {
            self.diff(Kind::Shape, at, detail());
        }
    }

    fn compare(&mut self, at: &str, key: &str, want: &Value, got: &Value) {
        match (want, got) {
            (Value::String(m), got) if SCALAR_MARKERS.contains(&m.as_str()) => {
                let ok = is_scalar(got);
                self.shape_unless(ok, at, || format!("{m} expected, got {}", type_name(got)));
            }
            (Value::String(m), got) if m == LIST_MARKER => {
                let ok = got.as_array().is_some_and(|a| a.iter().all(is_scalar));
                self.shape_unless(ok, at, || {
                    format!("a list of ids expected, got {}", show(got))
                });
            }
            (Value::Object(w), Value::Object(g)) => {
                for (k, wv) in w {
                    let here = format!("{at}/{k}");
                    match g.get(k) {
                        Some(gv) => self.compare(&here, k, wv, gv),
                        None => self.diff(Kind::Shape, &here, "missing".into()),
                    }
                }
                for k in g.keys().filter(|k| !w.contains_key(*k)) {
                    self.diff(Kind::Shape, &format!("{at}/{k}"), "not documented".into());
                }
            }
            (Value::Array(w), Value::Array(g)) => {
                if w.len() != g.len() {
                    self.diff(
                        Kind::Shape,
                        at,
                        format!("{} items expected, got {}", w.len(), g.len()),
                    );
                    return;
                }
                for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                    self.compare(&format!("{at}/{i}"), key, wv, gv);
                }
            }
            (w, g) if type_name(w) != type_name(g) => self.diff(
                Kind::Shape,
                at,
                format!(
                    "{} expected, got {} {}",
                    type_name(w),
                    type_name(g),
                    show(g)
                ),
            ),
            (w, g) if w != g => {
                let kind = if CODE_FIELDS.contains(&key) {
                    Kind::Code
                } else {
                    Kind::Text
                };
                self.diff(kind, at, format!("{} expected, got {}", show(w), show(g)));
            }
            _ => {}
        }
    }
}

/// Compares an answer with the documented one.
pub fn compare(status_want: u16, body_want: Option<&Value>, status: u16, body: &[u8]) -> Verdict {
    if status != status_want {
        return Verdict::Shape(format!("HTTP {status}, documented {status_want}"));
    }
    let Some(want) = body_want else {
        return Verdict::Same;
    };
    let Ok(got) = serde_json::from_slice::<Value>(body) else {
        let text: String = String::from_utf8_lossy(body).chars().take(80).collect();
        return Verdict::Shape(format!("not JSON: {text}"));
    };
    let mut walk = Walk { found: Vec::new() };
    walk.compare("", "", want, &got);
    let Some(worst) = walk.found.iter().map(|(k, _)| *k).max() else {
        return Verdict::Same;
    };
    let details: Vec<&str> = walk
        .found
        .iter()
        .filter(|(k, _)| *k == worst)
        .map(|(_, d)| d.as_str())
        .collect();
    let detail = details.join("; ");
    match worst {
        Kind::Shape => Verdict::Shape(detail),
        Kind::Code => Verdict::Code(detail),
        Kind::Text => Verdict::Text(detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn verdict(want: Value, got: Value) -> Verdict {
        compare(200, Some(&want), 200, got.to_string().as_bytes())
    }

    #[test]
    fn markers_ignore_values_but_not_types() {
        let want = json!({"err_no": 0, "log_id": "<log_id>", "data_id": "<id>", "ids": "<ids>"});
        let got = json!({"err_no": 0, "log_id": "02x", "data_id": "region_1", "ids": ["1", "2"]});
        assert_eq!(verdict(want.clone(), got), Verdict::Same);
        let wrong = json!({"err_no": 0, "log_id": "02x", "data_id": {}, "ids": []});
        assert!(matches!(verdict(want, wrong), Verdict::Shape(d) if d.contains("data_id")));
    }

    #[test]
    fn shape_comes_before_code_before_text() {
        let want = json!({"err_no": 10001, "err_msg": "a", "log_id": "<log_id>"});
        let text = json!({"err_no": 10001, "err_msg": "b", "log_id": "x"});
        let code = json!({"err_no": 10100, "err_msg": "b", "log_id": "x"});
        let shape = json!({"err_no": 10100, "err_msg": "b"});
        assert!(matches!(verdict(want.clone(), text), Verdict::Text(_)));
        assert!(matches!(verdict(want.clone(), code), Verdict::Code(_)));
        assert!(
            matches!(verdict(want.clone(), shape), Verdict::Shape(d) if d.contains("/log_id: missing"))
        );
        let extra = json!({"err_no": 10001, "err_msg": "a", "log_id": "x", "more": 1});
        assert!(matches!(verdict(want, extra), Verdict::Shape(_)));
    }

    #[test]
    fn status_counts_as_shape_and_any_body_as_same() {
        assert!(matches!(compare(200, None, 404, b""), Verdict::Shape(_)));
        assert_eq!(compare(404, None, 404, b"<html>"), Verdict::Same);
        assert!(matches!(
            compare(200, Some(&json!({})), 200, b"<html>"),
            Verdict::Shape(_)
        ));
    }
}
