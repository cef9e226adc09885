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
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

mod sync;
pub(crate) use sync::{SyncOpener, SyncRun};

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
mod tests;
