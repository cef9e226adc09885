//! A link batch's attempt on SQLite's synchronous writer connection
//! ([`crate::writer::Writer::sqlite_run`]): receipt, apps, counts and inserts in one go, with
//! no hand-off to sqlx's worker thread per statement. The same SQL and the same decisions
//! ([`super::batch`]) as the PostgreSQL path; SQLite's single writer serialises, so apps are
//! read without a lock clause and a retry never waits for an earlier attempt.

use super::batch::{groups, stored, Answers};
use super::{
    insert_sql, receipts, Attempt, Results, CODE_ATTEMPTS, READ_COUNT, ROWS_PER_INSERT, WRITE_COUNT,
};
use crate::sqlite::{app_exists, numbered};
use crate::writer::{SyncRun, Writer};
use crate::{Backend, Error};
use dyopen_core::link::{Link, LinkCode, NewLink};
use rusqlite::{params, OptionalExtension, Transaction};

/// Why an attempt's work stopped: `past_receipt` as in [`Attempt::Failed`].
struct Stopped {
    past_receipt: bool,
    error: Error,
}

/// One attempt of a batch under `receipt`.
pub(super) async fn attempt_batch(
    writer: &Writer,
    jobs: &[(&NewLink, i64, i64)],
    codes: &[LinkCode],
    receipt: &str,
) -> Attempt {
    let ran = writer
        .sqlite_run(|tx| {
            let stop = |past_receipt| {
                move |error| Stopped {
                    past_receipt,
                    error,
                }
            };
            if !receipts::insert_sqlite(tx, receipt).map_err(stop(false))? {
                // An earlier attempt committed; nothing is written by this one.
                return Ok(None);
            }
            decide_and_insert(tx, jobs, codes)
                .map(Some)
                .map_err(stop(true))
        })
        .await;
    match ran {
        SyncRun::Committed(Some(results)) => Attempt::Committed(results),
        SyncRun::Committed(None) | SyncRun::CommitFailed(None, _) => Attempt::AlreadyCommitted,
        SyncRun::Failed(Stopped {
            past_receipt,
            error,
        }) => Attempt::Failed {
            past_receipt,
            in_doubt: None,
            error,
        },
        SyncRun::NotBegun(error) => Attempt::Failed {
            past_receipt: false,
            in_doubt: None,
            error,
        },
        // Whatever the error says, the next attempt's receipt insert tells for sure.
        SyncRun::CommitFailed(Some(results), error) => Attempt::Failed {
            past_receipt: true,
            in_doubt: Some(results),
            error,
        },
    }
}

/// [`super::decide_and_insert`] on the synchronous connection.
fn decide_and_insert(
    tx: &Transaction<'_>,
    jobs: &[(&NewLink, i64, i64)],
    codes: &[LinkCode],
) -> Result<Results, Error> {
    let mut answers = Answers::new(jobs.len());
    let mut known: Option<&str> = None;
    for group in groups(jobs) {
        if known != Some(group.appid) {
            if !app_exists(tx, group.appid)? {
                answers.app_gone(&group);
                continue;
            }
            known = Some(group.appid);
        }
        let start = used_on(tx, group.appid, group.day)?;
        let (accepted, used) = answers.decide(&group, jobs, start);
        let rows: Vec<(&NewLink, LinkCode)> =
            accepted.iter().map(|&j| (jobs[j].0, codes[j])).collect();
        answers.inserted(&accepted, insert_many(tx, &rows)?);
        if used != start {
            tx.prepare_cached(&numbered(WRITE_COUNT))?.execute(params![
                group.appid,
                group.day,
                used
            ])?;
        }
    }
    Ok(answers.finish())
}

/// [`super::used_on`] on the synchronous connection.
fn used_on(tx: &Transaction<'_>, appid: &str, day: i64) -> Result<i64, Error> {
    let used: Option<i64> = tx
        .prepare_cached(&numbered(READ_COUNT))?
        .query_row(params![appid, day], |row| row.get(0))
        .optional()?;
    Ok(used.unwrap_or(0))
}

/// [`super::insert_many`] on the synchronous connection.
fn insert_many(tx: &Transaction<'_>, rows: &[(&NewLink, LinkCode)]) -> Result<Vec<Link>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        // Anonymous `?` placeholders, bound by position.
        let mut stmt = tx.prepare_cached(insert_sql(Backend::Sqlite, chunk.len()))?;
        for (r, (link, code)) in chunk.iter().enumerate() {
            let p = r * 7;
            stmt.raw_bind_parameter(p + 1, code.as_str())?;
            stmt.raw_bind_parameter(p + 2, link.appid.as_str())?;
            stmt.raw_bind_parameter(p + 3, link.host.as_str())?;
            stmt.raw_bind_parameter(p + 4, link.path.as_str())?;
            stmt.raw_bind_parameter(p + 5, link.query.as_str())?;
            stmt.raw_bind_parameter(p + 6, link.created_at.get())?;
            stmt.raw_bind_parameter(p + 7, link.expires_at.get())?;
        }
        let mut written = std::collections::HashSet::with_capacity(chunk.len());
        let mut returned = stmt.raw_query();
        while let Some(row) = returned.next()? {
            written.insert(row.get::<_, String>(0)?);
        }
        drop(returned);
        for (link, code) in chunk {
            if written.contains(code.as_str()) {
                out.push(stored(*code, link));
            } else {
                out.push(insert_one(tx, link)?);
            }
        }
    }
    Ok(out)
}

/// [`super::insert_one`] on the synchronous connection.
fn insert_one(tx: &Transaction<'_>, link: &NewLink) -> Result<Link, Error> {
    // The batch insert of one row: it returns the code unless the code clashed.
    let mut stmt = tx.prepare_cached(insert_sql(Backend::Sqlite, 1))?;
    for _ in 0..CODE_ATTEMPTS {
        let code = LinkCode::generate();
        let inserted = stmt.exists(params![
            code.as_str(),
            link.appid.as_str(),
            link.host.as_str(),
            link.path.as_str(),
            link.query.as_str(),
            link.created_at.get(),
            link.expires_at.get(),
        ])?;
        if inserted {
            return Ok(stored(code, link));
        }
    }
    Err(Error::Conflict("no free link code after retries".into()))
}
