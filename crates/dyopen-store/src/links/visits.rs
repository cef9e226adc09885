//! Visit counts in two steps (decision 0011). A flush (every second) appends one `visit_deltas`
//! row holding all its counts: two statements whatever the number of codes, and sequential
//! writes, however scattered the codes are over the links table. Settling (every ten seconds,
//! and before anything reads totals or buckets) folds the rows into each link's total and its
//! daily bucket (SPEC §10): their counts summed per (code, day), a fixed number of statements per
//! [`CODES_PER_STATEMENT`] counts, codes in sorted order (on PostgreSQL the link rows locked in
//! that order first, so two instances cannot deadlock), buckets older than core's
//! `VISIT_DAYS_KEPT` pruned ([`buckets_kept_from`]), the folded
//! rows deleted, all in one transaction. A flush is idempotent per flush id (its write receipt,
//! [`super::receipts`]), settling by construction, so neither counts twice.

use super::receipts;
use crate::{Backend, Error, SqlStore};
use dyopen_core::link::{buckets_kept_from, VisitCount};
use std::collections::BTreeMap;

/// Counts per statement when settling: bounds the parameter's size (about 30 bytes a count).
pub(crate) const CODES_PER_STATEMENT: usize = 4096;
/// Flush rows folded per settling transaction.
const DELTAS_PER_SETTLE: i64 = 32;

/// `[[code, day, n], …]`, each (code, day) once.
const SQLITE_ADD: &str = "UPDATE links SET visits = links.visits + v.n \
    FROM (SELECT json_extract(value, '$[0]') AS code, SUM(json_extract(value, '$[2]')) AS n \
          FROM json_each($1) GROUP BY 1) AS v \
    WHERE links.code = v.code";
/// `WHERE true` lets SQLite parse the upsert after a join.
const SQLITE_DAYS: &str = "INSERT INTO link_visit_days (code, day, appid, visits) \
    SELECT v.code, v.day, links.appid, v.n \
    FROM (SELECT json_extract(value, '$[0]') AS code, json_extract(value, '$[1]') AS day, \
                 json_extract(value, '$[2]') AS n FROM json_each($1)) AS v \
    JOIN links ON links.code = v.code WHERE true \
    ON CONFLICT (code, day) DO UPDATE SET visits = link_visit_days.visits + excluded.visits";
const POSTGRES_LOCK: &str = "SELECT code FROM links \
    WHERE code IN (SELECT e->>0 FROM json_array_elements($1::json) AS e) ORDER BY code FOR UPDATE";
const POSTGRES_ADD: &str = "UPDATE links SET visits = links.visits + v.n \
    FROM (SELECT e->>0 AS code, CAST(SUM((e->>2)::BIGINT) AS BIGINT) AS n \
          FROM json_array_elements($1::json) AS e GROUP BY 1) AS v \
    WHERE links.code = v.code";
const POSTGRES_DAYS: &str = "INSERT INTO link_visit_days (code, day, appid, visits) \
    SELECT v.code, v.day, links.appid, v.n \
    FROM (SELECT e->>0 AS code, (e->>1)::BIGINT AS day, (e->>2)::BIGINT AS n \
          FROM json_array_elements($1::json) AS e) AS v \
    JOIN links ON links.code = v.code ORDER BY v.code, v.day \
    ON CONFLICT (code, day) DO UPDATE SET visits = link_visit_days.visits + EXCLUDED.visits";
const PRUNE_DAYS: &str = "DELETE FROM link_visit_days WHERE day < $1";
const SQLITE_PICK: &str = "SELECT id, payload FROM visit_deltas ORDER BY id LIMIT $1";
/// Rows another instance is settling are skipped, not waited for.
const POSTGRES_PICK: &str =
    "SELECT id, payload FROM visit_deltas ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
const SQLITE_DELETE: &str =
    "DELETE FROM visit_deltas WHERE id IN (SELECT value FROM json_each($1))";
const POSTGRES_DELETE: &str =
    "DELETE FROM visit_deltas WHERE id IN (SELECT json_array_elements_text($1::json))";

/// A `visit_deltas` row as settling reads it.
#[derive(sqlx::FromRow)]
struct DeltaRow {
    id: String,
    /// `[[code, day, n], …]`.
    payload: String,
}

/// Visits of one day, as [`by_day`] reads them.
#[derive(sqlx::FromRow)]
struct DayRow {
    day: i64,
    n: i64,
}

fn payload_of<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, Error> {
    serde_json::to_string(v).map_err(|e| Error::Other(format!("visit payload: {e}")))
}

