//! `TestApp`: a real server in-process on an ephemeral port over a fresh database, with a frozen,
//! hand-moved clock, raw request helpers and typed ones that assert the status and deserialise.

use crate::backend::{skip_unless_set, Backend, TestDb};
use dyopen_core::clock::{Clock, ManualClock, Seconds, Timestamp};
use dyopen_server::{Application, Config};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::future::Future;
use std::panic::Location;
use std::sync::Arc;

/// 2024-05-01T00:00:00Z: where every test's clock starts.
pub const T0: i64 = 1_714_521_600;
/// The admin token of test servers (16 characters: accepted on any address).
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A running server plus what tests need to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Its port.
    pub port: u16,
    /// A client that does not follow redirects.
    pub http: reqwest::Client,
    /// The server's clock, frozen at [`T0`] until a test moves it.
    pub clock: Arc<ManualClock>,
    /// Its database.
    pub db: Arc<TestDb>,
    /// The config it was built with.
    pub config: Config,
    /// `http://…` of the `--metrics-listen` listener, when the config set one.
    pub metrics_url: Option<String>,
    /// The instance's state (for what only `dyopen serve` does over HTTP-less paths, e.g. the
    /// demo app at start).
    pub state: dyopen_server::AppState,
}

/// A registered app with its credentials.
#[derive(Debug, Clone)]
pub struct TestMiniApp {
    /// Its appid.
    pub appid: String,
    /// Its secret.
    pub secret: String,
}

