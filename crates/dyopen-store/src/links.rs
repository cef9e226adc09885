//! URL links. Inserts go through a group-commit writer task: concurrent `insert_link` calls are
//! collected into one transaction (whatever queued while the previous batch committed), each
//! caller awaiting its own answer, which arrives only after that transaction committed. The
//! daily counter row is read and written under the app's lock in the same transaction.

use crate::{backend_err, Backend, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::link::{within_daily_quota, Host, Link, LinkCode, LinkError, NewLink};
use dyopen_core::store::LinkStore;
use dyopen_core::StoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

/// Most inserts in one transaction.
const MAX_BATCH: usize = 512;
/// Attempts of a batch transaction before its callers get [`LinkError::GenerateFailed`].
const BATCH_ATTEMPTS: usize = 3;
/// Fresh codes tried for one link before giving up (a clash is ~1 in 3.5e12 per live link).
const CODE_ATTEMPTS: usize = 8;

const LINK_COLUMNS: &str = "code, appid, host, path, query, created_at, expires_at, visits";

/// One pending insert and where its answer goes.
#[derive(Debug)]
pub(crate) struct InsertJob {
    link: NewLink,
    day: i64,
    quota: i64,
    reply: oneshot::Sender<Result<Link, LinkError>>,
}

/// The sending side of the writer task.
pub(crate) type LinkWriter = mpsc::Sender<InsertJob>;

/// Starts the writer task on `pool` (SQLite: the single writer connection).
pub(crate) fn spawn_writer(backend: Backend, pool: AnyPool) -> LinkWriter {
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(run_writer(backend, pool, rx));
    tx
}

async fn run_writer(backend: Backend, pool: AnyPool, mut rx: mpsc::Receiver<InsertJob>) {
    while let Some(first) = rx.recv().await {
        // Let the callers that are runnable right now enqueue too.
        tokio::task::yield_now().await;
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut outcome = write_with_retries(backend, &pool, &batch).await;
        if outcome.is_err() && batch.len() > 1 {
            // One bad job must not fail the others: fall back to one transaction per job.
            tracing::warn!(
                jobs = batch.len(),
                "link batch failed; retrying its jobs one by one"
            );
            let mut results = Vec::with_capacity(batch.len());
            for job in &batch {
                results.push(
                    match write_with_retries(backend, &pool, std::slice::from_ref(job)).await {
                        Ok(mut one) => one.pop().unwrap_or_else(|| {
                            Err(LinkError::GenerateFailed(StoreError::Backend(
                                "a batch of one gave no result".into(),
                            )))
                        }),
                        Err(e) => Err(LinkError::GenerateFailed(e)),
                    },
                );
            }
            outcome = Ok(results);
        }
        match outcome {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "link batch failed after retries");
                for job in batch {
                    let failure = StoreError::Backend(e.to_string());
                    let _ = job.reply.send(Err(LinkError::GenerateFailed(failure)));
                }
            }
        }
    }
}

/// [`write_batch`] up to [`BATCH_ATTEMPTS`] times.
async fn write_with_retries(
    backend: Backend,
    pool: &AnyPool,
    batch: &[InsertJob],
) -> Result<Vec<Result<Link, LinkError>>, StoreError> {
    let mut outcome = Err(StoreError::Backend("no attempt".into()));
    for attempt in 0..BATCH_ATTEMPTS {
        outcome = write_batch(backend, pool, batch).await;
        match &outcome {
            Ok(_) => break,
            Err(e) => tracing::warn!(attempt, error = %e, "link batch failed"),
        }
    }
    outcome
}

async fn used_on(conn: &mut sqlx::AnyConnection, appid: &str, day: i64) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT used FROM link_daily_counts WHERE appid = $1 AND day = $2")
        .bind(appid)
        .bind(day)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend_err)?;
    row.map(|r| r.try_get::<i64, _>("used"))
        .transpose()
        .map_err(backend_err)
        .map(|u| u.unwrap_or(0))
}

