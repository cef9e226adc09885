//! Write receipts: the first statement of a batch transaction inserts the batch's receipt, under
//! an id the batch keeps across its retries. The receipt commits or rolls back with the batch, so
//! a retry whose receipt insert finds the id taken knows an earlier attempt committed (on
//! PostgreSQL the insert waits for an earlier attempt still in flight, and the unique index
//! decides). That makes every retry idempotent, whether the failure happened before COMMIT or
//! left COMMIT's outcome unknown. Receipts are bookkeeping about real outages, so they age by
//! real time (not the settable Clock) and are pruned after core's [`WRITE_RECEIPT_TTL`].

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
    let done = sqlx::query(
        "INSERT INTO write_receipts (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 1 && rand::Rng::gen_ratio(&mut rand::thread_rng(), 1, PRUNE_ONE_IN) {
        prune(tx, now).await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Deletes receipts older than [`WRITE_RECEIPT_TTL`] before `now`.
pub(crate) async fn prune(tx: &mut crate::WriteTx, now: i64) -> Result<(), Error> {
    sqlx::query("DELETE FROM write_receipts WHERE created_at < $1")
        .bind(now.saturating_sub(WRITE_RECEIPT_TTL.get()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
