//! What `dyopen proxy` writes: each request/answer pair as one [`Exchange`] file in the record
//! directory, every secret masked first (`dyopen_core::secrets`): headers, query strings, JSON
//! and form bodies field by field; any other text that mentions a secret word is withheld whole.

use dyopen_core::secrets::{is_secret_header, mask_json, mask_pairs, mentions_secret, MASK};
use dyopen_wire::recording::{Body, Exchange};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a recorded text body becomes when it mentions a secret but cannot be masked per field.
pub const WITHHELD: &str = "[body withheld: neither JSON nor a form, and it mentions a secret]";

/// Headers as recorded: lower-case names, repeated ones joined with `, `, credentials masked.
pub fn headers(map: &reqwest::header::HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in map {
        let name = name.as_str().to_ascii_lowercase();
        let value = if is_secret_header(&name) {
            MASK.to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.entry(name)
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// A body as recorded: JSON with secret fields masked, a form with secret pairs masked, other
/// text kept unless it mentions a secret word.
pub fn body(bytes: &[u8], content_type: Option<&str>) -> Body {
    match Body::from_bytes(bytes) {
        Body::Json(mut v) => {
            mask_json(&mut v);
            Body::Json(v)
        }
        Body::Text(text) => {
            let form =
                content_type.is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
            if form {
                Body::Text(mask_pairs(&text))
            } else if mentions_secret(&text) {
                Body::Text(WITHHELD.to_owned())
            } else {
                Body::Text(text)
            }
        }
        Body::Empty => Body::Empty,
    }
}

/// A query string as recorded.
pub fn query(q: Option<&str>) -> String {
    q.map(mask_pairs).unwrap_or_default()
}

/// Writes exchanges into one directory, numbering them in the order their answers arrive
/// (continuing after the highest number already there).
#[derive(Debug)]
pub struct Recorder {
    dir: PathBuf,
    next: AtomicU64,
}

impl Recorder {
    /// A recorder into `dir` (created if missing).
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
        let mut last = 0;
        for entry in std::fs::read_dir(dir)
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", dir.display()))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(n) = name.split('-').next().and_then(|n| n.parse::<u64>().ok()) {
                last = last.max(n);
            }
        }
        Ok(Self {
            dir: dir.to_owned(),
            next: AtomicU64::new(last + 1),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Numbers `exchange` and writes it (to a temporary name first, so a reader never sees half
    /// a file). Returns the file name.
    pub fn write(&self, mut exchange: Exchange) -> anyhow::Result<String> {
        exchange.seq = self.next.fetch_add(1, Ordering::SeqCst);
        let name = exchange.file_name();
        let text = serde_json::to_vec_pretty(&exchange)?;
        let tmp = self.dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, self.dir.join(&name))
            .map_err(|e| anyhow::anyhow!("writing {name}: {e}"))?;
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_never_reach_a_recording() {
        let json = body(
            br#"{"access_token": "08abc", "nested": {"Client_Secret": "s"}, "appid": "tt1"}"#,
            None,
        );
        assert_eq!(
            json,
            Body::Json(
                json!({"access_token": "***", "nested": {"Client_Secret": "***"}, "appid": "tt1"})
            )
        );
        let form = body(
            b"client_key=tt1&client%5Fsecret=s3cret",
            Some("application/x-www-form-urlencoded; charset=utf-8"),
        );
        assert_eq!(
            form,
            Body::Text("client_key=tt1&client%5Fsecret=***".into())
        );
        assert_eq!(
            body(b"{\"access_token\": \"08abc\"", None),
            Body::Text(WITHHELD.into())
        );
        assert_eq!(query(Some("a=1&access_token=08x")), "a=1&access_token=***");
        let mut map = reqwest::header::HeaderMap::new();
        map.insert("access-token", "clt.x".parse().expect("value"));
        map.insert("authorization", "Bearer y".parse().expect("value"));
        map.insert("content-type", "application/json".parse().expect("value"));
        let h = headers(&map);
        assert_eq!(h["access-token"], "***");
        assert_eq!(h["authorization"], "***");
        assert_eq!(h["content-type"], "application/json");
    }
}
