//! Visit counts in two steps (decision 0011). A flush (every second) appends one `visit_deltas`
//! row holding all its counts: two statements whatever the number of codes, and sequential
//! writes, however scattered the codes are over the links table. Settling (every ten seconds,
//! and before anything reads totals or buckets) folds the rows into the daily buckets
//! (`link_visit_days`, SPEC §10): their counts summed per (code, day), a fixed number of
//! statements per [`CODES_PER_STATEMENT`] counts, in (code, day) order, the folded rows deleted,
//! all in one transaction. A link's total is its folded history (`links.visits`) plus its kept
//! buckets (the `visits` of [`super::LINK_SELECT`], decision 0016), so settling never writes
//! the links table: buckets older than core's `VISIT_DAYS_KEPT` ([`buckets_kept_from`]) are
//! added to `links.visits` as they are pruned, in the same transaction. A flush is idempotent
//! per flush id (its write receipt, [`super::receipts`]), settling by construction, so neither
//! counts twice.

use super::receipts;
use crate::{Backend, Error, SqlStore};
use dyopen_core::link::{buckets_kept_from, VisitCount};
use std::collections::BTreeMap;

/// Counts per statement when settling: bounds the parameter's size (about 30 bytes a count).
pub(crate) const CODES_PER_STATEMENT: usize = 4096;
/// Flush rows folded per settling transaction.
const DELTAS_PER_SETTLE: i64 = 32;

/// `[[code, day, n], …]` (`$1`) as rows, each (code, day) once.
macro_rules! sqlite_counts {
    () => {
        "(SELECT json_extract(value, '$[0]') AS code, json_extract(value, '$[1]') AS day, \
                 json_extract(value, '$[2]') AS n FROM json_each($1)) AS v"
    };
}
/// SQLite, first the buckets that exist (a sweep of the (code, day)-ordered table), then the new
/// ones, whose app is read from the link: a link's first visit of a day reads its row once.
const SQLITE_ADD: [&str; 2] = [
    concat!(
        "UPDATE link_visit_days SET visits = link_visit_days.visits + v.n FROM ",
        sqlite_counts!(),
        " WHERE link_visit_days.code = v.code AND link_visit_days.day = v.day"
    ),
    concat!(
        "INSERT INTO link_visit_days (code, day, appid, visits) \
         SELECT v.code, v.day, links.appid, v.n FROM ",
        sqlite_counts!(),
        " JOIN links ON links.code = v.code \
         WHERE NOT EXISTS (SELECT 1 FROM link_visit_days AS d WHERE d.code = v.code AND d.day = v.day)"
    ),
];
/// PostgreSQL, one upsert: another instance may add the same bucket concurrently; rows in
/// (code, day) order, so two instances settling at once lock them in the same order.
const POSTGRES_ADD: &str = "INSERT INTO link_visit_days (code, day, appid, visits) \
    SELECT v.code, v.day, links.appid, v.n \
    FROM (SELECT e->>0 AS code, (e->>1)::BIGINT AS day, (e->>2)::BIGINT AS n \
          FROM json_array_elements($1::json) AS e) AS v \
    JOIN links ON links.code = v.code ORDER BY v.code, v.day \
    ON CONFLICT (code, day) DO UPDATE SET visits = link_visit_days.visits + EXCLUDED.visits";
/// SQLite (one writer): buckets older than `$1` added to their links' folded history, then
/// deleted.
/// The day index, not a scan of the whole table in code order (SQLite's choice without it).
const SQLITE_PRUNE: [&str; 2] = [
    "UPDATE links SET visits = links.visits + d.n \
     FROM (SELECT code, SUM(visits) AS n FROM link_visit_days INDEXED BY link_visit_days_by_day \
           WHERE day < $1 GROUP BY code) AS d \
     WHERE links.code = d.code",
    "DELETE FROM link_visit_days WHERE day < $1",
];
/// PostgreSQL: only the buckets this statement deletes are added, so two instances pruning at
/// once cannot both add one; locked in (code, day) order first.
const POSTGRES_PRUNE: [&str; 1] = ["WITH gone AS (DELETE FROM link_visit_days \
        WHERE (code, day) IN (SELECT code, day FROM link_visit_days WHERE day < $1 \
                              ORDER BY code, day FOR UPDATE) \
        RETURNING code, visits) \
    UPDATE links SET visits = links.visits + g.n \
    FROM (SELECT code, CAST(SUM(visits) AS BIGINT) AS n FROM gone GROUP BY code) AS g \
    WHERE links.code = g.code"];
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
    let (pick, delete, add, prune): (&str, &str, &[&str], &[&str]) = match store.backend {
        Backend::Sqlite => (SQLITE_PICK, SQLITE_DELETE, &SQLITE_ADD, &SQLITE_PRUNE),
        Backend::Postgres => (
            POSTGRES_PICK,
            POSTGRES_DELETE,
            &[POSTGRES_ADD],
            &POSTGRES_PRUNE,
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
    // Once a day there is something to prune; the check is one step of the day index.
    let kept_from = buckets_kept_from(newest_day);
    let stale: Option<i64> =
        sqlx::query_scalar("SELECT day FROM link_visit_days WHERE day < $1 LIMIT 1")
            .bind(kept_from)
            .fetch_optional(&mut *tx)
            .await?;
    if stale.is_some() {
        for sql in prune {
            sqlx::query(sql).bind(kept_from).execute(&mut *tx).await?;
        }
    }
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
