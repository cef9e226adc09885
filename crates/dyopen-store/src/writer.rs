//! The store's write side. On SQLite, the one writer connection is taken out of its pool once
//! and held for good behind a lock: a pool returns a connection by spawning a task onto the
//! runtime that pings it (one more round trip to sqlx's SQLite worker thread) before the next
//! waiter may have it, so every write transaction used to leave the only writer idle for a
//! spawn, a ping and a wake-up after its `COMMIT` (docs/bench.md). On PostgreSQL (many
//! connections) the pool stays.
//!
//! A SQLite transaction ([`WriteTx`]) that is dropped without `COMMIT` (an error, a cancelled
//! request) leaves the connection marked open, and whoever takes it next — the task the
//! transaction leaves behind to do just that, or the next writer — rolls back first; so does a
//! transaction cut anywhere, `BEGIN` included.
//!
//! Beside sqlx's connection the same lock holds a synchronous one (rusqlite, on the same file):
//! [`Writer::sqlite_tx`] runs a whole transaction on it in one go, on the calling thread, instead
//! of one round trip to sqlx's worker thread per statement — for the hot, short write paths
//! (docs/decisions/0018-sqlite-hot-writes-on-a-synchronous-connection.md). The lock serialises
//! both connections; before the synchronous one begins, whatever sqlx's worker thread may still
//! run for a cut user (a transaction: rolled back; a single statement: waited for by a ping) is
//! over, so it does not wait for sqlx's connection inside SQLite.

use crate::{Backend, Error};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

/// SQLite's writer connection while it is held.
#[derive(Debug)]
pub(crate) struct Held {
    conn: PoolConnection<Any>,
    /// A transaction was begun and not (known to be) ended: roll back before the next use.
    open: bool,
    /// It failed as a connection (I/O, its worker): replace it before the next use.
    broken: bool,
    /// Handed out for autocommit statements ([`Writer::conn`]) since the synchronous connection
    /// last ran: one of them may have been cut while sqlx's worker thread still runs it.
    statements: bool,
    /// The synchronous connection ([`Writer::sqlite_tx`]), opened on first use; dropped (and
    /// opened again by the next user) when a `BEGIN` or `COMMIT` on it fails.
    sync: Option<rusqlite::Connection>,
}

/// Prepared statements the synchronous connection keeps.
const STATEMENT_CACHE: usize = 256;

/// How SQLite's synchronous writer connection is opened: the database file and the writer's
/// pragmas (the same as sqlx's writer connection gets).
#[derive(Debug, Clone)]
pub(crate) struct SyncOpener {
    pub(crate) path: PathBuf,
    pub(crate) pragmas: Arc<Vec<String>>,
}

impl SyncOpener {
    fn open(&self) -> Result<rusqlite::Connection, rusqlite::Error> {
        use rusqlite::OpenFlags;
        // The file exists (the migrations ran on sqlx's writer before any write).
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        for pragma in self.pragmas.iter() {
            // Some pragmas answer with a row (`journal_mode`), which `execute` refuses.
            conn.query_row(pragma, [], |_| Ok(()))
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(()),
                    e => Err(e),
                })?;
        }
        // Every shape the hot paths prepare stays cached: the link batch's inserts (one per row
        // count up to 64), the talents statements (one per id count up to 10) and the rest.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }
}

/// Where write transactions begin.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    pool: AnyPool,
    /// SQLite: the slot of the held writer connection (empty until it is first used; a broken
    /// one is replaced by the next user). PostgreSQL: `None`.
    held: Option<Arc<Mutex<Option<Held>>>>,
    /// SQLite: how the synchronous connection is opened.
    sync: Option<SyncOpener>,
}

type HeldGuard = OwnedMappedMutexGuard<Option<Held>, Held>;

/// A write transaction: derefs to the connection, like sqlx's `Transaction`.
pub(crate) enum WriteTx {
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Any>),
}

