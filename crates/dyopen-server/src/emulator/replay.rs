//! `dyopen serve --emulator --replay DIR` (SPEC §13): answers a request that matches a recording
//! of `dyopen proxy` with the recorded answer. A request matches on method, normalised path, the
//! query's and body's fields without the secret ones (`dyopen_core::secrets`), compared after
//! decoding, so key order, whitespace and credentials do not matter. One key recorded several
//! times answers in recorded order, then falls through to the emulator, as does everything
//! unmatched and every token endpoint. The replayed envelope gets the request's own log id (and
//! the outer layer sets `X-Tt-Logid`). A reset rewinds every key to its first recording.

use crate::http::LogId;
use axum::body::Body as AxumBody;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use dyopen_core::secrets::{public_pairs, strip_json};
use dyopen_wire::paths::{is_token_path, normalize_path};
use dyopen_wire::recording::{Body, Exchange};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Recorded headers a replayed answer does not repeat: per connection, per message, or remade.
const NOT_REPLAYED: [&str; 7] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "date",
    "x-tt-logid",
    "server",
];

/// What identifies a request for replay.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    method: String,
    path: String,
    /// Decoded, sorted query pairs without secret ones.
    query: Vec<(String, String)>,
    /// Canonical body text without secret fields.
    body: String,
}

impl Key {
    fn of(method: &str, path: &str, query: &str, body: &Body) -> Key {
        let mut query = public_pairs(query);
        query.sort();
        Key {
            method: method.to_ascii_uppercase(),
            path: normalize_path(path),
            query,
            body: canonical_body(body),
        }
    }
}

/// A body in a form that ignores key order, whitespace and secret fields: JSON as canonical JSON
/// (keys sorted), anything else as its sorted form pairs.
fn canonical_body(body: &Body) -> String {
    match body {
        Body::Empty => String::new(),
        Body::Json(v) => {
            let mut v = v.clone();
            strip_json(&mut v);
            let mut out = String::from("json:");
            write_canonical(&v, &mut out);
            out
        }
        Body::Text(t) => {
            let mut pairs = public_pairs(t.trim());
            pairs.sort();
            let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("form:{}", pairs.join("&"))
        }
    }
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                if let Some(item) = map.get(*k) {
                    write_canonical(item, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// One recorded answer.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
}

impl Answer {
    /// The HTTP answer, with `log_id` (where the envelope has one) set to `log_id`.
    fn response(&self, log_id: &str) -> Response {
        let body = match &self.body {
            Body::Json(Value::Object(map)) if map.get("log_id").is_some_and(Value::is_string) => {
                let mut map = map.clone();
                map.insert("log_id".into(), Value::String(log_id.to_owned()));
                Body::Json(Value::Object(map)).to_bytes()
            }
            other => other.to_bytes(),
        };
        let mut response = Response::new(AxumBody::from(body));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        for (name, value) in &self.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::try_from(value.as_str()),
            ) {
                response.headers_mut().append(n, v);
            }
        }
        response
    }
}

/// Why a recording directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The directory or a file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// What was read.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A file is not a recording.
    #[error("{path} is not a recording of `dyopen proxy`: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why it failed.
        source: serde_json::Error,
    },
}

/// The recordings of one directory and what is left to replay of each key.
#[derive(Debug)]
pub struct Replay {
    dir: PathBuf,
    /// Every replayable recording in recorded order (for [`Replay::rewind`]).
    recorded: Vec<(Key, Answer)>,
    queues: Mutex<HashMap<Key, VecDeque<Answer>>>,
}

