//! Printing: JSON for `--json`, aligned text tables otherwise, and one-line errors.

use serde::Serialize;

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Terminal width of `s` (CJK characters take two columns).
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// A text table with a header row, columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(cell));
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths.get(i).copied().unwrap_or(0) - width(cell) + 2;
                out.push_str(&" ".repeat(pad));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push('\n');
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The JSON form of an error for `--json`: `{"error": {"code", "message", "log_id"}}`.
pub fn error_json(e: &anyhow::Error) -> serde_json::Value {
    use dyopen_client::Error;
    let partial = e.downcast_ref::<PartialFailure>();
    let source = partial
        .map(|p| &p.source)
        .or_else(|| e.downcast_ref::<Error>());
    let (code, message, log_id) = match source {
        Some(Error::Api {
            code,
            message,
            log_id,
        }) => (serde_json::json!(code), message.clone(), log_id.clone()),
        Some(Error::Admin { code, message, .. }) => {
            (serde_json::json!(code), message.clone(), None)
        }
        _ => (serde_json::Value::Null, format!("{e:#}"), None),
    };
    let mut out =
        serde_json::json!({"error": {"code": code, "message": message, "log_id": log_id}});
    if let (Some(p), Some(obj)) = (partial, out.as_object_mut()) {
        obj.insert("results".into(), p.done.clone());
    }
    out
}

/// A command that failed part-way after work the platform already applied: the error, plus the
/// results of that work (shown under `results` in the `--json` error object).
#[derive(Debug)]
pub struct PartialFailure {
    /// What stopped the command.
    pub source: dyopen_client::Error,
    /// The results obtained before it (a JSON array).
    pub done: serde_json::Value,
}

impl std::fmt::Display for PartialFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.source.fmt(f)
    }
}

impl std::error::Error for PartialFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_failures_carry_the_applied_results_in_json() {
        let source = dyopen_client::Error::Api {
            code: 4001010,
            message: "Service Unavailable".into(),
            log_id: None,
        };
        let done = serde_json::json!([{"douyin_id": "a", "update_result": "请求成功,已添加"}]);
        let e = anyhow::Error::from(PartialFailure {
            source,
            done: done.clone(),
        });
        let v = error_json(&e);
        assert_eq!(v["error"]["code"], 4001010);
        assert_eq!(v["results"], done);
        assert_eq!(
            format!("{e:#}"),
            "platform error 4001010: Service Unavailable"
        );
    }

    #[test]
    fn tables_align_wide_characters() {
        let t = table(
            &["code", "city"],
            &[
                vec!["440300".into(), "深圳市".into()],
                vec!["1".into(), "x".into()],
            ],
        );
        assert_eq!(t, "code    city\n440300  深圳市\n1       x");
        assert_eq!(width("深圳"), 4);
    }
}
