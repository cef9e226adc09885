//! One open-API call: serialise, attach the token, send, read the family's envelope; retry on
//! system errors and unsent requests with jittered backoff; refresh the token once on a token error.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::family::Family;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Everything the transport needs to know about one call.
pub(crate) struct Call {
    pub path: &'static str,
    pub family: Family,
    pub body: Value,
    /// Safe to send twice (reads, token fetches). Non-idempotent calls are never retried once a
    /// request may have reached the server without an answer.
    pub idempotent: bool,
}

impl Call {
    /// A call of `path` (sent to the host that serves it) with `body` serialised to JSON.
    pub(crate) fn new(path: &'static str, family: Family, body: &impl Serialize) -> Result<Self> {
        let body = serde_json::to_value(body)
            .map_err(|e| Error::Config(format!("request body of {path}: {e}")))?;
        Ok(Self {
            path,
            family,
            body,
            idempotent: false,
        })
    }

    /// Marks the call as safe to repeat.
    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

/// How an attempt failed, and whether trying again is safe.
enum Attempt {
    /// Not the request's fault and nothing happened on the server: retry.
    Retry(Error),
    /// The request may have reached the server: retry only idempotent calls.
    RetryIfIdempotent(Error),
    /// Final.
    Fatal(Error),
}

impl Client {
    /// Runs `call` with the managed token and decodes the success envelope as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let body = self.call_with_token(&call).await?;
        decode(&call, body)
    }

    /// Runs `call` without a token (the token endpoints themselves).
    pub(crate) async fn call_anonymous<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let body = self.send_retrying(&call, None).await?;
        decode(&call, body)
    }

    async fn call_with_token(&self, call: &Call) -> Result<Value> {
        let mut refreshed = false;
        let kind = self
            .inner
            .token_kind
            .unwrap_or(call.family.platform_token_kind());
        loop {
            let token = self.managed_token(kind).await?;
            match self.send_retrying(call, Some(&token)).await {
                Err(Error::Api { code, .. })
                    if self.inner.token_refresh
                        && !refreshed
                        && call.family.is_token_error(code) =>
                {
                    self.inner.cache(kind).invalidate(&token);
                    refreshed = true;
                }
                other => return other,
            }
        }
    }

    async fn send_retrying(&self, call: &Call, token: Option<&str>) -> Result<Value> {
        let policy = self.inner.retry;
        let mut attempt = 0;
        loop {
            if let Some(limiter) = &self.inner.limiter {
                limiter.acquire().await;
            }
            let error = match self.send_once(call, token).await {
                Ok(body) => return Ok(body),
                Err(Attempt::Retry(e)) => e,
                Err(Attempt::RetryIfIdempotent(e)) if call.idempotent => e,
                Err(Attempt::RetryIfIdempotent(e) | Attempt::Fatal(e)) => return Err(e),
            };
            if attempt >= policy.max_retries {
                return Err(error);
            }
            tokio::time::sleep(policy.delay(attempt)).await;
            attempt += 1;
        }
    }

    async fn send_once(&self, call: &Call, token: Option<&str>) -> Result<Value, Attempt> {
        let mut body = call.body.clone();
        let mut req = self
            .inner
            .http
            .post(self.url(call.path))
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header("access-token", t);
            if call.family.token_in_body() {
                if let Value::Object(map) = &mut body {
                    map.insert("access_token".into(), Value::String(t.to_owned()));
                }
            }
        }
        let res = req.body(body.to_string()).send().await.map_err(|e| {
            if e.is_connect() {
                Attempt::Retry(Error::Transport(e))
            } else {
                Attempt::RetryIfIdempotent(Error::Transport(e))
            }
        })?;
        let status = res.status().as_u16();
        let header_log_id = res
            .headers()
            .get("x-tt-logid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = res
            .bytes()
            .await
            .map_err(|e| Attempt::RetryIfIdempotent(Error::Transport(e)))?;
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        let failure = parsed.as_ref().map(|v| call.family.failure(v));
        match (status, parsed, failure) {
            (200, Some(body), Some(Ok(None))) => Ok(body),
            (_, _, Some(Ok(Some(f)))) => {
                let error = Error::Api {
                    code: f.code,
                    message: f.message,
                    log_id: f.log_id.or(header_log_id),
                };
                if call.family.is_system_error(f.code) {
                    Err(Attempt::Retry(error))
                } else {
                    Err(Attempt::Fatal(error))
                }
            }
            (200, _, _) => Err(Attempt::Fatal(Error::Decode(format!(
                "{}: not the documented envelope: {}",
                call.path,
                snippet(&bytes)
            )))),
            (s, _, _) => {
                let error = Error::Http {
                    status: s,
                    body: snippet(&bytes),
                };
                if s >= 500 {
                    Err(Attempt::RetryIfIdempotent(error))
                } else {
                    Err(Attempt::Fatal(error))
                }
            }
        }
    }
}

fn decode<T: DeserializeOwned>(call: &Call, body: Value) -> Result<T> {
    serde_json::from_value(body).map_err(|e| Error::Decode(format!("{}: {e}", call.path)))
}

/// The first 200 characters of a body, for error messages.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(200).collect()
}
