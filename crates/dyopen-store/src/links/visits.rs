//! The visit flush: all pending counts in one transaction, a fixed number of statements however
//! many codes were visited (one per [`CODES_PER_STATEMENT`] codes, the codes sent as one JSON
//! parameter so the statement text never changes), codes in sorted order, and on PostgreSQL the
//! rows locked in that order first, so two instances flushing overlapping codes cannot deadlock.
//! Idempotent per flush id ([`super::receipts`]), so a flush whose outcome is unknown can be
//! retried as it is without counting twice.

use super::receipts;
use crate::{backend_err, Backend, SqlStore};
use dyopen_core::link::LinkCode;
use dyopen_core::StoreError;

/// Codes per statement: bounds the parameter's size (about 20 bytes a code).
pub(crate) const CODES_PER_STATEMENT: usize = 4096;

/// `[[code, n], …]`.
const SQLITE_ADD: &str = "UPDATE links SET visits = links.visits + v.n \
    FROM (SELECT json_extract(value, '$[0]') AS code, json_extract(value, '$[1]') AS n FROM json_each($1)) AS v \
    WHERE links.code = v.code";
const POSTGRES_LOCK: &str = "SELECT code FROM links \
    WHERE code IN (SELECT e->>0 FROM json_array_elements($1::json) AS e) ORDER BY code FOR UPDATE";
const POSTGRES_ADD: &str = "UPDATE links SET visits = links.visits + v.n \
    FROM (SELECT e->>0 AS code, (e->>1)::BIGINT AS n FROM json_array_elements($1::json) AS e) AS v \
    WHERE links.code = v.code";

/// Adds `visits` under flush id `id`, at most once: `Ok` without writing when a flush with this
/// id committed before. Unknown codes are ignored.
pub(crate) async fn add(
    store: &SqlStore,
    id: &str,
    visits: &[(LinkCode, i64)],
) -> Result<(), StoreError> {
    if visits.is_empty() {
        return Ok(());
    }
    let mut sorted = visits.to_vec();
    sorted.sort_unstable_by_key(|(code, _)| *code);
    let mut tx = store.begin().await?;
    if !receipts::insert(store.backend, &mut tx, id, false).await? {
        let _ = tx.rollback().await;
        return Ok(());
    }
    for chunk in sorted.chunks(CODES_PER_STATEMENT) {
        let pairs: Vec<(&str, i64)> = chunk.iter().map(|(c, n)| (c.as_str(), *n)).collect();
        let payload = serde_json::to_string(&pairs)
            .map_err(|e| StoreError::Backend(format!("visit payload: {e}")))?;
        let statements: &[&str] = match store.backend {
            Backend::Sqlite => &[SQLITE_ADD],
            Backend::Postgres => &[POSTGRES_LOCK, POSTGRES_ADD],
        };
        for sql in statements {
            sqlx::query(sql)
                .bind(&payload)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
    }
    tx.commit().await.map_err(backend_err)
}
