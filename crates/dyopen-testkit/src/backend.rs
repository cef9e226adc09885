//! Which database a test runs on, a fresh one per test, and how a test whose backend is not
//! configured is skipped (with a message that shows) or, under `DYOPEN_REQUIRE_*=1`, fails.

use std::io::Write;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temp SQLite file.
    Sqlite,
    /// A schema of its own on `DYOPEN_TEST_PG_URL`.
    Postgres,
}

/// The value of `var`; without it `None` (the caller skips its case) after writing
/// `skipped: VAR is not set, WHAT not run` straight to stderr, so the skip shows in the run's
/// output instead of being captured; panics instead when `require` is set to `1`.
pub fn skip_unless_set(var: &str, require: &str, what: &str) -> Option<String> {
    if let Ok(value) = std::env::var(var) {
        return Some(value);
    }
    assert!(
        std::env::var(require).as_deref() != Ok("1"),
        "{require}=1 but {var} is not set"
    );
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {var} is not set, {what} not run"
    );
    None
}

/// A fresh database; dropped with the test.
pub struct TestDb {
    /// Its URL, as the server's `--database-url`.
    pub url: String,
    /// Which kind it is.
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
                let base =
                    skip_unless_set("DYOPEN_TEST_PG_URL", "DYOPEN_REQUIRE_PG", "PostgreSQL case")?;
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