impl TestApp {
    /// A server on `backend` in emulator mode; `None` if the backend is not available.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// As [`TestApp::spawn`], letting the test adjust the config.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let db = Arc::new(TestDb::new(backend).await?);
        let clock = Arc::new(ManualClock::frozen_at(Timestamp::from_secs(T0)));
        let mut config = Config::new(&db.url, ADMIN_TOKEN);
        config.emulator = true;
        adjust(&mut config);
        Some(Self::start(config, db, clock).await)
    }

    /// A server whose qps limiter uses Redis (`DYOPEN_TEST_REDIS_URL`) under a key prefix of its
    /// own; `None` (test skipped, with a message) when Redis or the backend is not configured,
    /// unless `DYOPEN_REQUIRE_REDIS=1`.
    pub async fn spawn_with_redis(backend: Backend) -> Option<Self> {
        Self::spawn_with_redis_adjusted(backend, |_| {}).await
    }

    /// As [`TestApp::spawn_with_redis`], letting the test adjust the config.
    pub async fn spawn_with_redis_adjusted(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let url = skip_unless_set(
            "DYOPEN_TEST_REDIS_URL",
            "DYOPEN_REQUIRE_REDIS",
            "Redis case",
        )?;
        let prefix = format!("dyopen-test-{:016x}:", rand::random::<u64>());
        Self::spawn_with(backend, move |c| {
            c.redis_url = Some(url);
            c.redis_prefix = prefix;
            adjust(c);
        })
        .await
    }

    async fn start(config: Config, db: Arc<TestDb>, clock: Arc<ManualClock>) -> Self {
        let app = Application::build_with_clock(config.clone(), Some(clock.clone()))
            .await
            .expect("build app");
        let port = app.port();
        let metrics_url = app.metrics_addr().map(|a| format!("http://{a}"));
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            base_url: format!("http://127.0.0.1:{port}"),
            port,
            http,
            clock,
            db,
            config,
            metrics_url,
            state,
        }
    }

    /// Another instance on the same database, config and clock, built but not yet serving (for
    /// tests that drive or stop it themselves).
    pub async fn build_instance(&self) -> Application {
        Application::build_with_clock(self.config.clone(), Some(self.clock.clone()))
            .await
            .expect("build app")
    }

    /// Another running instance on the same database and clock (several instances behind a
    /// balancer).
    pub async fn second_instance(&self) -> Self {
        Self::start(self.config.clone(), self.db.clone(), self.clock.clone()).await
    }

    /// Current test time (Unix seconds).
    pub fn now(&self) -> i64 {
        self.clock.now().secs()
    }

    /// Moves the clock.
    pub fn advance(&self, secs: i64) {
        self.clock.advance(Seconds::new(secs));
    }

    /// POST a JSON body to an open API; returns status and parsed JSON.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}{}", self.base_url, path))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            req = req.header("access-token", t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.expect("JSON body"))
    }

    /// POST raw bytes; returns status, headers and body text.
    pub async fn post_raw(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let mut req = self
            .http
            .post(format!("{}{}", self.base_url, path))
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        (
            res.status().as_u16(),
            res.headers().clone(),
            res.text().await.expect("body"),
        )
    }

    /// An admin API call; an empty answer is `Value::Null`.
    pub async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/admin/v1{}", self.base_url, path))
            .bearer_auth(ADMIN_TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).expect("JSON body")
            },
        )
    }

    /// [`TestApp::post`] that asserts the answer's HTTP status is `status` and deserialises its
    /// body as `T`; a failure names the caller's line.
    #[track_caller]
    pub fn call<'a, T: DeserializeOwned>(
        &'a self,
        path: &'a str,
        token: Option<&'a str>,
        body: &'a Value,
        status: u16,
    ) -> impl Future<Output = T> + 'a {
        let at = Location::caller();
        async move {
            let (got, v) = self.post(path, token, body).await;
            assert_eq!(got, status, "{at}: POST {path} {body}: {v}");
            decode(at, &format!("POST {path}"), v)
        }
    }

    /// [`TestApp::admin`] that asserts the answer's HTTP status is `status` and deserialises its
    /// body (`Value::Null` when empty) as `T`; a failure names the caller's line.
    #[track_caller]
    pub fn admin_call<'a, T: DeserializeOwned>(
        &'a self,
        method: reqwest::Method,
        path: &'a str,
        body: Option<Value>,
        status: u16,
    ) -> impl Future<Output = T> + 'a {
        let at = Location::caller();
        async move {
            let what = format!("{method} /admin/v1{path}");
            let (got, v) = self.admin(method, path, body).await;
            assert_eq!(got, status, "{at}: {what}: {v}");
            decode(at, &what, v)
        }
    }

    /// Creates an app with `pages`.
    pub async fn create_app(&self, pages: &[&str]) -> TestMiniApp {
        let body: Value = self
            .admin_call(
                reqwest::Method::POST,
                "/apps",
                Some(json!({"name": "test app", "pages": pages})),
                201,
            )
            .await;
        TestMiniApp {
            appid: body["appid"].as_str().expect("appid").into(),
            secret: body["secret"].as_str().expect("secret").into(),
        }
    }

    /// A client token (`clt.…`) for `app`.
    pub async fn client_token(&self, app: &TestMiniApp) -> String {
        let body = json!({"client_key": app.appid, "client_secret": app.secret, "grant_type": "client_credential"});
        let (_, v) = self.post("/oauth/client_token/", None, &body).await;
        v["data"]["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| panic!("no token: {v}"))
            .to_owned()
    }

    /// A v2 token (`08…`) for `app`.
    pub async fn v2_token(&self, app: &TestMiniApp) -> String {
        let body =
            json!({"appid": app.appid, "secret": app.secret, "grant_type": "client_credential"});
        let (_, v) = self.post("/api/apps/v2/token", None, &body).await;
        v["data"]["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {v}"))
            .to_owned()
    }

    /// An app with pages and a client token.
    pub async fn app_with_token(&self) -> (TestMiniApp, String) {
        let app = self
            .create_app(&["pages/index/index", "pages/detail/detail"])
            .await;
        let token = self.client_token(&app).await;
        (app, token)
    }
}

/// `v` as `T`, or a panic naming the caller's line and the request.
fn decode<T: DeserializeOwned>(at: &Location<'_>, what: &str, v: Value) -> T {
    serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("{at}: {what}: cannot decode the answer: {e}: {v}"))
}

/// Replaces the volatile fields of an envelope (log ids, data ids) for snapshots.
pub fn redact(mut v: Value) -> Value {
    if let Some(obj) = v.as_object_mut() {
        for (k, val) in obj.iter_mut() {
            match (k.as_str(), val.as_str()) {
                ("log_id", Some(s)) if s.len() == 53 => *val = json!("[log_id]"),
                ("data_id", Some(s)) if s.starts_with("region_") => *val = json!("[data_id]"),
                _ => {}
            }
        }
    }
    v
}
