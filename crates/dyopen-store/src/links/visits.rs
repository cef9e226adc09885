//! Visit counts in two steps (decision 0009). A flush (every second) appends one `visit_deltas`
//! row holding all its counts: two statements whatever the number of codes, and sequential
//! writes, however scattered the codes are over the links table. Settling (every few minutes,
//! and before anything reads totals) folds the rows into `links.visits`: their counts summed per
//! code, a fixed number of statements per [`CODES_PER_STATEMENT`] codes, codes in sorted order
//! (on PostgreSQL the rows locked in that order first, so two instances cannot deadlock), the
//! folded rows deleted in the same transaction. A flush is idempotent per flush id (its write
//! receipt, [`super::receipts`]), settling by construction, so neither counts twice.

use super::receipts;
use crate::{backend_err, Backend, SqlStore};
use dyopen_core::clock::Timestamp;
use dyopen_core::link::LinkCode;
use dyopen_core::StoreError;
use sqlx::Row;
use std::collections::BTreeMap;

/// Codes per statement when settling: bounds the parameter's size (about 20 bytes a code).
pub(crate) const CODES_PER_STATEMENT: usize = 4096;
/// Flush rows folded per settling transaction.
const DELTAS_PER_SETTLE: i64 = 32;

/// `[[code, n], …]`.
const SQLITE_ADD: &str = "UPDATE links SET visits = links.visits + v.n \
    FROM (SELECT json_extract(value, '$[0]') AS code, json_extract(value, '$[1]') AS n FROM json_each($1)) AS v \
    WHERE links.code = v.code";
const POSTGRES_LOCK: &str = "SELECT code FROM links \
    WHERE code IN (SELECT e->>0 FROM json_array_elements($1::json) AS e) ORDER BY code FOR UPDATE";
const POSTGRES_ADD: &str = "UPDATE links SET visits = links.visits + v.n \
    FROM (SELECT e->>0 AS code, (e->>1)::BIGINT AS n FROM json_array_elements($1::json) AS e) AS v \
    WHERE links.code = v.code";
const SQLITE_PICK: &str = "SELECT id, payload FROM visit_deltas ORDER BY id LIMIT $1";
/// Rows another instance is settling are skipped, not waited for.
const POSTGRES_PICK: &str =
    "SELECT id, payload FROM visit_deltas ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
const SQLITE_DELETE: &str =
    "DELETE FROM visit_deltas WHERE id IN (SELECT value FROM json_each($1))";
const POSTGRES_DELETE: &str =
    "DELETE FROM visit_deltas WHERE id IN (SELECT json_array_elements_text($1::json))";

fn payload_of<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(format!("visit payload: {e}")))
}

/// Records `visits` (made up to `at`) under flush id `id`, at most once: `Ok` without writing
/// when a flush with this id committed before.
pub(crate) async fn add(
    store: &SqlStore,
    id: &str,
    at: Timestamp,
    visits: &[(LinkCode, i64)],
) -> Result<(), StoreError> {
    if visits.is_empty() {
        return Ok(());
    }
    let mut sorted: Vec<(&str, i64)> = visits.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    sorted.sort_unstable();
    let payload = payload_of(&sorted)?;
    let mut tx = store.begin().await?;
    if !receipts::insert(store.backend, &mut tx, id, false).await? {
        let _ = tx.rollback().await;
        return Ok(());
    }
    sqlx::query("INSERT INTO visit_deltas (id, at, payload) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(at.secs())
        .bind(&payload)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
    tx.commit().await.map_err(backend_err)
}

/// Folds every recorded flush into the links' totals; how many flush rows were folded.
pub(crate) async fn settle(store: &SqlStore) -> Result<u64, StoreError> {
    let mut folded = 0;
    loop {
        let n = settle_some(store).await?;
        if n == 0 {
            return Ok(folded);
        }
        folded += n;
    }
}

/// One transaction: up to [`DELTAS_PER_SETTLE`] flush rows added to the totals and deleted.
async fn settle_some(store: &SqlStore) -> Result<u64, StoreError> {
    let (pick, delete, add): (&str, &str, &[&str]) = match store.backend {
        Backend::Sqlite => (SQLITE_PICK, SQLITE_DELETE, &[SQLITE_ADD]),
        Backend::Postgres => (
            POSTGRES_PICK,
            POSTGRES_DELETE,
            &[POSTGRES_LOCK, POSTGRES_ADD],
        ),
    };
    let mut tx = store.begin().await?;
    let rows = sqlx::query(pick)
        .bind(DELTAS_PER_SETTLE)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_err)?;
    if rows.is_empty() {
        let _ = tx.rollback().await;
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for row in &rows {
        ids.push(row.try_get::<String, _>("id").map_err(backend_err)?);
        let payload: String = row.try_get("payload").map_err(backend_err)?;
        let pairs: Vec<(String, i64)> = serde_json::from_str(&payload)
            .map_err(|e| StoreError::Backend(format!("corrupt visit_deltas row: {e}")))?;
        for (code, n) in pairs {
            *totals.entry(code).or_insert(0) += n;
        }
    }
    let totals: Vec<(String, i64)> = totals.into_iter().collect();
    for chunk in totals.chunks(CODES_PER_STATEMENT) {
        let payload = payload_of(&chunk)?;
        for sql in add {
            sqlx::query(sql)
                .bind(&payload)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
    }
    sqlx::query(delete)
        .bind(payload_of(&ids)?)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
    tx.commit().await.map_err(backend_err)?;
    Ok(rows.len() as u64)
}