/// A SQLite transaction on the held connection.
pub(crate) struct SqliteTx {
    guard: HeldGuard,
    writer: Writer,
}

/// The writer connection outside a transaction (a single autocommit statement).
pub(crate) enum WriteConn {
    Sqlite(HeldGuard),
    Postgres(PoolConnection<Any>),
}

/// Errors after which a connection is not reused.
fn is_broken(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed | sqlx::Error::Protocol(_)
    )
}

impl Writer {
    /// SQLite's write side: `pool` holds the one sqlx writer connection; `sync` opens the
    /// synchronous one.
    pub(crate) fn sqlite(pool: AnyPool, sync: SyncOpener) -> Self {
        Self {
            pool,
            held: Some(Arc::new(Mutex::new(None))),
            sync: Some(sync),
        }
    }

    /// PostgreSQL's write side: every transaction on a connection of `pool`.
    pub(crate) fn postgres(pool: AnyPool) -> Self {
        Self {
            pool,
            held: None,
            sync: None,
        }
    }

    /// The backend this writer writes to.
    pub(crate) fn backend(&self) -> Backend {
        match self.held {
            Some(_) => Backend::Sqlite,
            None => Backend::Postgres,
        }
    }

    /// The pool (PostgreSQL: every write; SQLite: where the held connection comes from).
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// SQLite's held connection, locked, out of any transaction.
    async fn lock(&self, held: &Arc<Mutex<Option<Held>>>) -> Result<HeldGuard, Error> {
        let mut guard: OwnedMutexGuard<Option<Held>> = held.clone().lock_owned().await;
        if guard.as_ref().is_some_and(|h| h.broken) {
            tracing::warn!("the SQLite writer connection failed; opening another");
            *guard = None;
        }
        if guard.is_none() {
            *guard = Some(Held {
                conn: self.pool.acquire().await?,
                open: false,
                broken: false,
                statements: false,
                sync: None,
            });
        }
        let mut guard = OwnedMutexGuard::try_map(guard, Option::as_mut)
            .map_err(|_| Error::Other("the writer connection vanished".into()))?;
        if guard.open {
            // Cut short before: its transaction may still be open ("no transaction is active"
            // otherwise, which is fine).
            let rolled_back = sqlx::query("ROLLBACK").execute(&mut *guard.conn).await;
            if let Err(e) = rolled_back {
                if is_broken(&e) {
                    guard.broken = true;
                    return Err(e.into());
                }
            }
            guard.open = false;
        }
        Ok(guard)
    }

