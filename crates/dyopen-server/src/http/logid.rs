//! The 53-character log id (`02` + 13-digit epoch ms + 20 zeros + `ffff` + 8 hex of the
//! instance address + 6 random hex), set per request in a task-local, echoed in `X-Tt-Logid`,
//! in the envelope, and in the request's log line.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use rand::Rng;
use std::net::IpAddr;
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

/// Middleware: assigns the log id, runs the request inside its scope, sets `X-Tt-Logid` and logs
/// one structured line per request.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let log_id = LogId::generate(state.clock.now().millis(), &state.instance_hex);
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let mut response = CURRENT.scope(log_id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&log_id) {
        response.headers_mut().insert("x-tt-logid", v);
    }
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    if method == Method::GET && status < 400 {
        tracing::debug!(log_id = %log_id, %method, %path, status, micros, "request");
    } else {
        tracing::info!(log_id = %log_id, %method, %path, status, micros, "request");
    }
    response
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
