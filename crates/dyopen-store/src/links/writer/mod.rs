//! The group-commit writer of link inserts: concurrent `insert_link` calls are collected into
//! one transaction (whatever queued while the previous batch committed), each caller awaiting
//! its own answer, which arrives only after that transaction committed. The daily counter row is
//! read and written under the app's lock in the same transaction.
//!
//! Retries never duplicate: a batch keeps one receipt id ([`super::receipts`]) and its
//! pre-generated codes across its attempts. An attempt that finds its receipt already written
//! knows an earlier attempt committed, and answers with that attempt's links; only a batch that
//! certainly did not commit is split into single inserts. See
//! `docs/decisions/0007-bounds-write-receipts.md`.
//!
//! An attempt runs statement by statement through sqlx on PostgreSQL, and whole on SQLite's
//! synchronous writer connection ([`sqlite`], decision 0018); both take their decisions from
//! [`batch`].

use super::receipts;
use crate::writer::Writer;
use crate::{Backend, Error};
use dyopen_core::link::{Link, LinkCode, LinkError, NewLink};
use dyopen_core::StoreError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

mod batch;
mod sqlite;

use batch::{groups, stored, Answers};

/// Most inserts in one transaction.
const MAX_BATCH: usize = 512;
/// Attempts of a batch transaction before its callers get [`LinkError::GenerateFailed`].
const BATCH_ATTEMPTS: u32 = 3;
/// Pause before the second attempt (quadrupled before each further one).
const RETRY_PAUSE: Duration = Duration::from_millis(50);
/// Fresh codes tried for one link before giving up (a clash is ~1 in 3.5e12 per live link).
const CODE_ATTEMPTS: usize = 8;
/// Rows per multi-row INSERT (7 parameters each, far below both backends' limits).
const ROWS_PER_INSERT: usize = 64;

/// One pending insert and where its answer goes.
#[derive(Debug)]
pub(crate) struct InsertJob {
    pub(crate) link: NewLink,
    pub(crate) day: i64,
    pub(crate) quota: i64,
    pub(crate) reply: oneshot::Sender<Result<Link, LinkError>>,
}

/// The sending side of the writer task.
pub(crate) type LinkWriter = mpsc::Sender<InsertJob>;

/// Starts the writer task on `writer` (SQLite: the single writer connection); the size of each
/// batch goes to `batch_sizes`.
pub(crate) fn spawn_writer(writer: Writer, batch_sizes: metrics::Histogram) -> LinkWriter {
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(run_writer(writer, rx, batch_sizes));
    tx
}

/// The answer of each job of a batch, in batch order.
type Results = Vec<Result<Link, LinkError>>;

/// How a batch ended, after its retries.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Committed (by the last attempt, or by an earlier one whose receipt a retry found).
    Committed(Results),
    /// Certainly not written: no attempt committed.
    NotCommitted(Error),
    /// An attempt's COMMIT failed and no later attempt could tell whether it took effect.
    Unknown(Error),
}

async fn run_writer(
    writer: Writer,
    mut rx: mpsc::Receiver<InsertJob>,
    batch_sizes: metrics::Histogram,
) {
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
        batch_sizes.record(batch.len() as f64);
        let jobs: Vec<(&NewLink, i64, i64)> =
            batch.iter().map(|j| (&j.link, j.day, j.quota)).collect();
        let results = match write_batch(&writer, &jobs, &receipts::new_id()).await {
            Outcome::Committed(results) => results,
            // One bad job must not fail the others: a batch that certainly did not commit is
            // retried one job per transaction.
            Outcome::NotCommitted(e) if jobs.len() > 1 => {
                tracing::warn!(jobs = jobs.len(), error = %e, "link batch failed; retrying its jobs one by one");
                let mut results = Vec::with_capacity(jobs.len());
                for job in &jobs {
                    results.push(write_one(&writer, *job).await);
                }
                results
            }
            Outcome::NotCommitted(e) | Outcome::Unknown(e) => {
                let cause = StoreError::from(e);
                tracing::error!(error = %cause, "link batch failed after retries");
                // Every job's answer holds the one cause.
                let cause = Arc::new(cause);
                jobs.iter()
                    .map(|_| {
                        Err(LinkError::GenerateFailed(StoreError::Backend(Box::new(
                            Arc::clone(&cause),
                        ))))
                    })
                    .collect()
            }
        };
        for (job, result) in batch.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
    }
}

