//! `dyopen task create|status|list`: the v2 task APIs.

use super::config::{GlobalArgs, Settings};
use super::output;
use clap::{Args, Subcommand, ValueEnum};
use dyopen_client::wire::ids::FlexInt;
use dyopen_client::wire::task::{AddTaskRequest, QueryTaskInfoRequest};
use dyopen_client::TaskStatus;
use serde_json::json;

/// `dyopen task …`.
#[derive(Debug, Args)]
pub struct TaskCmd {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    action: TaskAction,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Status {
    Running,
    Paused,
    Terminated,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Category {
    Public,
    Exclusive,
}

#[derive(Debug, Subcommand)]
enum TaskAction {
    /// Create a task; prints its id
    Create {
        /// Task name
        #[arg(long)]
        name: String,
        /// A published page of the app
        #[arg(long)]
        start_page: String,
        /// Start (Unix seconds) [default: now]
        #[arg(long)]
        start: Option<i64>,
        /// End (Unix seconds) [default: start + --days]
        #[arg(long)]
        end: Option<i64>,
        /// Length in days when --end is not given
        #[arg(long, default_value_t = 30)]
        days: i64,
        /// Talents of an exclusive task (at most 10; add more with `dyopen talents add`)
        #[arg(long, value_delimiter = ',')]
        douyin_ids: Vec<String>,
        /// Exclusive task even without --douyin-ids
        #[arg(long)]
        exclusive: bool,
        /// Description
        #[arg(long)]
        desc: Option<String>,
    },
    /// Run, pause or terminate (final) a task
    Status {
        /// Task id
        task_id: u64,
        /// New status
        #[arg(value_enum)]
        status: Status,
    },
    /// List the app's tasks, newest first
    List {
        /// Only tasks whose name contains this
        #[arg(long, default_value = "")]
        name: String,
        /// Only public or exclusive tasks
        #[arg(long, value_enum)]
        category: Option<Category>,
        /// 1-based page
        #[arg(long, default_value_t = 1)]
        page: i64,
        /// Tasks per page (1-50)
        #[arg(long, default_value_t = 50)]
        page_size: i64,
    },
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn status_text(code: i64) -> &'static str {
    match code {
        1 => "running",
        2 => "paused",
        3 => "terminated",
        _ => "?",
    }
}

impl TaskCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command.
    pub async fn run(self) -> anyhow::Result<()> {
        let s = Settings::resolve(&self.global)?;
        let client = s.client()?;
        match self.action {
            TaskAction::Create {
                name,
                start_page,
                start,
                end,
                days,
                douyin_ids,
                exclusive,
                desc,
            } => {
                let start = start.unwrap_or_else(now);
                let end = end.unwrap_or(start.saturating_add(days.saturating_mul(86_400)));
                let req = AddTaskRequest {
                    task_name: Some(name),
                    start_page: Some(start_page),
                    task_start_time: Some(FlexInt(start)),
                    task_end_time: Some(FlexInt(end)),
                    douyin_ids: (!douyin_ids.is_empty()).then_some(douyin_ids),
                    task_type: exclusive.then_some(FlexInt(2)),
                    task_desc: desc,
                    ..Default::default()
                };
                let id = client.task_add(&req).await?;
                if s.json {
                    return output::json(&json!({"task_id": id.to_string()}));
                }
                outln!("{id}");
            }
            TaskAction::Status { task_id, status } => {
                let (st, text) = match status {
                    Status::Running => (TaskStatus::Running, "running"),
                    Status::Paused => (TaskStatus::Paused, "paused"),
                    Status::Terminated => (TaskStatus::Terminated, "terminated"),
                };
                client.task_update_status(task_id, st).await?;
                if s.json {
                    return output::json(&json!({"task_id": task_id.to_string(), "status": text}));
                }
                outln!("task {task_id} is {text}");
            }
            TaskAction::List {
                name,
                category,
                page,
                page_size,
            } => {
                let req = QueryTaskInfoRequest {
                    page_no: Some(FlexInt(page)),
                    page_size: Some(FlexInt(page_size)),
                    task_category: category.map(|c| match c {
                        Category::Public => FlexInt(1),
                        Category::Exclusive => FlexInt(2),
                    }),
                    query_params_type: Some(FlexInt(2)),
                    query_params_content: Some(name),
                    ..Default::default()
                };
                let data = client.task_query_info(&req).await?;
                if s.json {
                    return output::json(&data);
                }
                let rows: Vec<Vec<String>> = data
                    .tasks
                    .iter()
                    .map(|t| {
                        vec![
                            t.task_id.to_string(),
                            t.task_name.clone(),
                            if t.task_type == 2 {
                                "exclusive"
                            } else {
                                "public"
                            }
                            .into(),
                            status_text(t.status).into(),
                            t.start_page.clone(),
                            t.oriented_talent_rel_list.len().to_string(),
                        ]
                    })
                    .collect();
                outln!(
                    "{}",
                    output::table(
                        &["TASK_ID", "NAME", "TYPE", "STATUS", "START_PAGE", "TALENTS"],
                        &rows
                    )
                );
                outln!(
                    "({} of {} tasks, page {page} of {})",
                    data.tasks.len(),
                    data.total,
                    data.page_count
                );
            }
        }
        Ok(())
    }
}
