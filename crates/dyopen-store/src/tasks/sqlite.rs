//! The talents call's statements on SQLite's synchronous writer connection
//! ([`crate::writer::Writer::sqlite_tx`]): the same SQL as the sqlx path ([`super`]), numbered
//! `?N` placeholders, rows read by column name into the same row types. SQLite's single writer
//! already serialises, so the task is read without a lock clause.

use super::{named_talents_sql, write_talents_sql, TalentRow, TaskRow, TASK_COLUMNS};
use crate::sqlite::numbered;
use crate::Error;
use dyopen_core::task::{Talent, Task};
use rusqlite::{Row, Transaction};

impl TaskRow {
    fn from_sqlite(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            task_id: row.get("task_id")?,
            appid: row.get("appid")?,
            task_name: row.get("task_name")?,
            task_type: row.get("task_type")?,
            status: row.get("status")?,
            start_page: row.get("start_page")?,
            task_start_time: row.get("task_start_time")?,
            task_end_time: row.get("task_end_time")?,
            details: row.get("details")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }
}

impl TalentRow {
    fn from_sqlite(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            douyin_id: row.get("douyin_id")?,
            seq: row.get("seq")?,
            state: row.get("state")?,
            cancel_operator: row.get("cancel_operator")?,
            video_id: row.get("video_id")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
        })
    }
}

/// The task, `None` if it does not exist.
pub(super) fn load_task(tx: &Transaction<'_>, task_id: i64) -> Result<Option<Task>, Error> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE task_id = ?1");
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query([task_id])?;
    match rows.next()? {
        Some(row) => Ok(Some(Task::try_from(TaskRow::from_sqlite(row)?)?)),
        None => Ok(None),
    }
}

/// [`super::load_named_talents`] on the synchronous connection.
pub(super) fn load_named_talents(
    tx: &Transaction<'_>,
    task_id: i64,
    douyin_ids: &[String],
) -> Result<(Vec<Talent>, usize), Error> {
    let mut stmt = tx.prepare_cached(&numbered(&named_talents_sql(douyin_ids.len())))?;
    stmt.raw_bind_parameter(1, task_id)?;
    if douyin_ids.is_empty() {
        stmt.raw_bind_parameter(2, "")?;
    }
    for (i, id) in douyin_ids.iter().enumerate() {
        stmt.raw_bind_parameter(i + 2, id.as_str())?;
    }
    let mut rows = stmt.raw_query();
    let mut total: i64 = 0;
    let mut named = Vec::with_capacity(douyin_ids.len());
    while let Some(row) = rows.next()? {
        total = row.get("total")?;
        if row.get::<_, Option<String>>("douyin_id")?.is_some() {
            named.push(Talent::try_from(TalentRow::from_sqlite(row)?)?);
        }
    }
    Ok((named, usize::try_from(total).unwrap_or(0)))
}

/// [`super::write_talents`] on the synchronous connection.
pub(super) fn write_talents(
    tx: &Transaction<'_>,
    task_id: i64,
    talents: &[&Talent],
) -> Result<(), Error> {
    if talents.is_empty() {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached(&numbered(&write_talents_sql(talents.len())))?;
    for (i, talent) in talents.iter().enumerate() {
        let p = i * 8;
        stmt.raw_bind_parameter(p + 1, task_id)?;
        stmt.raw_bind_parameter(p + 2, talent.douyin_id.as_str())?;
        stmt.raw_bind_parameter(p + 3, talent.seq)?;
        stmt.raw_bind_parameter(p + 4, talent.state.code())?;
        stmt.raw_bind_parameter(p + 5, talent.cancel_operator.code())?;
        stmt.raw_bind_parameter(p + 6, talent.video_id.as_deref())?;
        stmt.raw_bind_parameter(p + 7, talent.created_at.get())?;
        stmt.raw_bind_parameter(p + 8, talent.updated_at.get())?;
    }
    stmt.raw_execute()?;
    Ok(())
}