    /// Begins a write transaction. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads and then writes can fail with
    /// `SQLITE_BUSY` when another process (a second instance on the same file) holds the lock.
    pub(crate) async fn begin(&self) -> Result<WriteTx, Error> {
        let Some(held) = &self.held else {
            return Ok(WriteTx::Postgres(self.pool.begin().await?));
        };
        let mut guard = self.lock(held).await?;
        guard.open = true;
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *guard.conn)
            .await
        {
            guard.broken = is_broken(&e);
            return Err(e.into());
        }
        Ok(WriteTx::Sqlite(SqliteTx {
            guard,
            writer: self.clone(),
        }))
    }

    /// The writer connection for one autocommit statement.
    pub(crate) async fn conn(&self) -> Result<WriteConn, Error> {
        match &self.held {
            Some(held) => {
                let mut guard = self.lock(held).await?;
                guard.statements = true;
                Ok(WriteConn::Sqlite(guard))
            }
            None => Ok(WriteConn::Postgres(self.pool.acquire().await?)),
        }
    }

    /// Runs `work` as one SQLite transaction (`BEGIN IMMEDIATE` … `COMMIT`, rolled back if
    /// `work` fails) on the synchronous writer connection, on the calling thread, under the
    /// writer lock: no hand-off to another thread inside the transaction. For short
    /// transactions only — the calling runtime worker is busy until it commits. SQLite only.
    pub(crate) async fn sqlite_tx<R, E>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
    ) -> Result<R, E>
    where
        E: From<Error>,
    {
        match self.sqlite_run(work).await {
            SyncRun::Committed(result) => Ok(result),
            SyncRun::Failed(e) => Err(e),
            SyncRun::NotBegun(e) | SyncRun::CommitFailed(_, e) => Err(e.into()),
        }
    }

    /// [`Writer::sqlite_tx`], telling a failed `COMMIT` (whose outcome a caller may need to
    /// find out) from the rest.
    pub(crate) async fn sqlite_run<R, E>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
    ) -> SyncRun<R, E> {
        let (Some(held), Some(opener)) = (&self.held, &self.sync) else {
            return SyncRun::NotBegun(Error::Other(
                "a synchronous transaction needs SQLite".into(),
            ));
        };
        // Rolls back a cut sqlx transaction first: it would hold SQLite's write lock.
        let mut guard = match self.lock(held).await {
            Ok(guard) => guard,
            Err(e) => return SyncRun::NotBegun(e),
        };
        if guard.statements {
            // A statement cut after it was sent still runs on sqlx's worker thread and may hold
            // the write lock: the ping is answered after it (the worker runs commands in order).
            if let Err(e) = sqlx::Connection::ping(&mut *guard.conn).await {
                guard.broken = is_broken(&e);
                return SyncRun::NotBegun(e.into());
            }
            guard.statements = false;
        }
        if guard.sync.is_none() {
            match opener.open() {
                Ok(conn) => guard.sync = Some(conn),
                Err(e) => return SyncRun::NotBegun(e.into()),
            }
        }
        let Some(conn) = guard.sync.as_mut() else {
            return SyncRun::NotBegun(Error::Other(
                "the synchronous writer connection vanished".into(),
            ));
        };
        let ran = run_sync(conn, work);
        // Not reused after a failed BEGIN or COMMIT, or a rollback that failed (the transaction
        // would hold the write lock against sqlx's connection): the next user opens another.
        if matches!(ran, SyncRun::NotBegun(_) | SyncRun::CommitFailed(..)) || !conn.is_autocommit()
        {
            guard.sync = None;
        }
        ran
    }

    /// Whether the writer is free right now (SQLite: its lock; PostgreSQL: idle connections).
    pub(crate) fn idle(&self) -> usize {
        match &self.held {
            Some(held) => usize::from(held.try_lock().is_ok()),
            None => self.pool.num_idle(),
        }
    }

    /// Closes the writer connection and its pool.
    pub(crate) async fn close(&self) {
        if let Some(held) = &self.held {
            if let Some(held) = held.lock().await.take() {
                drop(held.sync);
                let _ = held.conn.close().await;
            }
        }
        self.pool.close().await;
    }
}

/// How a transaction on the synchronous connection ended ([`Writer::sqlite_run`]).
#[derive(Debug)]
pub(crate) enum SyncRun<R, E> {
    /// Committed.
    Committed(R),
    /// `work` failed; rolled back.
    Failed(E),
    /// Never began: the lock, the connection or `BEGIN` failed.
    NotBegun(Error),
    /// `work` succeeded but `COMMIT` failed (SQLite rolls back what it can; a caller that must
    /// know for sure finds out in another transaction).
    CommitFailed(R, Error),
}

fn run_sync<R, E>(
    conn: &mut rusqlite::Connection,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<R, E>,
) -> SyncRun<R, E> {
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return SyncRun::NotBegun(e.into()),
    };
    match work(&tx) {
        // Dropping `tx` rolls back.
        Err(e) => SyncRun::Failed(e),
        Ok(result) => match tx.commit() {
            Ok(()) => SyncRun::Committed(result),
            Err(e) => SyncRun::CommitFailed(result, e.into()),
        },
    }
}

impl WriteTx {
    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.end("COMMIT").await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Rolls back.
    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.end("ROLLBACK").await,
            WriteTx::Postgres(tx) => tx.rollback().await,
        }
    }
}

