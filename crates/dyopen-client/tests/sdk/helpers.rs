//! A real dyopen server from `dyopen-testkit` (port 0, temp SQLite file), the SDK's admin client
//! on it, plus a counting, fault-injecting proxy in front of it (for the faults a real server
//! cannot be made to produce on demand).

#![allow(
    dead_code,
    reason = "each test module uses a different subset of the helpers"
)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use dyopen_client::{AdminClient, Client, RetryPolicy};
use dyopen_core::clock::ManualClock;
use dyopen_testkit::{Backend, TestApp};
use dyopen_wire::admin::CreateAppRequest;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use dyopen_testkit::{ADMIN_TOKEN, T0};

/// A running server and the SDK's admin client on it.
pub struct TestServer {
    pub base_url: String,
    pub port: u16,
    pub clock: Arc<ManualClock>,
    pub admin: AdminClient,
    _app: TestApp,
}

/// An app's credentials.
#[derive(Debug, Clone)]
pub struct Creds {
    pub appid: String,
    pub secret: String,
}

impl TestServer {
    pub async fn spawn() -> Self {
        let app = TestApp::spawn(Backend::Sqlite)
            .await
            .expect("SQLite is always available");
        let admin = AdminClient::new(&app.base_url, ADMIN_TOKEN).expect("admin client");
        Self {
            base_url: app.base_url.clone(),
            port: app.port,
            clock: app.clock.clone(),
            admin,
            _app: app,
        }
    }

    pub async fn create_app(&self, pages: &[&str]) -> Creds {
        let created = self
            .admin
            .create_app(&CreateAppRequest {
                name: "sdk test".into(),
                pages: pages.iter().map(|p| p.to_string()).collect(),
                ..Default::default()
            })
            .await
            .expect("create app");
        Creds {
            appid: created.app.appid,
            secret: created.secret,
        }
    }

    pub async fn app(&self) -> Creds {
        self.create_app(&["pages/index/index", "pages/detail/detail"])
            .await
    }
}

/// Retries without waiting long (tests must not sleep).
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

/// A client of `base_url` for `creds` with fast retries.
pub fn client(base_url: &str, creds: &Creds) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(&creds.appid, &creds.secret)
        .retry(fast_retry())
        .build()
        .expect("client")
}

/// What the proxy does instead of forwarding, for the next calls of a path.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer HTTP 200 with this body (e.g. the dialect's system error).
    Body(Value),
    /// Answer this status with an empty body.
    Status(u16),
    /// Forward the request (the server acts on it), then never answer.
    Hang,
}

#[derive(Default)]
struct ProxyState {
    upstream: String,
    counts: Mutex<HashMap<String, usize>>,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    http: reqwest::Client,
}

/// A proxy in front of a server that counts requests per path and injects faults.
#[derive(Clone)]
pub struct Proxy {
    pub base_url: String,
    state: Arc<ProxyState>,
}

fn key(path: &str) -> String {
    path.trim_end_matches('/').to_owned()
}

impl Proxy {
    pub async fn start(upstream: &str) -> Self {
        let state = Arc::new(ProxyState {
            upstream: upstream.to_owned(),
            ..Default::default()
        });
        let router = axum::Router::new()
            .fallback(forward)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind proxy");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base_url, state }
    }

    /// Requests seen for `path` (trailing slash ignored).
    pub fn count(&self, path: &str) -> usize {
        let counts = self.state.counts.lock().expect("lock");
        counts.get(&key(path)).copied().unwrap_or(0)
    }

    /// Makes the next calls of `path` fail with `faults`, in order.
    pub fn inject(&self, path: &str, faults: impl IntoIterator<Item = Fault>) {
        let mut all = self.state.faults.lock().expect("lock");
        all.entry(key(path)).or_default().extend(faults);
    }
}

async fn forward(
    State(state): State<Arc<ProxyState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = key(uri.path());
    *state
        .counts
        .lock()
        .expect("lock")
        .entry(path.clone())
        .or_default() += 1;
    let fault = state
        .faults
        .lock()
        .expect("lock")
        .get_mut(&path)
        .and_then(VecDeque::pop_front);
    let upstream_call = || async {
        let mut req = state.http.request(
            method.clone(),
            format!(
                "{}{}",
                state.upstream,
                uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
            ),
        );
        for name in ["content-type", "access-token", "authorization"] {
            if let Some(v) = headers.get(name) {
                req = req.header(name, v.clone());
            }
        }
        let res = req.body(body.clone()).send().await.expect("upstream");
        let status = StatusCode::from_u16(res.status().as_u16()).expect("status");
        let logid = res.headers().get("x-tt-logid").cloned();
        let bytes = res.bytes().await.expect("upstream body");
        let mut out = (status, bytes).into_response();
        if let Some(l) = logid {
            out.headers_mut().insert("x-tt-logid", l);
        }
        out.headers_mut()
            .insert("content-type", "application/json".parse().expect("hv"));
        out
    };
    match fault {
        None => upstream_call().await,
        Some(Fault::Body(v)) => (StatusCode::OK, axum::Json(v)).into_response(),
        Some(Fault::Status(s)) => StatusCode::from_u16(s).expect("status").into_response(),
        Some(Fault::Hang) => {
            let _ = upstream_call().await;
            std::future::pending::<Response>().await
        }
    }
}
