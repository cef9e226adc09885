//! Tasks: an app's tasks with their status and talent counts, the create form (`add_task`'s
//! rules), and one task's page: its talents and their states (as a chart too), add/cancel
//! talents (`update_orient_talents`' rules, one result per id), record a submission, pause,
//! resume or terminate. Every write is the open or admin API's own core call.

use super::charts::{self, Bar};
use super::paths::{self, fill};
use super::session::{ConsoleForm, Session};
use super::view::{load_app, page_window, platform_text, AppTab, Chrome, Pager};
use crate::api::task::convert;
use crate::http::ApiError;
use crate::state::AppState;
use crate::timefmt::{beijing_local_input, beijing_minute, parse_beijing_local};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dyopen_core::app::App;
use dyopen_core::task::{
    check_video_id, task_id_from_wire, CooperationState, DouyinId, NewTask, PageWindow, Task,
    TaskDraft, TaskFilter, TaskStatus,
};
use dyopen_wire::dialect::{Open, Talents};
use serde::Deserialize;

const PAGE_SIZE: u64 = 20;

fn state_label(s: CooperationState) -> &'static str {
    match s {
        CooperationState::Cooperating => "1 合作中 Cooperating",
        CooperationState::Cancelled => "2 已取消 Cancelled",
        CooperationState::Submitted => "3 已投稿 Submitted",
    }
}

fn status_label(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Running => "1 进行中 Running",
        TaskStatus::Paused => "2 已暂停 Paused",
        TaskStatus::Terminated => "3 已终止 Terminated",
    }
}

/// A row of the tasks table.
pub struct TaskRow {
    id: String,
    href: String,
    name: String,
    exclusive: bool,
    status: &'static str,
    status_code: i64,
    ends: String,
    cooperating: usize,
    cancelled: usize,
    submitted: usize,
}

#[derive(Template)]
#[template(path = "console/tasks.html")]
struct TasksPage {
    chrome: Chrome,
    rows: Vec<TaskRow>,
    total: u64,
    pager: Pager,
    action: String,
    pages: Vec<String>,
    default_start: String,
    default_end: String,
}

async fn tasks_page(
    state: &AppState,
    session: &Session,
    app: &App,
    page: Option<u64>,
) -> Result<TasksPage, Response> {
    let (page, offset) = page_window(page, PAGE_SIZE);
    let now = state.clock.now();
    let window = PageWindow {
        offset,
        limit: PAGE_SIZE,
    };
    let (tasks, total) = state
        .store
        .task_search(&app.appid, &TaskFilter::all(), window)
        .await
        .map_err(super::storage_failed)?;
    let mut rows = Vec::with_capacity(tasks.len());
    for t in &tasks {
        let talents = state
            .store
            .task_talents(t.task_id)
            .await
            .map_err(super::storage_failed)?;
        let count = |s| talents.iter().filter(|x| x.state == s).count();
        let status = t.effective_status(now);
        let code = convert::wire_status(status).code();
        rows.push(TaskRow {
            id: t.task_id.to_string(),
            href: fill(paths::TASK, &[&t.task_id.to_string()]),
            name: t.task_name.clone(),
            exclusive: t.task_type.code() == 2,
            status: status_label(status),
            status_code: code,
            ends: beijing_minute(t.task_end_time),
            cooperating: count(CooperationState::Cooperating),
            cancelled: count(CooperationState::Cancelled),
            submitted: count(CooperationState::Submitted),
        });
    }
    let id = app.appid.as_str();
    let link = |n: u64| format!("{}?page={n}", fill(paths::TASKS, &[id]));
    Ok(TasksPage {
        chrome: Chrome::for_app(state, session, app, AppTab::Tasks),
        rows,
        total,
        pager: Pager::new(page, PAGE_SIZE, total, link),
        action: fill(paths::TASKS, &[id]),
        pages: app.pages.to_strings(),
        default_start: beijing_local_input(now.unix_secs()),
        default_end: beijing_local_input(now.unix_secs() + dyopen_core::clock::Seconds::days(7)),
    })
}

/// `?page=`.
#[derive(Deserialize)]
pub struct Paging {
    page: Option<u64>,
}

/// `GET /console/apps/{appid}/tasks`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Path(appid): Path<String>,
    Query(q): Query<Paging>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    match tasks_page(&state, &session, &app, q.page).await {
        Ok(p) => super::render(StatusCode::OK, &p),
        Err(r) => r,
    }
}

