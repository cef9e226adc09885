//! `dyopen proxy --listen ADDR --record DIR [--douyin-upstream URL] [--toutiao-upstream URL]`
//! (SPEC §13): forwards each request to the host that serves its path on the real platform
//! (`dyopen_wire::paths::OPEN_API_PATHS`; other paths go to the douyin upstream) and records each
//! request/answer pair, secrets masked ([`record`]), for `dyopen serve --emulator --replay DIR`.

pub mod record;

use anyhow::Context;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use clap::Args;
use dyopen_wire::paths::{host_of, PlatformHost, DOUYIN_BASE_URL, TOUTIAO_BASE_URL};
use dyopen_wire::recording::{Exchange, RecordedRequest, RecordedResponse};
use record::Recorder;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Largest request or answer body the proxy forwards (open-API bodies stay under 1 MiB).
pub const MAX_BODY: usize = 16 << 20;

/// How long the proxy waits for an upstream answer.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

/// Headers that belong to one connection, or that the proxy remakes, never forwarded.
const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
    // Asked for identity, so the recording holds the body as the client reads it.
    "accept-encoding",
];

/// `dyopen proxy` settings.
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Address to listen on.
    #[arg(long, env = "DYOPEN_PROXY_LISTEN", default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// Directory to record into (created if missing; numbering continues after what is there).
    #[arg(long, env = "DYOPEN_PROXY_RECORD", value_name = "DIR")]
    record: PathBuf,
    /// Where requests for open.douyin.com paths go.
    #[arg(long, env = "DYOPEN_DOUYIN_UPSTREAM", default_value = DOUYIN_BASE_URL)]
    douyin_upstream: String,
    /// Where requests for developer.toutiao.com paths go.
    #[arg(long, env = "DYOPEN_TOUTIAO_UPSTREAM", default_value = TOUTIAO_BASE_URL)]
    toutiao_upstream: String,
}

struct Proxy {
    http: reqwest::Client,
    douyin: String,
    toutiao: String,
    recorder: Recorder,
}

impl Proxy {
    fn upstream(&self, path: &str) -> &str {
        match host_of(path) {
            Some(PlatformHost::Toutiao) => &self.toutiao,
            Some(PlatformHost::Douyin) | None => &self.douyin,
        }
    }
}

fn check_upstream(url: &str) -> anyhow::Result<String> {
    let parsed = reqwest::Url::parse(url).with_context(|| format!("upstream URL {url:?}"))?;
    anyhow::ensure!(
        matches!(parsed.scheme(), "http" | "https"),
        "upstream URL {url:?}: not http(s)"
    );
    Ok(url.trim_end_matches('/').to_owned())
}

fn forwardable(name: &HeaderName) -> bool {
    !HOP_BY_HOP.contains(&name.as_str())
}

fn bad_gateway(message: String) -> Response {
    let body = serde_json::json!({"error": {"code": "bad_gateway", "message": message}});
    (StatusCode::BAD_GATEWAY, axum::Json(body)).into_response()
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// Forwards one request, records the pair, answers with the upstream's answer.
async fn forward(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let upstream = proxy.upstream(&path).to_owned();
    let url = match &query {
        Some(q) => format!("{upstream}{path}?{q}"),
        None => format!("{upstream}{path}"),
    };
    let mut outgoing = proxy.http.request(parts.method.clone(), &url);
    for (name, value) in parts.headers.iter().filter(|(n, _)| forwardable(n)) {
        outgoing = outgoing.header(name, value);
    }
    let answer = match outgoing.body(bytes.clone()).send().await {
        Ok(a) => a,
        Err(e) => return bad_gateway(format!("{upstream}: {e}")),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let answer_bytes = match answer.bytes().await {
        Ok(b) if b.len() <= MAX_BODY => b,
        Ok(_) => return bad_gateway(format!("{upstream}: answer larger than {MAX_BODY} bytes")),
        Err(e) => return bad_gateway(format!("{upstream}: {e}")),
    };
    let exchange = Exchange {
        seq: 0,
        recorded_at_ms: now_ms(),
        upstream,
        request: RecordedRequest {
            method: parts.method.to_string(),
            path: path.clone(),
            query: record::query(query.as_deref()),
            headers: record::headers(&parts.headers),
            body: record::body(&bytes, content_type(&parts.headers)),
        },
        response: RecordedResponse {
            status: status.as_u16(),
            headers: record::headers(&headers),
            body: record::body(&answer_bytes, content_type(&headers)),
        },
    };
    match proxy.recorder.write(exchange) {
        Ok(name) => println!("recorded {name} ({} {path} → {status})", parts.method),
        Err(e) => eprintln!("error: not recorded: {e:#}"),
    }
    let mut response = Response::new(Body::from(answer_bytes));
    *response.status_mut() = status;
    for (name, value) in headers.iter().filter(|(n, _)| forwardable(n)) {
        response.headers_mut().append(name, value.clone());
    }
    response
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Runs `dyopen proxy` until Ctrl-C or SIGTERM.
pub async fn run(args: ProxyArgs) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(UPSTREAM_TIMEOUT)
        .build()
        .context("HTTP client")?;
    let proxy = Arc::new(Proxy {
        http,
        douyin: check_upstream(&args.douyin_upstream)?,
        toutiao: check_upstream(&args.toutiao_upstream)?,
        recorder: Recorder::open(&args.record)?,
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!(
        "forwarding open.douyin.com paths to {}, developer.toutiao.com paths to {}",
        proxy.douyin, proxy.toutiao
    );
    println!("recording into {}", proxy.recorder.dir().display());
    println!("dyopen proxy listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(crate::serve::shutdown_signal())
        .await
        .context("serving")
}

#[cfg(test)]
mod tests {
    use dyopen_wire::paths::OPEN_API_PATHS;

    const DOC: &str = include_str!("../../../../docs/fidelity.md");

    #[test]
    fn the_docs_path_to_host_table_is_the_code_s() {
        for (path, host) in OPEN_API_PATHS {
            let row = format!("| `{path}` | {} |", host.name());
            assert!(DOC.contains(&row), "docs/fidelity.md lacks {row}");
        }
        let rows = DOC.lines().filter(|l| l.starts_with("| `/")).count();
        assert_eq!(
            rows,
            OPEN_API_PATHS.len(),
            "docs/fidelity.md lists other paths"
        );
    }
}
