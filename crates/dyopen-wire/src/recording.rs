//! The recording format shared by `dyopen proxy --record DIR` (which writes it) and
//! `dyopen serve --emulator --replay DIR` (which answers from it): one JSON file per
//! request/answer pair, named by [`Exchange::file_name`]. Every value whose decoded field name
//! contains `token`, `secret` or `password` is [`REDACTED`] before the file is written.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a redacted value becomes.
pub const REDACTED: &str = "***";

/// One recorded request and the answer the upstream gave.
///
/// ```
/// use dyopen_wire::recording::{Body, Exchange, RecordedRequest, RecordedResponse};
/// let e = Exchange {
///     seq: 7,
///     recorded_at_ms: 0,
///     upstream: "https://open.douyin.com".into(),
///     request: RecordedRequest {
///         method: "POST".into(),
///         path: "/api/product/v1/app_region_add/".into(),
///         query: String::new(),
///         headers: Default::default(),
///         body: Body::Json(serde_json::json!({"bind_type": 1, "region_id": "440300"})),
///     },
///     response: RecordedResponse { status: 200, headers: Default::default(), body: Body::Empty },
/// };
/// assert_eq!(e.file_name(), "000007-POST-api_product_v1_app_region_add.json");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// Position in recorded order (the order the answers arrived), from 1.
    pub seq: u64,
    /// Wall-clock time the answer arrived (Unix milliseconds).
    pub recorded_at_ms: i64,
    /// Base URL of the upstream the request was forwarded to.
    pub upstream: String,
    /// The request as the client sent it (redacted).
    pub request: RecordedRequest,
    /// The upstream's answer (redacted).
    pub response: RecordedResponse,
}

impl Exchange {
    /// `NNNNNN-METHOD-path_words.json`: sorts in recorded order, says what it holds.
    pub fn file_name(&self) -> String {
        let slug: String = self
            .request
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("_")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .take(80)
            .collect();
        let method: String = self
            .request
            .method
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(10)
            .collect();
        format!("{:06}-{method}-{slug}.json", self.seq)
    }
}

/// A recorded request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// The path as sent (not normalised).
    pub path: String,
    /// The query string without `?` (redacted), `""` if none.
    #[serde(default)]
    pub query: String,
    /// Header names in lower case; repeated headers joined with `, ` (redacted).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Body,
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// Header names in lower case; repeated headers joined with `, ` (redacted).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: Body,
}

/// A recorded body.
///
/// ```
/// use dyopen_wire::recording::Body;
/// assert_eq!(Body::from_bytes(b""), Body::Empty);
/// assert_eq!(Body::from_bytes(br#"{"a":1}"#), Body::Json(serde_json::json!({"a": 1})));
/// assert_eq!(Body::from_bytes(b"a=1"), Body::Text("a=1".into()));
/// assert_eq!(Body::Json(serde_json::json!({"a": 1})).to_bytes(), br#"{"a":1}"#.to_vec());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// No body.
    Empty,
    /// A body that parsed as JSON (kept as a JSON value, so it reads well and redacts per field).
    Json(serde_json::Value),
    /// Any other body, as text (bytes that are not UTF-8 are replaced by U+FFFD).
    Text(String),
}

impl Body {
    /// The body of `bytes`: JSON when it parses, else text.
    pub fn from_bytes(bytes: &[u8]) -> Body {
        if bytes.is_empty() {
            return Body::Empty;
        }
        match serde_json::from_slice(bytes) {
            Ok(v) => Body::Json(v),
            Err(_) => Body::Text(String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    /// The bytes to send for this body (JSON compact, keys as the value holds them).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Body::Empty => Vec::new(),
            Body::Json(v) => v.to_string().into_bytes(),
            Body::Text(t) => t.clone().into_bytes(),
        }
    }
}
