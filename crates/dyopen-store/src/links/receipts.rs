//! Write receipts: the first statement of a batch transaction inserts the batch's receipt, under
//! an id the batch keeps across its retries. The receipt commits or rolls back with the batch, so
//! a retry whose receipt insert finds the id taken knows an earlier attempt committed (on
//! PostgreSQL the insert waits for an earlier attempt still in flight, and the unique index
//! decides). That makes every retry idempotent, whether the failure happened before COMMIT or
//! left COMMIT's outcome unknown. Receipts are bookkeeping about real outages, so they age by
//! real time (not the settable Clock) and are pruned after core's [`WRITE_RECEIPT_TTL`].

use crate::sqlite::numbered;
use crate::{Backend, Error};
use dyopen_core::store::WRITE_RECEIPT_TTL;
/// One batch in this many also deletes old receipts (so the table stays about a day's worth).
const PRUNE_ONE_IN: u32 = 256;
/// How long a retry waits on PostgreSQL for an earlier attempt that may still hold the receipt.
const RETRY_LOCK_TIMEOUT: &str = "5s";

/// A fresh receipt id: 128 random bits as 32 hex digits.
pub fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn real_now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Inserts receipt `id` in `tx`: true when it is new (go on with the batch), false when an
/// earlier attempt of the batch committed it (roll back: the batch is already written).
/// On a retry (`retry`), PostgreSQL waits at most [`RETRY_LOCK_TIMEOUT`] for an earlier attempt
/// whose connection is gone but whose transaction the server has not ended yet.
pub(crate) async fn insert(
    backend: Backend,
    tx: &mut crate::WriteTx,
    id: &str,
    retry: bool,
) -> Result<bool, Error> {
    if retry && backend == Backend::Postgres {
        sqlx::query(&format!("SET LOCAL lock_timeout = '{RETRY_LOCK_TIMEOUT}'"))
            .execute(&mut **tx)
            .await?;
    }
    let now = real_now_secs();
    let done = sqlx::query(INSERT)
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    let inserted = done.rows_affected() == 1;
    if inserted && prune_now() {
        prune(tx, now).await?;
    }
    Ok(inserted)
}

/// [`insert`] on SQLite's synchronous writer connection.
pub(crate) fn insert_sqlite(tx: &rusqlite::Transaction<'_>, id: &str) -> Result<bool, Error> {
    let now = real_now_secs();
    let inserted = tx
        .prepare_cached(&numbered(INSERT))?
        .execute(rusqlite::params![id, now])?
        == 1;
    if inserted && prune_now() {
        tx.prepare_cached(&numbered(PRUNE))?
            .execute([prune_before(now)])?;
    }
    Ok(inserted)
}

const INSERT: &str =
    "INSERT INTO write_receipts (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING";
const PRUNE: &str = "DELETE FROM write_receipts WHERE created_at < $1";

/// Whether this batch also prunes (one in [`PRUNE_ONE_IN`]).
fn prune_now() -> bool {
    rand::Rng::gen_ratio(&mut rand::thread_rng(), 1, PRUNE_ONE_IN)
}

fn prune_before(now: i64) -> i64 {
    now.saturating_sub(WRITE_RECEIPT_TTL.get())
}

/// Deletes receipts older than [`WRITE_RECEIPT_TTL`] before `now`.
pub(crate) async fn prune(tx: &mut crate::WriteTx, now: i64) -> Result<(), Error> {
    sqlx::query(PRUNE)
        .bind(prune_before(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
