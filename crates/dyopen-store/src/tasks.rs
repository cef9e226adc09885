//! Tasks and talents: load the task and its talents under a lock on the task row, let core
//! decide, apply.

use crate::{backend_err, Backend, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::clock::Timestamp;
use dyopen_core::ids::new_id;
use dyopen_core::store::TaskStore;
use dyopen_core::task::{
    CancelOperator, CooperationState, DouyinId, NewTask, PageWindow, SubmissionError, Talent,
    TalentOp, TalentOutcome, TalentsError, Task, TaskError, TaskFilter, TaskState, TaskStatus,
    TaskType, MAX_IDS_PER_CALL,
};
use dyopen_core::StoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row, Transaction};

pub(crate) const TASK_COLUMNS: &str = "task_id, appid, task_name, task_type, status, start_page, task_start_time, task_end_time, details, created_at, updated_at";
const TALENT_COLUMNS: &str =
    "douyin_id, seq, state, cancel_operator, video_id, created_at, updated_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("corrupt task row: {what}"))
}

pub(crate) fn task_from_row(row: &AnyRow) -> Result<Task, StoreError> {
    let appid: String = row.try_get("appid").map_err(backend_err)?;
    let details: String = row.try_get("details").map_err(backend_err)?;
    let task_type: i64 = row.try_get("task_type").map_err(backend_err)?;
    let status: i64 = row.try_get("status").map_err(backend_err)?;
    Ok(Task {
        task_id: row.try_get("task_id").map_err(backend_err)?,
        appid: AppId::parse(&appid).map_err(|_| corrupt("appid"))?,
        task_name: row.try_get("task_name").map_err(backend_err)?,
        task_type: TaskType::from_code(task_type).ok_or_else(|| corrupt("task_type"))?,
        status: TaskStatus::from_code(status).ok_or_else(|| corrupt("status"))?,
        start_page: row.try_get("start_page").map_err(backend_err)?,
        task_start_time: row.try_get("task_start_time").map_err(backend_err)?,
        task_end_time: row.try_get("task_end_time").map_err(backend_err)?,
        details: serde_json::from_str(&details).map_err(|_| corrupt("details"))?,
        created_at: row.try_get("created_at").map_err(backend_err)?,
        updated_at: row.try_get("updated_at").map_err(backend_err)?,
    })
}

fn talent_from_row(row: &AnyRow) -> Result<Talent, StoreError> {
    let state: i64 = row.try_get("state").map_err(backend_err)?;
    let operator: i64 = row.try_get("cancel_operator").map_err(backend_err)?;
    Ok(Talent {
        douyin_id: row.try_get("douyin_id").map_err(backend_err)?,
        seq: row.try_get("seq").map_err(backend_err)?,
        state: CooperationState::from_code(state).ok_or_else(|| corrupt("state"))?,
        cancel_operator: CancelOperator::from_code(operator)
            .ok_or_else(|| corrupt("cancel_operator"))?,
        video_id: row.try_get("video_id").map_err(backend_err)?,
        created_at: row.try_get("created_at").map_err(backend_err)?,
        updated_at: row.try_get("updated_at").map_err(backend_err)?,
    })
}

async fn load_task(conn: &mut AnyConnection, task_id: i64) -> Result<Option<Task>, StoreError> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE task_id = $1");
    let row = sqlx::query(&sql)
        .bind(task_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend_err)?;
    row.as_ref().map(task_from_row).transpose()
}

async fn load_talents(conn: &mut AnyConnection, task_id: i64) -> Result<Vec<Talent>, StoreError> {
    let sql = format!("SELECT {TALENT_COLUMNS} FROM task_talents WHERE task_id = $1 ORDER BY seq");
    let rows = sqlx::query(&sql)
        .bind(task_id)
        .fetch_all(&mut *conn)
        .await
        .map_err(backend_err)?;
    rows.iter().map(talent_from_row).collect()
}

