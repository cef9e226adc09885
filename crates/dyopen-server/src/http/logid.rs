//! The 53-character log id (`02` + 13-digit epoch ms + 20 zeros + `ffff` + 8 hex of the
//! instance address + 6 random hex), set per request in a task-local, echoed in `X-Tt-Logid`,
//! in the envelope, and in the request's log line.

use crate::state::AppState;
use axum::extract::Request;
use axum::http::{HeaderValue, Method};
use axum::response::Response;
use rand::Rng;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

tokio::task_local! {
    static CURRENT: String;
}

/// Log id helpers.
pub struct LogId;

impl LogId {
    /// A fresh log id for an instance whose address is `instance_hex` (8 hex digits).
    pub fn generate(now_ms: i64, instance_hex: &str) -> String {
        use std::fmt::Write;
        let rand: u32 = rand::thread_rng().gen_range(0..0x100_0000);
        let mut id = String::with_capacity(53);
        let ms = now_ms.clamp(0, 9_999_999_999_999);
        let _ = write!(
            id,
            "02{ms:013}00000000000000000000ffff{instance_hex}{rand:06x}"
        );
        id
    }

    /// The current request's log id (a fresh one outside a request).
    pub fn current() -> String {
        CURRENT
            .try_with(Clone::clone)
            .unwrap_or_else(|_| Self::generate(0, "7f000001"))
    }

    /// 8 hex digits of an address (IPv6 uses its last 4 bytes).
    pub fn instance_hex(ip: IpAddr) -> String {
        match ip {
            IpAddr::V4(v4) => hex_bytes(&v4.octets()),
            IpAddr::V6(v6) => hex_bytes(&v6.octets()[12..]),
        }
    }
}

fn hex_bytes(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Layer that assigns the log id, runs the request inside its scope, sets `X-Tt-Logid` and logs
/// one structured line per request. A hand-written tower layer rather than `from_fn`, which boxes
/// the inner service on every request (this runs on the redirect hot path).
#[derive(Clone)]
pub struct LogIdLayer {
    state: AppState,
}

impl LogIdLayer {
    /// The layer for one instance.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

impl<S> tower::Layer<S> for LogIdLayer {
    type Service = LogIdService<S>;
    fn layer(&self, inner: S) -> LogIdService<S> {
        LogIdService {
            inner,
            state: self.state.clone(),
        }
    }
}

/// The service of [`LogIdLayer`].
#[derive(Clone)]
pub struct LogIdService<S> {
    inner: S,
    state: AppState,
}

impl<S> tower::Service<Request> for LogIdService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let log_id = LogId::generate(self.state.clock.now().millis(), &self.state.instance_hex);
        let (method, uri) = (req.method().clone(), req.uri().clone());
        let started = Instant::now();
        let future = CURRENT.scope(log_id.clone(), self.inner.call(req));
        Box::pin(async move {
            let Ok(mut response) = future.await;
            if let Ok(v) = HeaderValue::from_str(&log_id) {
                response.headers_mut().insert("x-tt-logid", v);
            }
            let status = response.status().as_u16();
            let micros = started.elapsed().as_micros() as u64;
            let path = uri.path();
            if method == Method::GET && status < 400 {
                tracing::debug!(log_id = %log_id, %method, %path, status, micros, "request");
            } else {
                tracing::info!(log_id = %log_id, %method, %path, status, micros, "request");
            }
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_id_has_the_seed_shape() {
        let id = LogId::generate(1_694_146_649_860, "0a706f5d");
        assert_eq!(id.len(), 53);
        assert!(id.starts_with("021694146649860"));
        assert_eq!(&id[15..35], "00000000000000000000");
        assert_eq!(&id[35..47], "ffff0a706f5d");
        assert_eq!(
            LogId::instance_hex("127.0.0.1".parse().unwrap()),
            "7f000001"
        );
    }
}
