//! Task listings in SQL: a core [`TaskFilter`] becomes a `WHERE` clause and a [`PageWindow`] a
//! `LIMIT`/`OFFSET` over task ids, so a query loads only the tasks of its page, never all of an
//! app's tasks. The order is core's `newest_first` (creation time, then id, both descending).

use crate::tasks::{TaskRow, TASK_COLUMNS};
use crate::{Backend, Error, SqlStore};
use dyopen_core::app::AppId;
use dyopen_core::task::{PageWindow, Task, TaskFilter, TaskMatch};
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::Any;

/// `dyopen_core::task::newest_first` in SQL.
const NEWEST_FIRST: &str = "ORDER BY created_at DESC, task_id DESC";

/// A bound value of a generated statement.
enum Arg {
    Int(i64),
    Text(String),
}

/// A `WHERE` clause being built, with `$n` placeholders, and its values.
struct Where {
    sql: String,
    args: Vec<Arg>,
}

impl Where {
    /// Adds `cond`, whose one `?` stands for `arg`.
    fn and(&mut self, cond: &str, arg: Arg) {
        self.args.push(arg);
        self.sql.push_str(" AND ");
        self.sql
            .push_str(&cond.replace('?', &format!("${}", self.args.len())));
    }
}

/// The `WHERE` conditions of `filter` for `appid`, with `$n` placeholders, and their values.
fn conditions(backend: Backend, appid: &AppId, filter: &TaskFilter) -> (String, Vec<Arg>) {
    let mut w = Where {
        sql: String::from("appid = $1"),
        args: vec![Arg::Text(appid.as_str().to_owned())],
    };
    match &filter.by {
        TaskMatch::Any => {}
        TaskMatch::Id(id) => w.and("task_id = ?", Arg::Int(*id)),
        // Exact, case-sensitive substring, like `str::contains` (LIKE would fold ASCII case on
        // SQLite and treat `%`/`_` as wildcards).
        TaskMatch::NameContains(part) => w.and(
            match backend {
                Backend::Sqlite => "instr(task_name, ?) > 0",
                Backend::Postgres => "strpos(task_name, ?) > 0",
            },
            Arg::Text(part.clone()),
        ),
        TaskMatch::StartPage(page) => w.and("start_page = ?", Arg::Text(page.clone())),
        TaskMatch::Nothing => w.sql.push_str(" AND 1 = 0"),
    }
    if let Some(kind) = filter.task_type {
        w.and("task_type = ?", Arg::Int(kind.code()));
    }
    if let Some((from, to)) = filter.created_between {
        w.and("created_at >= ?", Arg::Int(from.get()));
        w.and("created_at <= ?", Arg::Int(to.get()));
    }
    (w.sql, w.args)
}

/// Binds `args` in order to a query built with [`sqlx::query_as`] or [`sqlx::query_scalar`].
fn bind_all<'q, O>(
    mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    args: &[Arg],
) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(*v),
            Arg::Text(v) => query.bind(v.clone()),
        };
    }
    query
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl SqlStore {
    /// See `TaskStore::task_search`.
    pub(crate) async fn search_tasks(
        &self,
        appid: &AppId,
        filter: &TaskFilter,
        window: PageWindow,
    ) -> Result<(Vec<Task>, u64), Error> {
        let (cond, args) = conditions(self.backend, appid, filter);
        // One snapshot for the count and the page (SQLite: a deferred read transaction in WAL;
        // PostgreSQL: repeatable read).
        let mut tx = match self.backend {
            Backend::Sqlite => self.read.begin().await,
            Backend::Postgres => {
                self.read
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await
            }
        }?;
        let count_sql = format!("SELECT COUNT(*) AS n FROM tasks WHERE {cond}");
        let (total,): (i64,) = bind_all(sqlx::query_as(&count_sql), &args)
            .fetch_one(&mut *tx)
            .await?;
        let n = args.len();
        // The inner query orders and cuts ids only (an index walk), so the wide rows of the
        // tasks outside the page are never read.
        let page_sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE task_id IN (SELECT task_id FROM tasks WHERE {cond} {NEWEST_FIRST} LIMIT ${} OFFSET ${}) {NEWEST_FIRST}",
            n + 1,
            n + 2
        );
        let rows: Vec<TaskRow> = bind_all(sqlx::query_as(&page_sql), &args)
            .bind(clamp(window.limit))
            .bind(clamp(window.offset))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let tasks = rows
            .into_iter()
            .map(Task::try_from)
            .collect::<Result<_, _>>()?;
        Ok((tasks, u64::try_from(total).unwrap_or(0)))
    }

    /// See `TaskStore::task_ids`.
    pub(crate) async fn search_task_ids(
        &self,
        appid: &AppId,
        filter: &TaskFilter,
    ) -> Result<Vec<i64>, Error> {
        let (cond, args) = conditions(self.backend, appid, filter);
        let sql = format!("SELECT task_id FROM tasks WHERE {cond} {NEWEST_FIRST}");
        let rows: Vec<(i64,)> = bind_all(sqlx::query_as(&sql), &args)
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