impl SqliteTx {
    async fn end(mut self, sql: &str) -> Result<(), sqlx::Error> {
        sqlx::query(sql).execute(&mut *self.guard.conn).await?;
        self.guard.open = false;
        Ok(())
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if !self.guard.open {
            return;
        }
        // Still open: roll back as soon as the lock is free (the next user would otherwise
        // do it first; without a runtime, it will).
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let writer = self.writer.clone();
            runtime.spawn(async move {
                let _ = writer.conn().await;
            });
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            WriteTx::Sqlite(tx) => &tx.guard.conn,
            WriteTx::Postgres(tx) => tx,
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            WriteTx::Sqlite(tx) => &mut tx.guard.conn,
            WriteTx::Postgres(tx) => tx,
        }
    }
}

impl Deref for WriteConn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            WriteConn::Sqlite(guard) => &guard.conn,
            WriteConn::Postgres(conn) => conn,
        }
    }
}

impl DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            WriteConn::Sqlite(guard) => &mut guard.conn,
            WriteConn::Postgres(conn) => conn,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Error, SqlStore, StoreOptions};
    use dyopen_core::StoreError;

    async fn store() -> (SqlStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = SqlStore::connect(&StoreOptions::new(url))
            .await
            .expect("sqlite");
        sqlx::query("CREATE TABLE scratch (n BIGINT PRIMARY KEY)")
            .execute(&mut *store.writer.conn().await.expect("writer"))
            .await
            .expect("create");
        (store, dir)
    }

    async fn rows(store: &SqlStore) -> Vec<i64> {
        sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
            .fetch_all(&store.read)
            .await
            .expect("read")
    }

    fn insert(tx: &rusqlite::Transaction<'_>, n: i64) -> Result<(), Error> {
        tx.execute("INSERT INTO scratch (n) VALUES (?1)", [n])?;
        Ok(())
    }

    #[tokio::test]
    async fn a_synchronous_transaction_commits_or_rolls_back_whole() {
        let (store, _dir) = store().await;
        store
            .writer
            .sqlite_tx(|tx| insert(tx, 1).and_then(|()| insert(tx, 2)))
            .await
            .expect("commits");
        let failed: Result<(), Error> = store
            .writer
            .sqlite_tx(|tx| {
                insert(tx, 3)?;
                Err(Error::Other("the rule said no".into()))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(rows(&store).await, [1, 2], "the failed one left nothing");
        store.close().await;
    }

    /// A sqlx transaction cut short holds SQLite's write lock until someone rolls it back: the
    /// synchronous connection's `BEGIN IMMEDIATE` would wait out the busy timeout behind it.
    #[tokio::test]
    async fn a_cut_sqlx_transaction_is_rolled_back_before_a_synchronous_one() {
        let (store, _dir) = store().await;
        let mut cut = store.writer.begin().await.expect("begin");
        sqlx::query("INSERT INTO scratch (n) VALUES (7)")
            .execute(&mut *cut)
            .await
            .expect("insert");
        drop(cut);
        // Without the rollback: SQLITE_BUSY after the busy timeout.
        store
            .writer
            .sqlite_tx(|tx| insert(tx, 8))
            .await
            .expect("commits");
        assert_eq!(rows(&store).await, [8]);
        store.close().await;
    }

    #[tokio::test]
    async fn a_constraint_violation_is_a_conflict() {
        let (store, _dir) = store().await;
        store
            .writer
            .sqlite_tx(|tx| insert(tx, 1))
            .await
            .expect("commits");
        let again: Result<(), Error> = store.writer.sqlite_tx(|tx| insert(tx, 1)).await;
        let e = StoreError::from(again.expect_err("duplicate key"));
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
        // The connection is still good.
        store
            .writer
            .sqlite_tx(|tx| insert(tx, 2))
            .await
            .expect("commits");
        assert_eq!(rows(&store).await, [1, 2]);
        store.close().await;
    }
}