/// One job in a batch of its own.
async fn write_one(writer: &Writer, job: (&NewLink, i64, i64)) -> Result<Link, LinkError> {
    match write_batch(writer, &[job], &receipts::new_id()).await {
        Outcome::Committed(mut one) => one.pop().unwrap_or_else(|| {
            Err(LinkError::GenerateFailed(
                Error::Other("a batch of one gave no result".into()).into(),
            ))
        }),
        Outcome::NotCommitted(e) | Outcome::Unknown(e) => Err(LinkError::GenerateFailed(e.into())),
    }
}

/// How one attempt ended.
#[derive(Debug)]
pub(crate) enum Attempt {
    Committed(Results),
    /// The receipt was there already: an earlier attempt committed.
    AlreadyCommitted,
    /// Failed. `past_receipt`: the receipt insert succeeded, so no earlier attempt committed.
    /// `in_doubt`: the failure was COMMIT's own, so these results may have been written.
    Failed {
        past_receipt: bool,
        in_doubt: Option<Results>,
        error: Error,
    },
}

/// What the attempts so far say about a batch.
struct Settle {
    /// The results of the one attempt that may have committed.
    in_doubt: Option<Results>,
    error: Error,
}

impl Settle {
    fn new() -> Self {
        Self {
            in_doubt: None,
            error: Error::Other("no attempt".into()),
        }
    }

    /// Takes in an attempt; `Some` once the batch's outcome is known.
    fn after(&mut self, attempt: Attempt) -> Option<Outcome> {
        match attempt {
            Attempt::Committed(results) => Some(Outcome::Committed(results)),
            Attempt::AlreadyCommitted => Some(match self.in_doubt.take() {
                Some(results) => Outcome::Committed(results),
                // Only an attempt in doubt can have written the receipt: a caller bug.
                None => Outcome::Unknown(Error::Other(
                    "the batch's receipt exists but no attempt of it is in doubt".into(),
                )),
            }),
            Attempt::Failed {
                past_receipt,
                in_doubt,
                error,
            } => {
                tracing::warn!(error = %error, "link batch attempt failed");
                if past_receipt {
                    self.in_doubt = in_doubt;
                }
                self.error = error;
                None
            }
        }
    }

    /// The outcome when the attempts ran out.
    fn finish(self) -> Outcome {
        match self.in_doubt {
            Some(_) => Outcome::Unknown(self.error),
            None => Outcome::NotCommitted(self.error),
        }
    }
}

/// The outcome of a scripted sequence of attempts (tests of the bookkeeping above).
#[cfg(test)]
pub(crate) fn settle(attempts: Vec<Attempt>) -> Outcome {
    let mut settle = Settle::new();
    for attempt in attempts {
        if let Some(outcome) = settle.after(attempt) {
            return outcome;
        }
    }
    settle.finish()
}

/// Writes `jobs` (link, Shanghai day, daily quota) in one transaction under `receipt`, retrying
/// up to [`BATCH_ATTEMPTS`] times without ever writing twice.
pub(crate) async fn write_batch(
    writer: &Writer,
    jobs: &[(&NewLink, i64, i64)],
    receipt: &str,
) -> Outcome {
    write_batch_coded(writer, jobs, &fresh_codes(jobs.len()), receipt).await
}

