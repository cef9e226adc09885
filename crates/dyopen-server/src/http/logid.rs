//! The 53-character log id (`02` + 13-digit epoch ms + 20 zeros + `ffff` + 8 hex of the
//! instance address + 6 random hex), set per request in a task-local, echoed in `X-Tt-Logid`,
//! in the envelope, and in the request's log line.

use crate::state::AppState;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, Uri};
use axum::response::Response;
use pin_project_lite::pin_project;
use rand::Rng;
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::task::futures::TaskLocalFuture;

tokio::task_local! {
    static CURRENT: LogIdBuf;
}

/// A log id's 53 ASCII bytes, kept inline: made, scoped and echoed in `X-Tt-Logid` without a
/// heap allocation of its own (it is formatted on every request, redirects included).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct LogIdBuf([u8; 53]);

impl LogIdBuf {
    /// The log id of `now_ms` for an instance whose address is `instance_hex` (8 hex digits;
    /// anything else is taken as `7f000001`), ending in the low 24 bits of `rand` in hex.
    pub fn new(now_ms: i64, instance_hex: &str, rand: u32) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut b = [b'0'; 53];
        b[1] = b'2';
        let mut ms = now_ms.clamp(0, 9_999_999_999_999).unsigned_abs();
        for digit in b[2..15].iter_mut().rev() {
            *digit = b'0' + (ms % 10) as u8;
            ms /= 10;
        }
        b[35..39].copy_from_slice(b"ffff");
        let instance = match instance_hex.as_bytes() {
            hex if hex.len() == 8 && hex.iter().all(u8::is_ascii_hexdigit) => hex,
            _ => b"7f000001",
        };
        b[39..47].copy_from_slice(instance);
        for (i, digit) in b[47..].iter_mut().enumerate() {
            *digit = HEX[((rand >> (20 - 4 * i)) & 0xf) as usize];
        }
        Self(b)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and hex letters are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for LogIdBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Log id helpers.
pub struct LogId;

impl LogId {
    /// A fresh log id for an instance whose address is `instance_hex` (8 hex digits).
    pub fn generate(now_ms: i64, instance_hex: &str) -> String {
        Self::fresh(now_ms, instance_hex).as_str().to_owned()
    }

    fn fresh(now_ms: i64, instance_hex: &str) -> LogIdBuf {
        LogIdBuf::new(
            now_ms,
            instance_hex,
            rand::thread_rng().gen_range(0..0x100_0000),
        )
    }

    /// The current request's log id (a fresh one outside a request).
    pub fn current() -> String {
        CURRENT
            .try_with(|id| id.as_str().to_owned())
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
/// the inner service on every request, and its future is not boxed either (this runs on the
/// redirect hot path).
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
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = LogIdFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let log_id = LogId::fresh(self.state.clock.now().millis(), &self.state.instance_hex);
        let (method, uri) = (req.method().clone(), req.uri().clone());
        LogIdFuture {
            inner: CURRENT.scope(log_id, self.inner.call(req)),
            line: Some(Line {
                log_id,
                method,
                uri,
                started: Instant::now(),
            }),
        }
    }
}

/// What the request's log line says besides its answer.
struct Line {
    log_id: LogIdBuf,
    method: Method,
    uri: Uri,
    started: Instant,
}

pin_project! {
    /// The future of [`LogIdService`]: the inner one in the log id's scope, then the header and
    /// the log line (no box: every request, redirects included, passes through it).
    pub struct LogIdFuture<F> {
        #[pin]
        inner: TaskLocalFuture<LogIdBuf, F>,
        line: Option<Line>,
    }
}

impl<F> Future for LogIdFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Poll::Ready(Ok(mut response)) = this.inner.poll(cx) else {
            return Poll::Pending;
        };
        let Some(Line {
            log_id,
            method,
            uri,
            started,
        }) = this.line.take()
        else {
            return Poll::Ready(Ok(response));
        };
        if let Ok(v) = HeaderValue::from_bytes(&log_id.0) {
            response.headers_mut().insert("x-tt-logid", v);
        }
        let status = response.status().as_u16();
        let path = uri.path();
        // The elapsed time is read only when the line is written (field values are evaluated
        // only for enabled events).
        if method == Method::GET && status < 400 {
            tracing::debug!(log_id = %log_id, %method, %path, status,
                micros = started.elapsed().as_micros() as u64, "request");
        } else {
            tracing::info!(log_id = %log_id, %method, %path, status,
                micros = started.elapsed().as_micros() as u64, "request");
        }
        Poll::Ready(Ok(response))
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

    #[test]
    fn every_field_is_written_in_place() {
        let id = LogIdBuf::new(1_694_146_649_860, "0a706f5d", 0x00ab_cdef);
        let zeros = "0".repeat(20);
        assert_eq!(
            id.as_str(),
            format!("02{}{zeros}ffff{}{}", "1694146649860", "0a706f5d", "abcdef")
        );
        let id = LogIdBuf::new(7, "not-hex!", 0xff12_3456);
        assert_eq!(
            id.as_str(),
            format!("02{}{zeros}ffff{}{}", "0000000000007", "7f000001", "123456"),
            "short times are zero-padded, a bad address falls back, 24 bits of randomness"
        );
        assert_eq!(
            LogIdBuf::new(i64::MAX, "0a706f5d", 0).as_str()[2..15],
            *"9999999999999"
        );
    }
}