impl Replay {
    /// Loads every `*.json` recording of `dir` (token endpoints are left out: they always fall
    /// through).
    pub fn load(dir: &Path) -> Result<Replay, ReplayError> {
        let read_err = |path: &Path, source| ReplayError::Read {
            path: path.to_owned(),
            source,
        };
        let mut exchanges = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| read_err(dir, e))? {
            let path = entry.map_err(|e| read_err(dir, e))?.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let text = std::fs::read(&path).map_err(|e| read_err(&path, e))?;
            let exchange: Exchange = serde_json::from_slice(&text)
                .map_err(|source| ReplayError::Parse { path, source })?;
            exchanges.push(exchange);
        }
        exchanges.sort_by_key(|e| e.seq);
        let recorded = exchanges
            .into_iter()
            .filter(|e| !is_token_path(&e.request.path))
            .map(|e| {
                let key = Key::of(
                    &e.request.method,
                    &e.request.path,
                    &e.request.query,
                    &e.request.body,
                );
                let headers = e
                    .response
                    .headers
                    .into_iter()
                    .filter(|(name, _)| !NOT_REPLAYED.contains(&name.to_ascii_lowercase().as_str()))
                    .collect();
                let answer = Answer {
                    status: e.response.status,
                    headers,
                    body: e.response.body,
                };
                (key, answer)
            })
            .collect();
        let replay = Replay {
            dir: dir.to_owned(),
            recorded,
            queues: Mutex::new(HashMap::new()),
        };
        replay.rewind();
        Ok(replay)
    }

    /// The directory the recordings came from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many recordings can be replayed (token endpoints not counted).
    pub fn len(&self) -> usize {
        self.recorded.len()
    }

    /// Whether there is nothing to replay.
    pub fn is_empty(&self) -> bool {
        self.recorded.is_empty()
    }

    fn queues(&self) -> MutexGuard<'_, HashMap<Key, VecDeque<Answer>>> {
        self.queues.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes every recording available again, in recorded order.
    pub fn rewind(&self) {
        let mut queues = self.queues();
        queues.clear();
        for (key, answer) in &self.recorded {
            queues
                .entry(key.clone())
                .or_default()
                .push_back(answer.clone());
        }
    }

    /// The next recorded answer to this request, if one is left; `None` falls through.
    pub fn answer(&self, method: &str, path: &str, query: &str, body: &[u8]) -> Option<Response> {
        if is_token_path(path) {
            return None;
        }
        let key = Key::of(method, path, query, &Body::from_bytes(body));
        let answer = self.queues().get_mut(&key)?.pop_front()?;
        Some(answer.response(&LogId::current()))
    }
}

/// The emulator layer's hook: with recordings loaded (and `eligible`: no fault pending), reads the
/// request body (up to the open APIs' limit, beyond it the route's own 413) and returns it for
/// the route together with the recorded answer, if one matches. Without recordings the body is
/// returned unread.
pub(crate) async fn intercept(
    emu: &super::Emulator,
    eligible: bool,
    parts: &Parts,
    body: AxumBody,
) -> Result<(AxumBody, Option<Response>), Response> {
    let Some(replay) = emu.replay().filter(|_| eligible) else {
        return Ok((body, None));
    };
    let path = parts.uri.path();
    let Ok(bytes) = axum::body::to_bytes(body, crate::http::extract::MAX_BODY).await else {
        let too_large = dyopen_wire::ParamProblem::TooLarge;
        return Err(crate::api::error_for_path(
            path,
            crate::api::OutOfBandError::Param(too_large),
        ));
    };
    let query = parts.uri.query().unwrap_or_default();
    let answer = replay.answer(parts.method.as_str(), path, query, &bytes);
    Ok((AxumBody::from(bytes), answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_ignore_order_whitespace_and_secrets() {
        let a = Key::of(
            "post",
            "//api/x/",
            "",
            &Body::Json(json!({"b": 1, "a": [1, {"y": 2, "x": 1}], "access_token": "***"})),
        );
        let b = Key::of(
            "POST",
            "/api/x",
            "access_token=live",
            &Body::from_bytes(br#"{ "a" : [1, {"x":1,"y":2}], "b":1, "access_token": "08ab" }"#),
        );
        assert_eq!(a, b);
        let c = Key::of("POST", "/api/x", "", &Body::Json(json!({"b": 2, "a": []})));
        assert_ne!(a, c);
        let form = Key::of(
            "POST",
            "/t",
            "",
            &Body::Text("b=2&client_secret=***&a=1".into()),
        );
        let live = Key::of(
            "POST",
            "/t",
            "",
            &Body::from_bytes(b"a=1&b=2&client%5Fsecret=s"),
        );
        assert_eq!(form, live);
    }

    #[tokio::test]
    async fn replayed_envelopes_get_the_fresh_log_id() {
        let answer = Answer {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Body::Json(json!({"err_no": 0, "err_msg": "成功", "log_id": "old"})),
        };
        let response = answer.response("new");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(v, json!({"err_no": 0, "err_msg": "成功", "log_id": "new"}));
    }
}