/// [`write_batch`] with the codes to try first, one per job (tests give clashing ones).
pub(crate) async fn write_batch_coded(
    writer: &Writer,
    jobs: &[(&NewLink, i64, i64)],
    codes: &[LinkCode],
    receipt: &str,
) -> Outcome {
    let mut settle = Settle::new();
    for attempt in 0..BATCH_ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(RETRY_PAUSE * 4u32.pow(attempt - 1)).await;
        }
        let retry = attempt > 0;
        let tried = match writer.backend() {
            Backend::Sqlite => sqlite::attempt_batch(writer, jobs, codes, receipt).await,
            Backend::Postgres => attempt_batch(writer, jobs, codes, receipt, retry).await,
        };
        if let Some(outcome) = settle.after(tried) {
            return outcome;
        }
    }
    settle.finish()
}

/// `n` distinct fresh codes.
fn fresh_codes(n: usize) -> Vec<LinkCode> {
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut codes: Vec<LinkCode> = Vec::with_capacity(n);
    while codes.len() < n {
        let code = LinkCode::generate();
        if seen.insert(code) {
            codes.push(code);
        }
    }
    codes
}

/// One attempt on PostgreSQL (SQLite: [`sqlite::attempt_batch`]).
async fn attempt_batch(
    writer: &Writer,
    jobs: &[(&NewLink, i64, i64)],
    codes: &[LinkCode],
    receipt: &str,
    retry: bool,
) -> Attempt {
    let failed = |past_receipt, error| Attempt::Failed {
        past_receipt,
        in_doubt: None,
        error,
    };
    let mut tx = match writer.begin().await {
        Ok(tx) => tx,
        Err(e) => return failed(false, e),
    };
    match receipts::insert(Backend::Postgres, &mut tx, receipt, retry).await {
        Ok(true) => {}
        Ok(false) => {
            let _ = tx.rollback().await;
            return Attempt::AlreadyCommitted;
        }
        Err(e) => return failed(false, e),
    }
    let results = match decide_and_insert(&mut tx, jobs, codes).await {
        Ok(results) => results,
        Err(e) => return failed(true, e),
    };
    match tx.commit().await {
        Ok(()) => Attempt::Committed(results),
        // Whatever the error says, the next attempt's receipt insert tells for sure.
        Err(e) => Attempt::Failed {
            past_receipt: true,
            in_doubt: Some(results),
            error: e.into(),
        },
    }
}

/// The upsert of an app's count for a day (`$1` appid, `$2` day, `$3` count).
const WRITE_COUNT: &str = "INSERT INTO link_daily_counts (appid, day, used) VALUES ($1, $2, $3) ON CONFLICT (appid, day) DO UPDATE SET used = excluded.used";
/// An app's count for a day (`$1` appid, `$2` day).
const READ_COUNT: &str = "SELECT used FROM link_daily_counts WHERE appid = $1 AND day = $2";

/// Reads the app's count for `day` (0 when no row).
pub(crate) async fn used_on(
    conn: &mut sqlx::AnyConnection,
    appid: &str,
    day: i64,
) -> Result<i64, Error> {
    let used: Option<i64> = sqlx::query_scalar(READ_COUNT)
        .bind(appid)
        .bind(day)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(used.unwrap_or(0))
}