/// Inserts `link` under a fresh code, retrying on a code clash.
async fn insert_one(tx: &mut Transaction<'static, Any>, link: &NewLink) -> Result<Link, LinkError> {
    for _ in 0..CODE_ATTEMPTS {
        let code = LinkCode::generate();
        let sql = format!(
            "INSERT INTO links ({LINK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (code) DO NOTHING"
        );
        let done = sqlx::query(&sql)
            .bind(code.as_str())
            .bind(link.appid.as_str())
            .bind(link.host.as_str())
            .bind(&link.path)
            .bind(&link.query)
            .bind(link.created_at)
            .bind(link.expires_at)
            .execute(&mut **tx)
            .await
            .map_err(backend_err)?;
        if done.rows_affected() == 1 {
            return Ok(Link {
                code,
                appid: link.appid.clone(),
                host: link.host,
                path: link.path.clone(),
                query: link.query.clone(),
                created_at: link.created_at,
                expires_at: link.expires_at,
                visits: 0,
            });
        }
    }
    Err(LinkError::GenerateFailed(StoreError::Conflict(
        "no free link code after retries".into(),
    )))
}

/// Rows per multi-row INSERT (7 parameters each, far below both backends' limits).
const ROWS_PER_INSERT: usize = 64;

/// Inserts `links` with fresh codes, many rows per statement; a row whose code clashed (not
/// returned by `RETURNING`) is inserted again on its own with new codes.
async fn insert_many(
    tx: &mut Transaction<'static, Any>,
    links: &[&NewLink],
) -> Result<Vec<Link>, StoreError> {
    let mut out = Vec::with_capacity(links.len());
    for chunk in links.chunks(ROWS_PER_INSERT) {
        let mut codes: Vec<LinkCode> = Vec::with_capacity(chunk.len());
        while codes.len() < chunk.len() {
            let code = LinkCode::generate();
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let b = r * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, 0)",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO links ({LINK_COLUMNS}) VALUES {} ON CONFLICT (code) DO NOTHING RETURNING code",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (code, link) in codes.iter().zip(chunk) {
            query = query
                .bind(code.as_str())
                .bind(link.appid.as_str())
                .bind(link.host.as_str())
                .bind(&link.path)
                .bind(&link.query)
                .bind(link.created_at)
                .bind(link.expires_at);
        }
        let rows = query.fetch_all(&mut **tx).await.map_err(backend_err)?;
        let stored: std::collections::HashSet<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("code"))
            .collect::<Result<_, _>>()
            .map_err(backend_err)?;
        for (code, link) in codes.into_iter().zip(chunk) {
            if stored.contains(code.as_str()) {
                out.push(Link {
                    code,
                    appid: link.appid.clone(),
                    host: link.host,
                    path: link.path.clone(),
                    query: link.query.clone(),
                    created_at: link.created_at,
                    expires_at: link.expires_at,
                    visits: 0,
                });
            } else {
                match insert_one(tx, link).await {
                    Ok(l) => out.push(l),
                    Err(LinkError::Storage(e)) | Err(LinkError::GenerateFailed(e)) => {
                        return Err(e)
                    }
                    Err(other) => {
                        return Err(StoreError::Backend(format!(
                            "unexpected insert outcome: {other}"
                        )))
                    }
                }
            }
        }
    }
    Ok(out)
}

