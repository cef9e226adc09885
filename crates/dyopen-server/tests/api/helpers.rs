//! `TestApp`: a real server on an ephemeral port over a fresh database (a temp SQLite file or a
//! PostgreSQL schema of its own), with a frozen, hand-moved clock and typed request helpers.

#![allow(
    dead_code,
    reason = "each test module uses a different subset of the helpers"
)]

use dyopen_core::clock::{Clock, ManualClock, Seconds, Timestamp};
use dyopen_server::{Application, Config};
use serde_json::{json, Value};
use std::sync::Arc;

/// 2024-05-01T00:00:00Z: where every test's clock starts.
pub const T0: i64 = 1_714_521_600;
/// The admin token of test servers.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `<name>::sqlite` and `<name>::postgres` tests from `async fn name(Backend)`.
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

/// A fresh database; dropped with the test.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A temp SQLite file, or a new PostgreSQL schema; `None` (test skipped) when PostgreSQL is
    /// not configured, unless `DYOPEN_REQUIRE_PG=1`.
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}", dir.path().join("dyopen.db").display());
                Some(Self {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg: None,
                })
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var("DYOPEN_TEST_PG_URL") else {
                    if std::env::var("DYOPEN_REQUIRE_PG").as_deref() == Ok("1") {
                        panic!("DYOPEN_REQUIRE_PG=1 but DYOPEN_TEST_PG_URL is not set");
                    }
                    {
                        // Straight to stderr: the harness captures print macros, and a skip must show.
                        let _ = std::io::Write::write_fmt(
                            &mut std::io::stderr(),
                            format_args!(
                                "skipped: DYOPEN_TEST_PG_URL is not set, PostgreSQL case not run\n"
                            ),
                        );
                    };
                    return None;
                };
                let (url, schema) = dyopen_store::testing::create_pg_schema(&base)
                    .await
                    .expect("create test schema");
                Some(Self {
                    url,
                    backend,
                    _dir: None,
                    pg: Some((base, schema)),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg.take() {
            // Drop runs outside async context: use a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                let _ = rt.block_on(dyopen_store::testing::drop_pg_schema(&base, &schema));
            })
            .join();
        }
    }
}

/// A running server plus what tests need to talk to it.
pub struct TestApp {
    pub base_url: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub db: Arc<TestDb>,
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
    pub appid: String,
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

    async fn start(config: Config, db: Arc<TestDb>, clock: Arc<ManualClock>) -> Self {
        let app = Application::build_with_clock(config.clone(), Some(clock.clone()))
            .await
            .expect("build app");
        let base_url = format!("http://127.0.0.1:{}", app.port());
        let metrics_url = app.metrics_addr().map(|a| format!("http://{a}"));
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            base_url,
            http,
            clock,
            db,
            config,
            metrics_url,
            state,
        }
    }

    /// A server whose qps limiter uses Redis (`DYOPEN_TEST_REDIS_URL`) under a key prefix of its
    /// own; `None` (test skipped, with a message) when Redis or the backend is not configured.
    pub async fn spawn_with_redis(backend: Backend) -> Option<Self> {
        Self::spawn_with_redis_adjusted(backend, |_| {}).await
    }

    /// As [`TestApp::spawn_with_redis`], letting the test adjust the config.
    pub async fn spawn_with_redis_adjusted(
        backend: Backend,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let Ok(url) = std::env::var("DYOPEN_TEST_REDIS_URL") else {
            assert!(
                std::env::var("DYOPEN_REQUIRE_REDIS").as_deref() != Ok("1"),
                "DYOPEN_REQUIRE_REDIS=1 but DYOPEN_TEST_REDIS_URL is not set"
            );
            // Straight to stderr, so the skip shows in the run's output (not captured).
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: DYOPEN_TEST_REDIS_URL is not set, Redis case not run"
            );
            return None;
        };
        let prefix = format!("dyopen-test-{:016x}:", rand::random::<u64>());
        Self::spawn_with(backend, move |c| {
            c.redis_url = Some(url);
            c.redis_prefix = prefix;
            adjust(c);
        })
        .await
    }

    /// Another instance on the same database and clock (several instances behind a balancer).
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

    /// An admin API call.
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

    /// Creates an app with `pages`.
    pub async fn create_app(&self, pages: &[&str]) -> TestMiniApp {
        let (status, body) = self
            .admin(
                reqwest::Method::POST,
                "/apps",
                Some(json!({"name": "test app", "pages": pages})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        TestMiniApp {
            appid: body["appid"].as_str().unwrap().into(),
            secret: body["secret"].as_str().unwrap().into(),
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