/// The batch's work inside its transaction (PostgreSQL): apps locked in appid order, per
/// (app, day) the counter read once, each job decided by the core quota rule, accepted links
/// inserted under their pre-generated codes, the counter written.
async fn decide_and_insert(
    tx: &mut crate::WriteTx,
    jobs: &[(&NewLink, i64, i64)],
    codes: &[LinkCode],
) -> Result<Results, Error> {
    let mut answers = Answers::new(jobs.len());
    let mut locked: Option<&str> = None;
    for group in groups(jobs) {
        if locked != Some(group.appid) {
            if !crate::lock_app_row(Backend::Postgres, tx, group.appid).await? {
                answers.app_gone(&group);
                continue;
            }
            locked = Some(group.appid);
        }
        // Its own statement, after the lock: on PostgreSQL a statement that waited for the lock
        // still reads with the snapshot it started with, so a count read in the locking
        // statement itself could predate the other instance's commit (and the cap would leak).
        let start = used_on(tx, group.appid, group.day).await?;
        let (accepted, used) = answers.decide(&group, jobs, start);
        let rows: Vec<(&NewLink, LinkCode)> =
            accepted.iter().map(|&j| (jobs[j].0, codes[j])).collect();
        answers.inserted(&accepted, insert_many(tx, &rows).await?);
        if used != start {
            sqlx::query(WRITE_COUNT)
                .bind(group.appid)
                .bind(group.day)
                .bind(used)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(answers.finish())
}

/// The multi-row insert of `rows` links (1 ..= [`ROWS_PER_INSERT`]), built once per shape. SQLite
/// gets anonymous `?` placeholders: sqlx looks each named one (`$N`) up by
/// `sqlite3_bind_parameter_name`, a linear walk of the statement's parameter list, so binding a
/// wide statement by name costs time quadratic in its width.
fn insert_sql(backend: Backend, rows: usize) -> &'static str {
    use std::sync::LazyLock;
    static SQLITE: LazyLock<Vec<String>> = LazyLock::new(|| insert_sqls(|_| "?".to_owned()));
    static POSTGRES: LazyLock<Vec<String>> = LazyLock::new(|| insert_sqls(|i| format!("${i}")));
    let by_rows = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    &by_rows[rows]
}

/// The insert of 0 ..= [`ROWS_PER_INSERT`] rows, indexed by row count, with `placeholder(i)`
/// for the `i`-th parameter (from 1).
fn insert_sqls(placeholder: impl Fn(usize) -> String) -> Vec<String> {
    (0..=ROWS_PER_INSERT)
        .map(|n| {
            let values: Vec<String> = (0..n)
                .map(|r| {
                    let row: Vec<String> = (1..=7).map(|c| placeholder(r * 7 + c)).collect();
                    format!("({}, 0)", row.join(", "))
                })
                .collect();
            format!(
                "INSERT INTO links ({}) VALUES {} ON CONFLICT (code) DO NOTHING RETURNING code",
                super::LINK_COLUMNS,
                values.join(", ")
            )
        })
        .collect()
}

/// Inserts `rows` under their codes, many rows per statement; a row whose code clashed with
/// another link (not returned by `RETURNING`) is inserted again on its own with fresh codes.
async fn insert_many(
    tx: &mut crate::WriteTx,
    rows: &[(&NewLink, LinkCode)],
) -> Result<Vec<Link>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = insert_sql(Backend::Postgres, chunk.len());
        let mut query = sqlx::query_as::<_, (String,)>(sql);
        for (link, code) in chunk {
            query = query
                .bind(code.as_str())
                .bind(link.appid.as_str())
                .bind(link.host.as_str())
                .bind(&link.path)
                .bind(&link.query)
                .bind(link.created_at.get())
                .bind(link.expires_at.get());
        }
        let written: std::collections::HashSet<String> = query
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|(code,)| code)
            .collect();
        for (link, code) in chunk {
            if written.contains(code.as_str()) {
                out.push(stored(*code, link));
            } else {
                out.push(insert_one(tx, link).await?);
            }
        }
    }
    Ok(out)
}

/// Inserts `link` under a fresh code, retrying on a code clash.
async fn insert_one(tx: &mut crate::WriteTx, link: &NewLink) -> Result<Link, Error> {
    // The batch insert of one row: nothing (no row affected) on a code clash.
    let sql = insert_sql(Backend::Postgres, 1);
    for _ in 0..CODE_ATTEMPTS {
        let code = LinkCode::generate();
        let done = sqlx::query(sql)
            .bind(code.as_str())
            .bind(link.appid.as_str())
            .bind(link.host.as_str())
            .bind(&link.path)
            .bind(&link.query)
            .bind(link.created_at.get())
            .bind(link.expires_at.get())
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 1 {
            return Ok(stored(code, link));
        }
    }
    Err(Error::Conflict("no free link code after retries".into()))
}
