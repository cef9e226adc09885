//! Tasks and talents: load the task and its talents under a lock on the task row, let core
//! decide, apply. On SQLite the talents call runs on the writer's synchronous connection
//! ([`sqlite`]).

use crate::{Backend, Error, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::ids::new_id;
use dyopen_core::store::TaskStore;
use dyopen_core::task::{
    CancelOperator, CooperationState, DouyinId, NewTask, PageWindow, SubmissionError, Talent,
    TalentOp, TalentOutcome, TalentsError, Task, TaskError, TaskFilter, TaskState, TaskStatus,
    TaskType, MAX_IDS_PER_CALL,
};
use dyopen_core::StoreError;
use sqlx::{AnyConnection, FromRow};

mod sqlite;

pub(crate) const TASK_COLUMNS: &str = "task_id, appid, task_name, task_type, status, start_page, task_start_time, task_end_time, details, created_at, updated_at";
const TALENT_COLUMNS: &str =
    "douyin_id, seq, state, cancel_operator, video_id, created_at, updated_at";
/// The columns [`write_talents`] binds, in order.
const TALENT_WRITE_COLUMNS: &str =
    "task_id, douyin_id, seq, state, cancel_operator, video_id, created_at, updated_at";

/// A `tasks` row.
#[derive(sqlx::FromRow)]
pub(crate) struct TaskRow {
    task_id: i64,
    appid: String,
    task_name: String,
    task_type: i64,
    status: i64,
    start_page: String,
    task_start_time: i64,
    task_end_time: i64,
    /// [`dyopen_core::task::TaskDetails`] as JSON.
    details: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<TaskRow> for Task {
    type Error = Error;
    fn try_from(r: TaskRow) -> Result<Self, Error> {
        Ok(Task {
            task_id: r.task_id,
            appid: AppId::parse(&r.appid).map_err(|_| Error::Corrupt("corrupt task row: appid"))?,
            task_name: r.task_name,
            task_type: TaskType::from_code(r.task_type)
                .ok_or(Error::Corrupt("corrupt task row: task_type"))?,
            status: TaskStatus::from_code(r.status)
                .ok_or(Error::Corrupt("corrupt task row: status"))?,
            start_page: r.start_page,
            task_start_time: UnixSecs::new(r.task_start_time),
            task_end_time: UnixSecs::new(r.task_end_time),
            details: serde_json::from_str(&r.details)
                .map_err(|_| Error::Corrupt("corrupt task row: details"))?,
            created_at: UnixSecs::new(r.created_at),
            updated_at: UnixSecs::new(r.updated_at),
        })
    }
}

/// A `task_talents` row.
#[derive(sqlx::FromRow)]
struct TalentRow {
    douyin_id: String,
    seq: i64,
    state: i64,
    cancel_operator: i64,
    video_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<TalentRow> for Talent {
    type Error = Error;
    fn try_from(r: TalentRow) -> Result<Self, Error> {
        Ok(Talent {
            douyin_id: r.douyin_id,
            seq: r.seq,
            state: CooperationState::from_code(r.state)
                .ok_or(Error::Corrupt("corrupt task row: state"))?,
            cancel_operator: CancelOperator::from_code(r.cancel_operator)
                .ok_or(Error::Corrupt("corrupt task row: cancel_operator"))?,
            video_id: r.video_id,
            created_at: UnixSecs::new(r.created_at),
            updated_at: UnixSecs::new(r.updated_at),
        })
    }
}

/// The count column of [`load_named_talents`] and whether the row names a talent.
#[derive(sqlx::FromRow)]
struct CountedRow {
    total: i64,
    douyin_id: Option<String>,
}

async fn load_task(conn: &mut AnyConnection, task_id: i64) -> Result<Option<Task>, Error> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE task_id = $1");
    let row: Option<TaskRow> = sqlx::query_as(&sql)
        .bind(task_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(Task::try_from).transpose()
}

async fn load_talents(conn: &mut AnyConnection, task_id: i64) -> Result<Vec<Talent>, Error> {
    let sql = format!("SELECT {TALENT_COLUMNS} FROM task_talents WHERE task_id = $1 ORDER BY seq");
    let rows: Vec<TalentRow> = sqlx::query_as(&sql)
        .bind(task_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(Talent::try_from).collect()
}

/// The query of [`load_named_talents`] for `n` ids: `$1` the task, `$2`… the ids (one empty id
/// when `n` is 0). One row at least (the count), with the talent columns NULL when no id matches.
fn named_talents_sql(n: usize) -> String {
    let columns: Vec<String> = TALENT_COLUMNS
        .split(", ")
        .map(|c| format!("t.{c}"))
        .collect();
    let placeholders: Vec<String> = (0..n.max(1)).map(|i| format!("${}", i + 2)).collect();
    format!(
        "SELECT c.total, {} FROM (SELECT COUNT(*) AS total FROM task_talents WHERE task_id = $1) AS c \
         LEFT JOIN task_talents AS t ON t.task_id = $1 AND t.douyin_id IN ({})",
        columns.join(", "),
        placeholders.join(", ")
    )
}

/// The task's talents among `douyin_ids` (at most ten) and how many it has in all, in one query:
/// a call reads the rows it names, not the task's `MAX_TALENTS_PER_TASK`.
async fn load_named_talents(
    conn: &mut AnyConnection,
    task_id: i64,
    douyin_ids: &[String],
) -> Result<(Vec<Talent>, usize), Error> {
    let sql = named_talents_sql(douyin_ids.len());
    let mut query = sqlx::query(&sql).bind(task_id);
    if douyin_ids.is_empty() {
        query = query.bind(String::new());
    }
    for id in douyin_ids {
        query = query.bind(id.clone());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut total = 0;
    let mut named = Vec::with_capacity(rows.len());
    for row in &rows {
        let counted = CountedRow::from_row(row)?;
        total = counted.total;
        if counted.douyin_id.is_some() {
            named.push(Talent::try_from(TalentRow::from_row(row)?)?);
        }
    }
    Ok((named, usize::try_from(total).unwrap_or(0)))
}

/// The upsert of [`write_talents`] for `n` talents: eight parameters a row (`$1`… in
/// [`TALENT_WRITE_COLUMNS`] order), within both backends' limits for any allowed list.
fn write_talents_sql(n: usize) -> String {
    let mut sql = format!("INSERT INTO task_talents ({TALENT_WRITE_COLUMNS}) VALUES ");
    for i in 0..n {
        let p = i * 8;
        if i > 0 {
            sql.push_str(", ");
        }
        let row: Vec<String> = (1..=8).map(|c| format!("${}", p + c)).collect();
        sql.push('(');
        sql.push_str(&row.join(", "));
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (task_id, douyin_id) DO UPDATE SET seq = excluded.seq, state = excluded.state, \
         cancel_operator = excluded.cancel_operator, video_id = excluded.video_id, \
         created_at = excluded.created_at, updated_at = excluded.updated_at",
    );
    sql
}

/// Writes talents of one task — new ones inserted, known ones updated — in one statement (one
/// round trip to the database whatever their number; a call writes at most ten, a new task at
/// most its initial list).
async fn write_talents(
    tx: &mut crate::WriteTx,
    task_id: i64,
    talents: &[&Talent],
) -> Result<(), Error> {
    if talents.is_empty() {
        return Ok(());
    }
    let sql = write_talents_sql(talents.len());
    let mut query = sqlx::query(&sql);
    for talent in talents {
        query = query
            .bind(task_id)
            .bind(talent.douyin_id.clone())
            .bind(talent.seq)
            .bind(talent.state.code())
            .bind(talent.cancel_operator.code())
            .bind(talent.video_id.clone())
            .bind(talent.created_at.get())
            .bind(talent.updated_at.get());
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

impl SqlStore {
    /// Locks the task's row for the rest of `tx` (SQLite: the single writer already serialises)
    /// and loads it; `None` if it does not exist.
    pub(crate) async fn lock_task(
        &self,
        tx: &mut crate::WriteTx,
        task_id: i64,
    ) -> Result<Option<Task>, Error> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE task_id = $1{lock}");
        let row: Option<TaskRow> = sqlx::query_as(&sql)
            .bind(task_id)
            .fetch_optional(&mut **tx)
            .await?;
        row.map(Task::try_from).transpose()
    }
}

#[async_trait]
impl TaskStore for SqlStore {
    async fn task_create(
        &self,
        appid: &AppId,
        task: &NewTask,
        now: Timestamp,
    ) -> Result<Task, TaskError> {
        let stored = task.clone().into_task(new_id(now), appid.clone(), now);
        let details = serde_json::to_string(&stored.details).map_err(Error::from)?;
        let mut tx = self.begin().await?;
        let sql = format!(
            "INSERT INTO tasks ({TASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        sqlx::query(&sql)
            .bind(stored.task_id)
            .bind(appid.as_str())
            .bind(&stored.task_name)
            .bind(stored.task_type.code())
            .bind(stored.status.code())
            .bind(&stored.start_page)
            .bind(stored.task_start_time.get())
            .bind(stored.task_end_time.get())
            .bind(details)
            .bind(stored.created_at.get())
            .bind(stored.updated_at.get())
            .execute(&mut *tx)
            .await
            .map_err(Error::from)?;
        let talents: Vec<Talent> = task
            .douyin_ids
            .iter()
            .enumerate()
            .map(|(seq, id)| Talent {
                douyin_id: id.as_str().to_owned(),
                seq: seq as i64,
                state: CooperationState::Cooperating,
                cancel_operator: CancelOperator::Nobody,
                video_id: None,
                created_at: now.unix_secs(),
                updated_at: now.unix_secs(),
            })
            .collect();
        write_talents(&mut tx, stored.task_id, &talents.iter().collect::<Vec<_>>()).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(stored)
    }

    async fn task_set_status(
        &self,
        appid: &AppId,
        task_id: i64,
        status: TaskStatus,
        now: Timestamp,
    ) -> Result<Task, TaskError> {
        let mut tx = self.begin().await?;
        let task = self.lock_task(&mut tx, task_id).await?;
        let state = TaskState::new(task_id, task, Vec::new());
        let status = state.decide_status(appid, status, now)?;
        let mut task = state.task.ok_or(TaskError::UnknownTask)?;
        sqlx::query("UPDATE tasks SET status = $2, updated_at = $3 WHERE task_id = $1")
            .bind(task_id)
            .bind(status.code())
            .bind(now.secs())
            .execute(&mut *tx)
            .await
            .map_err(Error::from)?;
        tx.commit().await.map_err(Error::from)?;
        task.status = status;
        task.updated_at = now.unix_secs();
        Ok(task)
    }

    async fn task_search(
        &self,
        appid: &AppId,
        filter: &TaskFilter,
        window: PageWindow,
    ) -> Result<(Vec<Task>, u64), StoreError> {
        Ok(self.search_tasks(appid, filter, window).await?)
    }

    async fn task_ids(&self, appid: &AppId, filter: &TaskFilter) -> Result<Vec<i64>, StoreError> {
        Ok(self.search_task_ids(appid, filter).await?)
    }

    async fn task_get(&self, task_id: i64) -> Result<Option<Task>, StoreError> {
        let mut conn = self.read.acquire().await.map_err(Error::from)?;
        Ok(load_task(&mut conn, task_id).await?)
    }

    async fn task_talents(&self, task_id: i64) -> Result<Vec<Talent>, StoreError> {
        let mut conn = self.read.acquire().await.map_err(Error::from)?;
        Ok(load_talents(&mut conn, task_id).await?)
    }

    async fn talents_update(
        &self,
        appid: &AppId,
        task_id: i64,
        op: TalentOp,
        douyin_ids: &[String],
        now: Timestamp,
    ) -> Result<Vec<(String, TalentOutcome)>, TalentsError> {
        // Too many ids is refused by the rules whatever the rows; nothing to load for it.
        let load_named =
            |task: &Option<Task>| task.is_some() && douyin_ids.len() <= MAX_IDS_PER_CALL;
        let decide = |task, (talents, talent_count)| {
            let state = TaskState {
                task_id,
                task,
                talents,
                talent_count,
            };
            state.decide_talents(appid, op, douyin_ids, now)
        };
        if self.backend == Backend::Sqlite {
            // The whole transaction in one go on the calling thread (decision 0018).
            return self
                .writer
                .sqlite_tx(|tx| {
                    let task = sqlite::load_task(tx, task_id)?;
                    let named = match load_named(&task) {
                        true => sqlite::load_named_talents(tx, task_id, douyin_ids)?,
                        false => (Vec::new(), 0),
                    };
                    let decision = decide(task, named)?;
                    let writes: Vec<&Talent> = decision.writes.iter().map(|w| &w.talent).collect();
                    sqlite::write_talents(tx, task_id, &writes)?;
                    Ok(decision.results)
                })
                .await;
        }
        let mut tx = self.begin().await?;
        let task = self.lock_task(&mut tx, task_id).await?;
        let named = match load_named(&task) {
            true => load_named_talents(&mut tx, task_id, douyin_ids).await?,
            false => (Vec::new(), 0),
        };
        let decision = decide(task, named)?;
        let writes: Vec<&Talent> = decision.writes.iter().map(|w| &w.talent).collect();
        write_talents(&mut tx, task_id, &writes).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(decision.results)
    }

    async fn talent_submit(
        &self,
        task_id: i64,
        douyin_id: &DouyinId,
        video_id: Option<&str>,
        now: Timestamp,
    ) -> Result<Talent, SubmissionError> {
        let mut tx = self.begin().await?;
        let task = self.lock_task(&mut tx, task_id).await?;
        let talents = match &task {
            Some(_) => load_talents(&mut tx, task_id).await?,
            None => Vec::new(),
        };
        let state = TaskState::new(task_id, task, talents);
        let talent = state.decide_submission(douyin_id, video_id, now)?;
        write_talents(&mut tx, task_id, &[&talent]).await?;
        tx.commit().await.map_err(Error::from)?;
        Ok(talent)
    }
}