/// One transaction for the whole batch: apps locked in appid order (no deadlock between
/// instances), per (app, day) the counter read once, each job decided by the core quota rule.
async fn write_batch(
    backend: Backend,
    pool: &AnyPool,
    batch: &[InsertJob],
) -> Result<Vec<Result<Link, LinkError>>, StoreError> {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by(|&a, &b| {
        (batch[a].link.appid.as_str(), batch[a].day)
            .cmp(&(batch[b].link.appid.as_str(), batch[b].day))
    });
    let mut results: Vec<Option<Result<Link, LinkError>>> = batch.iter().map(|_| None).collect();
    let mut tx = crate::begin_write(backend, pool).await?;
    let mut locked: Option<&str> = None;
    let mut i = 0;
    while i < order.len() {
        let head = &batch[order[i]];
        let (appid, day) = (head.link.appid.as_str(), head.day);
        let group_end = order[i..]
            .iter()
            .position(|&j| batch[j].link.appid.as_str() != appid || batch[j].day != day)
            .map_or(order.len(), |n| i + n);
        if locked != Some(appid) {
            if !crate::lock_app_row(backend, &mut tx, appid).await? {
                for &j in &order[i..group_end] {
                    let gone = StoreError::Conflict(format!("no app {appid}"));
                    results[j] = Some(Err(LinkError::Storage(gone)));
                }
                i = group_end;
                continue;
            }
            locked = Some(appid);
        }
        let start = used_on(&mut tx, appid, day).await?;
        let mut used = start;
        let mut accepted = Vec::new();
        for &j in &order[i..group_end] {
            // The core rule decides each job in order against the count so far.
            if within_daily_quota(used, batch[j].quota) {
                accepted.push(j);
                used += 1;
            } else {
                results[j] = Some(Err(LinkError::QuotaExceeded));
            }
        }
        let links: Vec<&NewLink> = accepted.iter().map(|&j| &batch[j].link).collect();
        for (&j, inserted) in accepted.iter().zip(insert_many(&mut tx, &links).await?) {
            results[j] = Some(Ok(inserted));
        }
        if used != start {
            sqlx::query(
                "INSERT INTO link_daily_counts (appid, day, used) VALUES ($1, $2, $3) ON CONFLICT (appid, day) DO UPDATE SET used = excluded.used",
            )
            .bind(appid)
            .bind(day)
            .bind(used)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        }
        i = group_end;
    }
    tx.commit().await.map_err(backend_err)?;
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or(Err(LinkError::QuotaExceeded)))
        .collect())
}

fn link_from_row(row: &AnyRow) -> Result<Link, StoreError> {
    let corrupt = |what: &str| StoreError::Backend(format!("corrupt link row: {what}"));
    let code: String = row.try_get("code").map_err(backend_err)?;
    let appid: String = row.try_get("appid").map_err(backend_err)?;
    let host: String = row.try_get("host").map_err(backend_err)?;
    Ok(Link {
        code: LinkCode::parse(&code).ok_or_else(|| corrupt("code"))?,
        appid: AppId::parse(&appid).map_err(|_| corrupt("appid"))?,
        host: Host::parse(&host, false).map_err(|_| corrupt("host"))?,
        path: row.try_get("path").map_err(backend_err)?,
        query: row.try_get("query").map_err(backend_err)?,
        created_at: row.try_get("created_at").map_err(backend_err)?,
        expires_at: row.try_get("expires_at").map_err(backend_err)?,
        visits: row.try_get("visits").map_err(backend_err)?,
    })
}

#[async_trait]
impl LinkStore for SqlStore {
    async fn insert_link(
        &self,
        link: &NewLink,
        day: i64,
        daily_quota: i64,
    ) -> Result<Link, LinkError> {
        let (reply, answer) = oneshot::channel();
        let job = InsertJob {
            link: link.clone(),
            day,
            quota: daily_quota,
            reply,
        };
        let stopped =
            || LinkError::GenerateFailed(StoreError::Backend("link writer stopped".into()));
        self.link_writer.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    async fn get_link(&self, code: &LinkCode) -> Result<Option<Link>, StoreError> {
        let sql = format!("SELECT {LINK_COLUMNS} FROM links WHERE code = $1");
        let row = sqlx::query(&sql)
            .bind(code.as_str())
            .fetch_optional(&self.read)
            .await
            .map_err(backend_err)?;
        row.as_ref().map(link_from_row).transpose()
    }

    async fn list_links(
        &self,
        appid: &AppId,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Link>, u64), StoreError> {
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM links WHERE appid = $1 ORDER BY created_at DESC, code LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(&sql)
            .bind(appid.as_str())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(backend_err)?;
        let links = rows.iter().map(link_from_row).collect::<Result<_, _>>()?;
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM links WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(backend_err)?;
        Ok((links, u64::try_from(total).unwrap_or(0)))
    }

    async fn links_used_on(&self, appid: &AppId, day: i64) -> Result<i64, StoreError> {
        let mut conn = self.read.acquire().await.map_err(backend_err)?;
        used_on(&mut conn, appid.as_str(), day).await
    }

    async fn add_link_visits(&self, visits: &[(LinkCode, i64)]) -> Result<(), StoreError> {
        if visits.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for (code, n) in visits {
            sqlx::query("UPDATE links SET visits = visits + $1 WHERE code = $2")
                .bind(*n)
                .bind(code.as_str())
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
        }
        tx.commit().await.map_err(backend_err)
    }
}