/// Records `visits` under flush id `id`, at most once: `Ok` without writing when a flush with
/// this id committed before.
pub(crate) async fn add(store: &SqlStore, id: &str, visits: &[VisitCount]) -> Result<(), Error> {
    let Some(newest_day) = visits.iter().map(|v| v.day).max() else {
        return Ok(());
    };
    let mut sorted: Vec<(&str, i64, i64)> = visits
        .iter()
        .map(|v| (v.code.as_str(), v.day, v.visits))
        .collect();
    sorted.sort_unstable();
    let payload = payload_of(&sorted)?;
    let mut tx = store.begin().await?;
    if !receipts::insert(store.backend, &mut tx, id, false).await? {
        let _ = tx.rollback().await;
        return Ok(());
    }
    sqlx::query("INSERT INTO visit_deltas (id, newest_day, payload) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(newest_day)
        .bind(&payload)
        .execute(&mut *tx)
        .await?;
    Ok(tx.commit().await?)
}

/// Folds every recorded flush into the totals and buckets; how many flush rows were folded.
pub(crate) async fn settle(store: &SqlStore) -> Result<u64, Error> {
    let mut folded = 0;
    loop {
        let n = settle_some(store).await?;
        if n == 0 {
            return Ok(folded);
        }
        folded += n;
    }
}

/// One transaction: up to [`DELTAS_PER_SETTLE`] flush rows added and deleted.
async fn settle_some(store: &SqlStore) -> Result<u64, Error> {
    let (pick, delete, add): (&str, &str, &[&str]) = match store.backend {
        Backend::Sqlite => (SQLITE_PICK, SQLITE_DELETE, &[SQLITE_ADD, SQLITE_DAYS]),
        Backend::Postgres => (
            POSTGRES_PICK,
            POSTGRES_DELETE,
            &[POSTGRES_LOCK, POSTGRES_ADD, POSTGRES_DAYS],
        ),
    };
    let mut tx = store.begin().await?;
    let rows: Vec<DeltaRow> = sqlx::query_as(pick)
        .bind(DELTAS_PER_SETTLE)
        .fetch_all(&mut *tx)
        .await?;
    if rows.is_empty() {
        let _ = tx.rollback().await;
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut counts: BTreeMap<(String, i64), i64> = BTreeMap::new();
    let folded = rows.len() as u64;
    for row in rows {
        let triples: Vec<(String, i64, i64)> = serde_json::from_str(&row.payload)
            .map_err(|e| Error::Other(format!("corrupt visit_deltas row: {e}")))?;
        ids.push(row.id);
        for (code, day, n) in triples {
            *counts.entry((code, day)).or_insert(0) += n;
        }
    }
    let newest_day = counts.keys().map(|(_, day)| *day).max().unwrap_or(0);
    let counts: Vec<(String, i64, i64)> = counts
        .into_iter()
        .map(|((code, day), n)| (code, day, n))
        .collect();
    for chunk in counts.chunks(CODES_PER_STATEMENT) {
        let payload = payload_of(chunk)?;
        for sql in add {
            sqlx::query(sql).bind(&payload).execute(&mut *tx).await?;
        }
    }
    sqlx::query(PRUNE_DAYS)
        .bind(buckets_kept_from(newest_day))
        .execute(&mut *tx)
        .await?;
    sqlx::query(delete)
        .bind(payload_of(&ids)?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(folded)
}

/// Visits per day of one link, or of all the app's links, from `from_day` to `to_day`.
pub(crate) async fn by_day(
    store: &SqlStore,
    appid: &str,
    code: Option<&str>,
    from_day: i64,
    to_day: i64,
) -> Result<Vec<(i64, i64)>, Error> {
    let rows: Vec<DayRow> = match code {
        Some(code) => {
            sqlx::query_as(
                "SELECT day, visits AS n FROM link_visit_days \
                 WHERE code = $1 AND appid = $2 AND day >= $3 AND day <= $4 ORDER BY day",
            )
            .bind(code.to_owned())
            .bind(appid.to_owned())
            .bind(from_day)
            .bind(to_day)
            .fetch_all(&store.read)
            .await
        }
        None => {
            sqlx::query_as(
                "SELECT day, CAST(SUM(visits) AS BIGINT) AS n FROM link_visit_days \
                 WHERE appid = $1 AND day >= $2 AND day <= $3 GROUP BY day ORDER BY day",
            )
            .bind(appid.to_owned())
            .bind(from_day)
            .bind(to_day)
            .fetch_all(&store.read)
            .await
        }
    }?;
    Ok(rows.into_iter().map(|r| (r.day, r.n)).collect())
}
