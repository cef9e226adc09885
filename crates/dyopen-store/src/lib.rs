//! dyopen's [`Store`](dyopen_core::Store) on sqlx, for SQLite (the default, one file) and
//! PostgreSQL, through the `Any` driver so both run the same SQL.
//!
//! - SQLite ([`sqlite`]): WAL, `synchronous=NORMAL` (survives a process kill; `full` survives a
//!   power cut), one writer connection held outside its pool ([`writer`]) so write transactions
//!   are serialised without a pool's hand-offs between them, a pool of readers,
//!   and a background checkpoint so commits never wait for the WAL to be copied back.
//! - PostgreSQL: one pool; write transactions lock the parent row with `SELECT … FOR UPDATE`.
//!
//! Modules: [`apps`] (apps, tokens, providers), [`regions`] (city bindings), [`tasks`] (tasks and
//! talents), [`links`] (URL links, with a group-commit writer task for inserts, the visit flush
//! and its daily buckets), [`sessions`] (console logins).

mod apps;
mod demo;
mod error;
mod links;
mod read_cache;
mod regions;
mod sessions;
mod sqlite;
mod task_search;
mod tasks;
mod writer;

use writer::WriteTx;

use dyopen_core::StoreError;
use error::Error;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;
use std::str::FromStr;
use std::time::Duration;

/// Which database a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://…`
    Sqlite,
    /// `postgres://…` or `postgresql://…`
    Postgres,
}

impl Backend {
    /// The backend of a database URL.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(Error::Other(format!(
                "unsupported database URL (want sqlite:// or postgres://): {}",
                dyopen_core::redact::redact_url(url)
            ))
            .into())
        }
    }
}

/// How SQLite syncs commits to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteSync {
    /// Survives a process kill (default).
    #[default]
    Normal,
    /// Survives a power cut.
    Full,
}

/// Connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://file.db` or `postgres://…`.
    pub url: String,
    /// SQLite durability.
    pub sqlite_sync: SqliteSync,
    /// Pool size (readers on SQLite).
    pub max_connections: u32,
    /// Longest wait for a pooled connection (and, at start, for the first one) before the call
    /// fails with [`StoreError::Backend`]; `--db-acquire-timeout`.
    pub acquire_timeout: Duration,
    /// Where the link writer reports the size of each batch (a no-op by default).
    pub link_batch_sizes: metrics::Histogram,
}

impl StoreOptions {
    /// Defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            sqlite_sync: SqliteSync::Normal,
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            link_batch_sizes: metrics::Histogram::noop(),
        }
    }
}

/// A snapshot of the store's connection pools and link writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// Open connections of the reader pool (on PostgreSQL the one pool).
    pub read_connections: u32,
    /// Idle ones among them.
    pub read_idle: usize,
    /// Open connections of the writer pool (SQLite: at most one; PostgreSQL: the same pool).
    pub write_connections: u32,
    /// Idle ones among them.
    pub write_idle: usize,
    /// Link inserts queued for the group-commit writer.
    pub link_queue_depth: usize,
}

/// The sqlx-backed store.
#[derive(Debug, Clone)]
pub struct SqlStore {
    backend: Backend,
    /// Readers (and, on PostgreSQL, writers too).
    read: AnyPool,
    /// Where write transactions begin: SQLite's one writer connection, held
    /// ([`writer`]); PostgreSQL's pool.
    writer: writer::Writer,
    /// The group-commit writer of link inserts.
    link_writer: links::LinkWriter,
    /// SQLite: the background WAL checkpoint.
    checkpointer: Option<sqlite::Checkpointer>,
    /// Tokens and apps read recently.
    cache: std::sync::Arc<read_cache::ReadCache>,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The database file of a `sqlite:` URL; `None` for an in-memory database (`:memory:`, an empty
/// path, `mode=memory`), which this store refuses: its SQLite connections (the writers, the
/// readers, the checkpointer) must all open one database, and sqlx names a new in-memory
/// database for each connection of an `Any` pool.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory =
        path.is_empty() || path == ":memory:" || params.split('&').any(|p| p == "mode=memory");
    (!in_memory).then(|| std::path::PathBuf::from(path))
}

impl SqlStore {
    /// Connects and runs the migrations.
    pub async fn connect(opts: &StoreOptions) -> Result<Self, StoreError> {
        let backend = Backend::of_url(&opts.url)?;
        Ok(Self::open(backend, opts).await?)
    }

