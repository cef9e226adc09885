//! SQLite's synchronous writer connection (decision 0018): how it is opened, and
//! [`Writer::sqlite_tx`] / [`Writer::sqlite_run`], which run a whole transaction on it under the
//! writer lock, on the calling thread.

use super::{is_broken, Writer};
use crate::Error;
use std::path::PathBuf;
use std::sync::Arc;

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

impl Writer {
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
