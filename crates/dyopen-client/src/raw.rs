//! Requests exactly as given and answers exactly as received, for comparing a server with the
//! platform (`dyopen verify`) and for diagnostics: one attempt, no retry, no managed token, no
//! envelope decoding. The request goes to the base URL of the host that serves its path
//! ([`dyopen_wire::paths::host_of`]), like every other call of the [`Client`].

use crate::client::Client;
use crate::error::{Error, Result};
use serde_json::Value;

/// A request to send as it is.
///
/// ```
/// use dyopen_client::raw::{RawBody, RawRequest};
/// let req = RawRequest::post("/api/apps/v2/token", RawBody::Json(serde_json::json!({"appid": "tt0"})))
///     .header("access-token", "08abc");
/// assert_eq!(req.method, "POST");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RawRequest {
    /// HTTP method (`POST`, `GET`, …).
    pub method: String,
    /// Path (any form: the platform's own paths, unknown ones, repeated slashes).
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Extra headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: RawBody,
}

/// A body to send.
#[derive(Debug, Clone, PartialEq)]
pub enum RawBody {
    /// No body.
    Empty,
    /// JSON (`Content-Type: application/json`).
    Json(Value),
    /// A form (`Content-Type: application/x-www-form-urlencoded`).
    Form(Vec<(String, String)>),
    /// Any text, sent as `Content-Type: application/json` (for bodies that are not valid JSON).
    Text(String),
}

impl RawRequest {
    /// A `POST` of `path` with `body`.
    pub fn post(path: impl Into<String>, body: RawBody) -> Self {
        Self {
            method: "POST".into(),
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// An answer as received.
#[derive(Debug, Clone, PartialEq)]
pub struct RawAnswer {
    /// HTTP status.
    pub status: u16,
    /// The `X-Tt-Logid` header, if any.
    pub log_id: Option<String>,
    /// The body's bytes.
    pub body: Vec<u8>,
}

impl RawAnswer {
    /// The body as JSON, if it is JSON.
    ///
    /// ```
    /// let a = dyopen_client::raw::RawAnswer { status: 200, log_id: None, body: br#"{"err_no":0}"#.to_vec() };
    /// assert_eq!(a.json(), Some(serde_json::json!({"err_no": 0})));
    /// ```
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl Client {
    /// Sends `req` once and returns the answer whatever its status or body. Errors only when no
    /// answer was read (connection refused, timeout, bad method).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// use dyopen_client::raw::{RawBody, RawRequest};
    /// let answer = client
    ///     .send_raw(&RawRequest::post("/api/apps/v2/token", RawBody::Json(serde_json::json!({}))))
    ///     .await?;
    /// assert_eq!(answer.status, 200);
    /// # Ok(()) }
    /// ```
    pub async fn send_raw(&self, req: &RawRequest) -> Result<RawAnswer> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| Error::Config(format!("method {:?}: {e}", req.method)))?;
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire().await;
        }
        let mut builder = self.inner.http.request(method, self.url(&req.path));
        if !req.query.is_empty() {
            builder = builder.query(&req.query);
        }
        builder = match &req.body {
            RawBody::Empty => builder,
            RawBody::Json(v) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(v.to_string()),
            RawBody::Form(pairs) => builder.form(pairs),
            RawBody::Text(t) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(t.clone()),
        };
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let res = builder.send().await.map_err(Error::Transport)?;
        let status = res.status().as_u16();
        let log_id = res
            .headers()
            .get("x-tt-logid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res.bytes().await.map_err(Error::Transport)?.to_vec();
        Ok(RawAnswer {
            status,
            log_id,
            body,
        })
    }
}