    async fn open(backend: Backend, opts: &StoreOptions) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let store = match backend {
            Backend::Sqlite => {
                use sqlite::Role;
                if sqlite_file(&opts.url).is_none() {
                    return Err(Error::Other(
                        "in-memory SQLite is not supported: give a database file (a temporary one for throwaway runs)".into(),
                    ));
                }
                let url = sqlite_url(&opts.url);
                let options = AnyConnectOptions::from_str(&url)?;
                let write = sqlite::pool(opts, options.clone(), Role::Writer, 1).await?;
                SQLITE_MIGRATOR.run(&write).await?;
                let read = sqlite::pool(
                    opts,
                    options.clone(),
                    Role::Reader,
                    opts.max_connections.max(1),
                )
                .await?;
                let checkpoint = sqlite::pool(opts, options, Role::Checkpointer, 1).await?;
                let sync = writer::SyncOpener {
                    path: sqlx::sqlite::SqliteConnectOptions::from_str(&url)?
                        .get_filename()
                        .to_owned(),
                    pragmas: std::sync::Arc::new(Role::Writer.pragmas(opts.sqlite_sync)),
                };
                let writer = writer::Writer::sqlite(write, sync);
                Self {
                    backend,
                    link_writer: links::spawn_writer(writer.clone(), opts.link_batch_sizes.clone()),
                    checkpointer: Some(sqlite::Checkpointer::spawn(checkpoint)),
                    cache: std::sync::Arc::new(read_cache::ReadCache::new()),
                    read,
                    writer,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.max(2))
                    .acquire_timeout(opts.acquire_timeout)
                    .after_release(close_if_in_transaction)
                    .connect(&opts.url)
                    .await?;
                // Several instances may start at once: serialise their migrations.
                let mut conn = pool.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock(7317001)")
                    .execute(&mut *conn)
                    .await?;
                let migrated = POSTGRES_MIGRATOR.run(&mut *conn).await;
                sqlx::query("SELECT pg_advisory_unlock(7317001)")
                    .execute(&mut *conn)
                    .await?;
                migrated?;
                drop(conn);
                let writer = writer::Writer::postgres(pool.clone());
                Self {
                    backend,
                    link_writer: links::spawn_writer(writer.clone(), opts.link_batch_sizes.clone()),
                    checkpointer: None,
                    cache: std::sync::Arc::new(read_cache::ReadCache::new()),
                    read: pool,
                    writer,
                }
            }
        };
        Ok(store)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// What the pools and the link writer hold right now (read by `/metrics`).
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            read_connections: self.read.size(),
            read_idle: self.read.num_idle(),
            write_connections: self.writer.pool().size(),
            write_idle: self.writer.idle(),
            link_queue_depth: self
                .link_writer
                .max_capacity()
                .saturating_sub(self.link_writer.capacity()),
        }
    }

    /// Closes the pools (flushing SQLite's WAL on the last connection).
    pub async fn close(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.close().await;
        }
        self.writer.close().await;
        self.read.close().await;
    }

    /// Empties every table but the migrations' own and the console's sessions (a reset from the
    /// console keeps its operator logged in), whatever tables later migrations add.
    pub(crate) async fn wipe(&self) -> Result<(), Error> {
        let mut conn = self.writer.conn().await?;
        let list = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_sqlx_migrations', 'console_sessions')"
            }
            Backend::Postgres => {
                "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_sqlx_migrations', 'console_sessions')"
            }
        };
        let names: Vec<String> = sqlx::query_scalar(list).fetch_all(&mut *conn).await?;
        if names.is_empty() {
            return Ok(());
        }
        match self.backend {
            Backend::Postgres => {
                let sql = format!("TRUNCATE {} CASCADE", names.join(", "));
                sqlx::query(&sql).execute(&mut *conn).await?;
            }
            Backend::Sqlite => {
                // Foreign keys can only be switched off outside a transaction.
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let mut result = Ok(());
                for name in &names {
                    if let Err(e) = sqlx::query(&format!("DELETE FROM \"{name}\""))
                        .execute(&mut *conn)
                        .await
                    {
                        result = Err(e);
                        break;
                    }
                }
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                result?;
            }
        }
        Ok(())
    }

    /// Begins a write transaction ([`writer::Writer::begin`]).
    pub(crate) async fn begin(&self) -> Result<WriteTx, Error> {
        self.writer.begin().await
    }

    /// Locks the app's row for the rest of `tx`; false if the app does not exist.
    pub(crate) async fn lock_app(&self, tx: &mut WriteTx, appid: &str) -> Result<bool, Error> {
        lock_app_row(self.backend, tx, appid).await
    }
}

/// The pools' `after_release` hook (PostgreSQL's connections, SQLite's readers; SQLite's writer
/// is held outside its pool, [`writer`]): a connection that comes back still inside a
/// transaction is closed (the database rolls the transaction back), never reused. sqlx leaves
/// one in that state when a request is cancelled (its client hung up) between the `BEGIN` and
/// the `Transaction` that would roll it back on drop; reused, it failed every later `begin`
/// ("attempted to call begin_with at non-zero transaction depth") until it was recycled. A
/// transaction dropped without commit queues its rollback on the connection's worker; the ping
/// waits for the queue, so such a connection is judged after its rollback.
pub(crate) fn close_if_in_transaction(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    use sqlx::Connection;
    Box::pin(async move {
        if !conn.is_in_transaction() {
            return Ok(true);
        }
        conn.ping().await?;
        if conn.is_in_transaction() {
            tracing::warn!("a database connection came back inside a transaction; closing it");
            return Ok(false);
        }
        Ok(true)
    })
}

/// Locks an app's row for the rest of `tx` (PostgreSQL `FOR UPDATE`; SQLite's single writer
/// already serialises); false if the app does not exist.
pub(crate) async fn lock_app_row(
    backend: Backend,
    tx: &mut WriteTx,
    appid: &str,
) -> Result<bool, Error> {
    let sql = match backend {
        Backend::Postgres => "SELECT appid FROM apps WHERE appid = $1 FOR UPDATE",
        Backend::Sqlite => "SELECT appid FROM apps WHERE appid = $1",
    };
    let row = sqlx::query(sql)
        .bind(appid)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

pub mod testing;

pub use read_cache::READ_CACHE_TTL;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn in_memory_sqlite_is_refused_with_a_clear_error() {
        for url in [
            "sqlite::memory:",
            "sqlite://:memory:",
            "sqlite://",
            "sqlite://x.db?mode=memory",
        ] {
            let e = SqlStore::connect(&StoreOptions::new(url))
                .await
                .expect_err(url);
            assert!(
                e.to_string().contains("in-memory SQLite is not supported"),
                "{url}: {e}"
            );
        }
        // A file is fine, whichever way it is spelt.
        for url in [
            "sqlite:a.db",
            "sqlite://a.db?mode=rwc",
            "sqlite:///abs/a.db",
        ] {
            assert!(sqlite_file(url).is_some(), "{url}");
        }
    }
}
