//! A fresh store per test (a temp SQLite file, or a new PostgreSQL schema) and the macro that
//! runs one test body on both backends.

use dyopen_core::app::{App, AppId, AppSecret, AppStatus, PublishedPages};
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::store::AppStore;
use dyopen_store::{Backend, SqlStore, StoreOptions};
use std::ops::Deref;

/// 2024-05-01T00:00:00Z, the tests' "now".
pub const T0: i64 = 1_714_521_600;

/// `T0 + secs`.
pub fn at(secs: i64) -> Timestamp {
    Timestamp::from_secs(T0 + secs)
}

/// Generates `<name>::sqlite` and `<name>::postgres` from `async fn <name>(TestStore)`.
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::helpers::run(dyopen_store::Backend::Sqlite, super::$name).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::helpers::run(dyopen_store::Backend::Postgres, super::$name).await
                }
            }
        )*
    };
}

/// A connected store on its own database, removed after the test.
pub struct TestStore {
    store: SqlStore,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Deref for TestStore {
    type Target = SqlStore;
    fn deref(&self) -> &SqlStore {
        &self.store
    }
}

/// Runs `test` on a fresh store of `backend`; a PostgreSQL case without `DYOPEN_TEST_PG_URL`
/// is skipped with a message, or fails when `DYOPEN_REQUIRE_PG=1`.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if let Some(store) = open(backend).await {
        test(store).await;
    }
}

impl Drop for TestStore {
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

async fn open(backend: Backend) -> Option<TestStore> {
    let (url, dir, pg) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join("store.db").display());
            (url, Some(dir), None)
        }
        Backend::Postgres => {
            let Ok(base) = std::env::var("DYOPEN_TEST_PG_URL") else {
                if std::env::var("DYOPEN_REQUIRE_PG").as_deref() == Ok("1") {
                    panic!("DYOPEN_REQUIRE_PG=1 but DYOPEN_TEST_PG_URL is not set");
                }
                // Straight to stderr: the harness captures print macros, and a skip must show.
                let _ = std::io::Write::write_fmt(
                    &mut std::io::stderr(),
                    format_args!(
                        "skipped: DYOPEN_TEST_PG_URL is not set, PostgreSQL case not run\n"
                    ),
                );
                return None;
            };
            let (url, schema) = dyopen_store::testing::create_pg_schema(&base)
                .await
                .expect("create a test schema");
            (url, None, Some((base, schema)))
        }
    };
    let store = SqlStore::connect(&StoreOptions::new(url))
        .await
        .expect("connect");
    assert_eq!(store.backend(), backend);
    Some(TestStore {
        store,
        _dir: dir,
        pg,
    })
}

/// An app as the admin API would make it, created `created_at` seconds after [`T0`].
pub fn app(created_at: i64) -> App {
    App {
        appid: AppId::generate(),
        name: "contract".into(),
        secret_hash: AppSecret::generate().hash(),
        pages: PublishedPages::parse(&["pages/index/index".to_owned()]).expect("pages"),
        qps_limit: 100,
        daily_link_quota: 500_000,
        status: AppStatus::Active,
        created_at: UnixSecs::new(T0 + created_at),
    }
}

/// Stores a new app; its id.
pub async fn new_app(store: &SqlStore) -> AppId {
    let app = app(0);
    store.create_app(&app).await.expect("create app");
    app.appid
}
