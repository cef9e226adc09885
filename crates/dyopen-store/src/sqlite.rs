//! SQLite's connections — readers, the one writer, the checkpointer — and the background WAL
//! checkpoint (docs/decisions/0014-sqlite-writer-settings-and-background-checkpoint.md).
//!
//! Every connection: WAL, the configured `synchronous`, a busy timeout, foreign keys, and
//! temporary storage in memory (a multi-row insert's statement journal would otherwise spill
//! into a temporary file, one `pwrite` per page). The writer leaves checkpoints to the
//! checkpointer: a task that copies the WAL into the database file on a connection of its
//! own, so no commit waits for that copy and its fsync. The writer still checkpoints itself
//! once the WAL reaches [`WRITER_AUTOCHECKPOINT`] pages, which bounds the WAL when writes never
//! pause long enough for the checkpointer to catch up.

use crate::{SqliteSync, StoreOptions};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;
use std::time::Duration;
use tokio::sync::mpsc;

/// Interval of the background checkpoint.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// WAL pages (4 KiB) at which the writer checkpoints by itself (SQLite's default is 1,000).
pub const WRITER_AUTOCHECKPOINT: u32 = 16_384;
/// Size the WAL file is truncated to after the WAL restarts, bytes.
const WAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// `sql` with sqlx's `$N` placeholders as SQLite's numbered `?N`, for the synchronous writer
/// connection (bound by number, whatever their order or repetition in the text). The SQL this
/// is used on has no `$` elsewhere.
pub(crate) fn numbered(sql: &str) -> String {
    sql.replace('$', "?")
}

/// Whether the app exists, on the synchronous writer connection (SQLite's single writer
/// serialises: no lock clause needed).
pub(crate) fn app_exists(
    tx: &rusqlite::Transaction<'_>,
    appid: &str,
) -> Result<bool, crate::Error> {
    let mut stmt = tx.prepare_cached("SELECT 1 FROM apps WHERE appid = ?1")?;
    Ok(stmt.exists([appid])?)
}

/// What a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Reader,
    Writer,
    Checkpointer,
}

impl Role {
    /// The statements run on each new connection of this role.
    pub(crate) fn pragmas(self, sync: SqliteSync) -> Vec<String> {
        let sync = match sync {
            SqliteSync::Normal => "NORMAL",
            SqliteSync::Full => "FULL",
        };
        let mut pragmas = vec![
            "PRAGMA busy_timeout = 10000".to_owned(),
            "PRAGMA journal_mode = WAL".to_owned(),
            format!("PRAGMA synchronous = {sync}"),
            "PRAGMA foreign_keys = ON".to_owned(),
            "PRAGMA temp_store = MEMORY".to_owned(),
        ];
        if self == Role::Writer {
            pragmas.push(format!(
                "PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT}"
            ));
            pragmas.push(format!("PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}"));
        }
        pragmas
    }
}

/// A pool of at most `size` connections of `role` on `options`.
pub(crate) async fn pool(
    opts: &StoreOptions,
    options: AnyConnectOptions,
    role: Role,
    size: u32,
) -> Result<AnyPool, sqlx::Error> {
    let pragmas = std::sync::Arc::new(role.pragmas(opts.sqlite_sync));
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(opts.acquire_timeout)
        .after_release(crate::close_if_in_transaction)
        .after_connect(move |conn, _| {
            let pragmas = std::sync::Arc::clone(&pragmas);
            Box::pin(async move {
                use sqlx::Executor;
                for pragma in pragmas.iter() {
                    conn.execute(pragma.as_str()).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
}

/// The background checkpoint: its connection, and the channel whose closing (the last clone of
/// the store dropped) stops it.
#[derive(Debug, Clone)]
pub(crate) struct Checkpointer {
    pool: AnyPool,
    _running: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts checkpointing every [`CHECKPOINT_EVERY`] on `pool` (one connection).
    pub(crate) fn spawn(pool: AnyPool) -> Self {
        let (running, stopped) = mpsc::channel(1);
        tokio::spawn(run(pool.clone(), stopped));
        Self {
            pool,
            _running: running,
        }
    }

    /// Stops checkpointing (the connection closes; the last connection of the file to close
    /// checkpoints whatever is left).
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

async fn run(pool: AnyPool, mut stopped: mpsc::Receiver<()>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.recv() => return,
        }
        if pool.is_closed() {
            return;
        }
        // PASSIVE: copies what no reader still needs, never waits for the writer or readers.
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "background WAL checkpoint failed; will retry");
        }
    }
}

/// A SQLite store on a fresh file in a temporary directory (kept while the `TempDir` lives).
#[cfg(test)]
pub(crate) async fn temp_store() -> (crate::SqlStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = crate::SqlStore::connect(&StoreOptions::new(url))
        .await
        .expect("sqlite");
    (store, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pragma(conn: &mut sqlx::AnyConnection, name: &str) -> i64 {
        let (value,): (i64,) = sqlx::query_as(&format!("PRAGMA {name}"))
            .fetch_one(conn)
            .await
            .expect(name);
        value
    }

    #[tokio::test]
    async fn each_role_gets_its_settings() {
        let (store, _dir) = temp_store().await;
        // 2 = MEMORY, on readers and the writer alike.
        let mut reader = store.read.acquire().await.expect("reader");
        let mut writer = store.writer.conn().await.expect("writer");
        assert_eq!(pragma(&mut reader, "temp_store").await, 2);
        assert_eq!(pragma(&mut writer, "temp_store").await, 2);
        assert_eq!(
            pragma(&mut writer, "wal_autocheckpoint").await,
            i64::from(WRITER_AUTOCHECKPOINT)
        );
        // Readers never commit, so they never checkpoint.
        assert_eq!(pragma(&mut reader, "wal_autocheckpoint").await, 1000);
        drop((reader, writer));
        store.close().await;
    }

    /// Commits reach the database file while the writer stays far below its own checkpoint
    /// threshold: the background checkpoint copied them.
    #[tokio::test]
    async fn the_background_checkpoint_copies_commits_into_the_database_file() {
        let (store, dir) = temp_store().await;
        let file = dir.path().join("t.db");
        sqlx::query("CREATE TABLE scratch (n BIGINT NOT NULL, pad TEXT NOT NULL)")
            .execute(&mut *store.writer.conn().await.expect("writer"))
            .await
            .expect("create");
        let size = || std::fs::metadata(&file).expect("db file").len();
        // Let the checkpoint of the migrations and the table pass, then write ~200 pages.
        tokio::time::sleep(CHECKPOINT_EVERY * 4).await;
        let before = size();
        for n in 0..100_i64 {
            sqlx::query("INSERT INTO scratch (n, pad) VALUES ($1, $2)")
                .bind(n)
                .bind("x".repeat(8_000))
                .execute(&mut *store.writer.conn().await.expect("writer"))
                .await
                .expect("insert");
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while size() < before + 100 * 8_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "the database file stayed at {} bytes (before the inserts: {before})",
                size()
            );
            tokio::time::sleep(CHECKPOINT_EVERY).await;
        }
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM scratch")
            .fetch_one(&store.read)
            .await
            .expect("count");
        assert_eq!(rows, 100);
        store.close().await;
    }
}