/// The task's talents among `douyin_ids` (at most ten) and how many it has in all, in one query:
/// a call reads the rows it names, not the task's two hundred.
async fn load_named_talents(
    conn: &mut AnyConnection,
    task_id: i64,
    douyin_ids: &[String],
) -> Result<(Vec<Talent>, usize), StoreError> {
    let columns: Vec<String> = TALENT_COLUMNS
        .split(", ")
        .map(|c| format!("t.{c}"))
        .collect();
    let placeholders: Vec<String> = (0..douyin_ids.len().max(1))
        .map(|i| format!("${}", i + 2))
        .collect();
    // One row at least (the count), with the talent columns NULL when no id matches.
    let sql = format!(
        "SELECT c.total, {} FROM (SELECT COUNT(*) AS total FROM task_talents WHERE task_id = $1) AS c \
         LEFT JOIN task_talents AS t ON t.task_id = $1 AND t.douyin_id IN ({})",
        columns.join(", "),
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(task_id);
    if douyin_ids.is_empty() {
        query = query.bind(String::new());
    }
    for id in douyin_ids {
        query = query.bind(id.clone());
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(backend_err)?;
    let mut total = 0;
    let mut named = Vec::with_capacity(rows.len());
    for row in &rows {
        total = row.try_get::<i64, _>("total").map_err(backend_err)?;
        if row
            .try_get::<Option<String>, _>("douyin_id")
            .map_err(backend_err)?
            .is_some()
        {
            named.push(talent_from_row(row)?);
        }
    }
    Ok((named, usize::try_from(total).unwrap_or(0)))
}

/// Writes talents of one task — new ones inserted, known ones updated — in one statement (one
/// round trip to the database whatever their number; a call writes at most ten, a new task at
/// most its initial list).
async fn write_talents(
    tx: &mut Transaction<'static, Any>,
    task_id: i64,
    talents: &[&Talent],
) -> Result<(), StoreError> {
    if talents.is_empty() {
        return Ok(());
    }
    // Eight parameters a row, within both backends' limits for any allowed list.
    let mut sql = String::from(
        "INSERT INTO task_talents (task_id, douyin_id, seq, state, cancel_operator, video_id, created_at, updated_at) VALUES ",
    );
    for i in 0..talents.len() {
        let p = i * 8;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6,
            p + 7,
            p + 8
        ));
    }
    sql.push_str(
        " ON CONFLICT (task_id, douyin_id) DO UPDATE SET seq = excluded.seq, state = excluded.state, \
         cancel_operator = excluded.cancel_operator, video_id = excluded.video_id, \
         created_at = excluded.created_at, updated_at = excluded.updated_at",
    );
    let mut query = sqlx::query(&sql);
    for talent in talents {
        query = query
            .bind(task_id)
            .bind(talent.douyin_id.clone())
            .bind(talent.seq)
            .bind(talent.state.code())
            .bind(talent.cancel_operator.code())
            .bind(talent.video_id.clone())
            .bind(talent.created_at)
            .bind(talent.updated_at);
    }
    query.execute(&mut **tx).await.map_err(backend_err)?;
    Ok(())
}

impl SqlStore {
    /// Locks the task's row for the rest of `tx` (SQLite: the single writer already serialises)
    /// and loads it; `None` if it does not exist.
    pub(crate) async fn lock_task(
        &self,
        tx: &mut Transaction<'static, Any>,
        task_id: i64,
    ) -> Result<Option<Task>, StoreError> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE task_id = $1{lock}");
        let row = sqlx::query(&sql)
            .bind(task_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(backend_err)?;
        row.as_ref().map(task_from_row).transpose()
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
        let details = serde_json::to_string(&stored.details)
            .map_err(|e| StoreError::Backend(e.to_string()))?;
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
            .bind(stored.task_start_time)
            .bind(stored.task_end_time)
            .bind(details)
            .bind(stored.created_at)
            .bind(stored.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
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
                created_at: now.secs(),
                updated_at: now.secs(),
            })
            .collect();
        write_talents(&mut tx, stored.task_id, &talents.iter().collect::<Vec<_>>()).await?;
        tx.commit().await.map_err(backend_err)?;
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
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        task.status = status;
        task.updated_at = now.secs();
        Ok(task)
    }

    async fn task_search(
        &self,
        appid: &AppId,
        filter: &TaskFilter,
        window: PageWindow,
    ) -> Result<(Vec<Task>, u64), StoreError> {
        self.search_tasks(appid, filter, window).await
    }

    async fn task_ids(&self, appid: &AppId, filter: &TaskFilter) -> Result<Vec<i64>, StoreError> {
        self.search_task_ids(appid, filter).await
    }

    async fn task_get(&self, task_id: i64) -> Result<Option<Task>, StoreError> {
        let mut conn = self.read.acquire().await.map_err(backend_err)?;
        load_task(&mut conn, task_id).await
    }

    async fn task_talents(&self, task_id: i64) -> Result<Vec<Talent>, StoreError> {
        let mut conn = self.read.acquire().await.map_err(backend_err)?;
        load_talents(&mut conn, task_id).await
    }

    async fn talents_update(
        &self,
        appid: &AppId,
        task_id: i64,
        op: TalentOp,
        douyin_ids: &[String],
        now: Timestamp,
    ) -> Result<Vec<(String, TalentOutcome)>, TalentsError> {
        let mut tx = self.begin().await?;
        let task = self.lock_task(&mut tx, task_id).await?;
        // Too many ids is refused by the rules whatever the rows; nothing to load for it.
        let (talents, talent_count) = match &task {
            Some(_) if douyin_ids.len() <= MAX_IDS_PER_CALL => {
                load_named_talents(&mut tx, task_id, douyin_ids).await?
            }
            _ => (Vec::new(), 0),
        };
        let state = TaskState {
            task_id,
            task,
            talents,
            talent_count,
        };
        let decision = state.decide_talents(appid, op, douyin_ids, now)?;
        let writes: Vec<&Talent> = decision.writes.iter().map(|w| &w.talent).collect();
        write_talents(&mut tx, task_id, &writes).await?;
        tx.commit().await.map_err(backend_err)?;
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
        tx.commit().await.map_err(backend_err)?;
        Ok(talent)
    }
}