/// The create form.
#[derive(Deserialize)]
pub struct CreateForm {
    task_name: String,
    start_page: String,
    start: String,
    end: String,
    #[serde(default)]
    douyin_ids: String,
    #[serde(default)]
    exclusive: Option<String>,
}

fn ids(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '\u{FF0C}')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `POST /console/apps/{appid}/tasks`: `add_task`'s rules.
pub async fn create(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<CreateForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let douyin_ids = ids(&form.douyin_ids);
    let draft = TaskDraft {
        task_name: Some(form.task_name),
        start_page: Some(form.start_page),
        task_start_time: parse_beijing_local(&form.start),
        task_end_time: parse_beijing_local(&form.end),
        task_type: form.exclusive.is_some().then_some(2),
        douyin_ids: (!douyin_ids.is_empty()).then_some(douyin_ids),
        details: Default::default(),
    };
    let made =
        match NewTask::parse(draft, now).and_then(|cmd| cmd.check_page(&app.pages).map(|()| cmd)) {
            Ok(cmd) => state.store.task_create(&app.appid, &cmd, now).await,
            Err(e) => Err(e),
        };
    match made {
        Ok(task) => Redirect::to(&fill(paths::TASK, &[&task.task_id.to_string()])).into_response(),
        Err(e) => {
            let api = ApiError::<Open>::from(e);
            match tasks_page(&state, &session, &app, None).await {
                Ok(mut p) => {
                    p.chrome = p.chrome.error(platform_text(api.code, &api.message));
                    super::render(StatusCode::UNPROCESSABLE_ENTITY, &p)
                }
                Err(r) => r,
            }
        }
    }
}

/// A talent row.
pub struct TalentRow {
    douyin_id: String,
    state: &'static str,
    state_code: i64,
    video_id: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "console/task.html")]
struct TaskPage {
    chrome: Chrome,
    task: Task,
    id: String,
    exclusive: bool,
    status: &'static str,
    status_code: i64,
    starts: String,
    ends: String,
    talents: Vec<TalentRow>,
    counts: Vec<(&'static str, i64)>,
    chart_svg: String,
    status_action: String,
    talents_action: String,
    submission_action: String,
    results: Vec<(String, String)>,
}

fn parse_id(raw: &str) -> Option<i64> {
    raw.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| raw.parse::<u64>().ok())
        .flatten()
        .and_then(task_id_from_wire)
}

async fn task_page(state: &AppState, session: &Session, raw: &str) -> Result<TaskPage, Response> {
    let id = parse_id(raw).ok_or_else(|| super::not_found(raw))?;
    let task = state
        .store
        .task_get(id)
        .await
        .map_err(super::storage_failed)?
        .ok_or_else(|| super::not_found(raw))?;
    let app = load_app(state, task.appid.as_str()).await?;
    let talents = state
        .store
        .task_talents(id)
        .await
        .map_err(super::storage_failed)?;
    let now = state.clock.now();
    let states = [
        CooperationState::Cooperating,
        CooperationState::Cancelled,
        CooperationState::Submitted,
    ];
    let counts: Vec<(&'static str, i64)> = states
        .iter()
        .map(|s| {
            (
                state_label(*s),
                talents.iter().filter(|t| t.state == *s).count() as i64,
            )
        })
        .collect();
    let bars: Vec<Bar> = counts
        .iter()
        .map(|(l, n)| Bar {
            label: l.split(' ').nth(2).unwrap_or(l).to_owned(),
            value: *n,
        })
        .collect();
    let status = task.effective_status(now);
    let code = convert::wire_status(status).code();
    let mut chrome = Chrome::for_app(state, session, &app, AppTab::Tasks);
    chrome.title = format!("任务 Task · {}", task.task_name);
    Ok(TaskPage {
        chrome,
        id: raw.to_owned(),
        exclusive: task.task_type.code() == 2,
        status: status_label(status),
        status_code: code,
        starts: beijing_minute(task.task_start_time),
        ends: beijing_minute(task.task_end_time),
        talents: talents
            .iter()
            .map(|t| TalentRow {
                douyin_id: t.douyin_id.clone(),
                state: state_label(t.state),
                state_code: t.state.code(),
                video_id: t.video_id.clone().unwrap_or_default(),
                updated: beijing_minute(t.updated_at),
            })
            .collect(),
        chart_svg: charts::bar_chart(&bars, "达人状态 Talents per state", 3),
        counts,
        status_action: fill(paths::TASK_STATUS, &[raw]),
        talents_action: fill(paths::TASK_TALENTS, &[raw]),
        submission_action: fill(paths::TASK_SUBMISSION, &[raw]),
        results: Vec::new(),
        task,
    })
}

/// `GET /console/tasks/{task_id}`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(raw): Path<String>,
) -> Response {
    match task_page(&state, &session, &raw).await {
        Ok(p) => super::render(StatusCode::OK, &p),
        Err(r) => r,
    }
}

async fn task_with(
    state: &AppState,
    session: &Session,
    raw: &str,
    error: Option<String>,
    results: Vec<(String, String)>,
) -> Response {
    match task_page(state, session, raw).await {
        Ok(mut p) => {
            let status = if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            if let Some(e) = error {
                p.chrome = p.chrome.error(e);
            }
            p.results = results;
            super::render(status, &p)
        }
        Err(r) => r,
    }
}

/// The status form.
#[derive(Deserialize)]
pub struct StatusForm {
    task_status: i64,
}

/// `POST /console/tasks/{task_id}/status`: `update_status`' rules (terminated is final).
pub async fn set_status(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ConsoleForm(session, form): ConsoleForm<StatusForm>,
) -> Response {
    let Some(id) = parse_id(&raw) else {
        return super::not_found(&raw);
    };
    let task = match state.store.task_get(id).await {
        Ok(Some(t)) => t,
        Ok(None) => return super::not_found(&raw),
        Err(e) => return super::storage_failed(e),
    };
    let done = match convert::task_status(Some(form.task_status)) {
        Ok(status) => state
            .store
            .task_set_status(&task.appid, id, status, state.clock.now())
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Redirect::to(&fill(paths::TASK, &[&raw])).into_response(),
        Err(e) => {
            let api = ApiError::<Open>::from(e);
            task_with(
                &state,
                &session,
                &raw,
                Some(platform_text(api.code, &api.message)),
                Vec::new(),
            )
            .await
        }
    }
}

/// The talents form.
#[derive(Deserialize)]
pub struct TalentsForm {
    op_type: i64,
    douyin_ids: String,
}

/// `POST /console/tasks/{task_id}/talents`: `update_orient_talents`' rules.
pub async fn talents(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ConsoleForm(session, form): ConsoleForm<TalentsForm>,
) -> Response {
    let Some(id) = parse_id(&raw) else {
        return super::not_found(&raw);
    };
    let task = match state.store.task_get(id).await {
        Ok(Some(t)) => t,
        Ok(None) => return super::not_found(&raw),
        Err(e) => return super::storage_failed(e),
    };
    let outcome = match convert::talent_op(form.op_type) {
        Ok(op) => {
            state
                .store
                .talents_update(
                    &task.appid,
                    id,
                    op,
                    &ids(&form.douyin_ids),
                    state.clock.now(),
                )
                .await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(results) => {
            let results = results
                .into_iter()
                .map(|(d, o)| (d, o.text().to_owned()))
                .collect();
            task_with(&state, &session, &raw, None, results).await
        }
        Err(e) => {
            let api = ApiError::<Talents>::from(e);
            task_with(
                &state,
                &session,
                &raw,
                Some(platform_text(api.code, &api.message)),
                Vec::new(),
            )
            .await
        }
    }
}

/// The submission form.
#[derive(Deserialize)]
pub struct SubmissionForm {
    douyin_id: String,
    #[serde(default)]
    video_id: String,
}

/// `POST /console/tasks/{task_id}/submissions`: the admin API's submission rule.
pub async fn submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ConsoleForm(session, form): ConsoleForm<SubmissionForm>,
) -> Response {
    let Some(id) = parse_id(&raw) else {
        return super::not_found(&raw);
    };
    let video = Some(form.video_id.trim()).filter(|v| !v.is_empty());
    let done = match DouyinId::parse(form.douyin_id.trim()) {
        None => Err(dyopen_core::task::SubmissionError::BadDouyinId),
        Some(douyin_id) => match check_video_id(video) {
            Ok(()) => state
                .store
                .talent_submit(id, &douyin_id, video, state.clock.now())
                .await
                .map(drop),
            Err(e) => Err(e),
        },
    };
    match done {
        Ok(()) => Redirect::to(&fill(paths::TASK, &[&raw])).into_response(),
        Err(e) => task_with(&state, &session, &raw, Some(e.to_string()), Vec::new()).await,
    }
}
