//! Tasks in the admin API: list an app's tasks with talent counts, show one task with its
//! talents, and record talents' submissions (a talent posted a video).

use super::{error, Paging};
use crate::api::task::convert::{wire_id, wire_status};
use crate::http::extract::WireQuery;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use dyopen_core::clock::Timestamp;
use dyopen_core::task::{
    check_video_id, task_id_from_wire, CooperationState, DouyinId, PageWindow, SubmissionError,
    Talent, Task, TaskFilter,
};
use dyopen_wire::admin::Page;
use dyopen_wire::dialect::Admin;
use dyopen_wire::task::{SubmissionRequest, TalentView, TaskDetailView, TaskSummaryView};

fn talent_view(t: &Talent) -> TalentView {
    TalentView {
        douyin_id: t.douyin_id.clone(),
        cooperation_state: t.state.code(),
        cancel_operator: t.cancel_operator.code(),
        video_id: t.video_id.clone(),
        created_at: rfc3339(t.created_at),
        updated_at: rfc3339(t.updated_at),
    }
}

/// A task and its talent counts, for the admin API and the console.
pub(crate) fn summary(task: &Task, talents: &[Talent], now: Timestamp) -> TaskSummaryView {
    let count = |s: CooperationState| talents.iter().filter(|t| t.state == s).count() as u64;
    TaskSummaryView {
        task_id: wire_id(task.task_id),
        appid: task.appid.to_string(),
        task_name: task.task_name.clone(),
        task_type: task.task_type.code(),
        status: wire_status(task.effective_status(now)).code(),
        start_page: task.start_page.clone(),
        task_start_time: rfc3339(task.task_start_time),
        task_end_time: rfc3339(task.task_end_time),
        created_at: rfc3339(task.created_at),
        talents_total: talents.len() as u64,
        talents_cooperating: count(CooperationState::Cooperating),
        talents_cancelled: count(CooperationState::Cancelled),
        talents_submitted: count(CooperationState::Submitted),
    }
}

fn no_task(raw: &str) -> ApiError<Admin> {
    error(StatusCode::NOT_FOUND, format!("no task {raw}"))
}

/// The stored id of a path segment, or 404.
fn parse_task_id(raw: &str) -> Result<i64, ApiError<Admin>> {
    raw.parse::<u64>()
        .ok()
        .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()))
        .and_then(task_id_from_wire)
        .ok_or_else(|| no_task(raw))
}

/// `GET /admin/v1/apps/{appid}/tasks?page=&page_size=`: newest first, with talent counts.
#[utoipa::path(get, path = "/admin/v1/apps/{appid}/tasks", operation_id = "admin_list_tasks", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex"), ("page" = Option<u64>, Query, minimum = 1, description = "1-based, default 1"), ("page_size" = Option<u64>, Query, minimum = 1, maximum = 200, description = "1-200, default 50")),
    responses((status = 200, body = dyopen_wire::admin::Page<dyopen_wire::task::TaskSummaryView>), (status = 400, description = "page or page_size out of range or not a number", body = dyopen_wire::dialect::AdminError), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError)))]
pub async fn list(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    WireQuery(paging, _): WireQuery<Paging, Admin>,
) -> Result<Json<Page<TaskSummaryView>>, ApiError<Admin>> {
    let (page, page_size, offset) = paging.resolve()?;
    let id = super::existing_app(&state, &appid).await?;
    let window = PageWindow {
        offset,
        limit: page_size,
    };
    let (tasks, total) = state
        .store
        .task_search(&id, &TaskFilter::all(), window)
        .await
        .map_err(ApiError::system)?;
    let now = state.clock.now();
    let mut items = Vec::with_capacity(tasks.len());
    for task in &tasks {
        let talents = state
            .store
            .task_talents(task.task_id)
            .await
            .map_err(ApiError::system)?;
        items.push(summary(task, &talents, now));
    }
    Ok(Json(Page {
        items,
        total,
        page,
        page_size,
    }))
}

/// `GET /admin/v1/tasks/{task_id}`: the task with its talents.
#[utoipa::path(get, path = "/admin/v1/tasks/{task_id}", operation_id = "admin_get_task", tag = "admin", security(("admin_token" = [])), params(("task_id" = String, Path, description = "19 digits")),
    responses((status = 200, body = dyopen_wire::task::TaskDetailView), (status = 404, description = "No such task", body = dyopen_wire::dialect::AdminError)))]
pub async fn get(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<TaskDetailView>, ApiError<Admin>> {
    let task_id = parse_task_id(&raw)?;
    let task = state
        .store
        .task_get(task_id)
        .await
        .map_err(ApiError::system)?
        .ok_or_else(|| no_task(&raw))?;
    let talents = state
        .store
        .task_talents(task_id)
        .await
        .map_err(ApiError::system)?;
    Ok(Json(TaskDetailView {
        task: summary(&task, &talents, state.clock.now()),
        talents: talents.iter().map(talent_view).collect(),
    }))
}

fn submission_error(e: SubmissionError) -> ApiError<Admin> {
    let status = match &e {
        SubmissionError::NoTask(_) => StatusCode::NOT_FOUND,
        SubmissionError::BadDouyinId | SubmissionError::BadVideoId => StatusCode::BAD_REQUEST,
        SubmissionError::Terminated | SubmissionError::NotCooperating(_) => StatusCode::CONFLICT,
        SubmissionError::Storage(cause) => return ApiError::system(cause),
    };
    error(status, e.to_string())
}

/// `POST /admin/v1/tasks/{task_id}/submissions {"douyin_id", "video_id"?}` → 201 with the
/// talent, now submitted (3); 404 unknown task; 409 not cooperating or task terminated.
#[utoipa::path(post, path = "/admin/v1/tasks/{task_id}/submissions", operation_id = "admin_submit", tag = "admin", security(("admin_token" = [])), params(("task_id" = String, Path, description = "19 digits")), request_body = dyopen_wire::task::SubmissionRequest,
    responses((status = 201, description = "The talent, now submitted (3)", body = dyopen_wire::task::TalentView), (status = 400, description = "Unparsable body or an invalid douyin_id", body = dyopen_wire::dialect::AdminError), (status = 404, description = "No such task or talent", body = dyopen_wire::dialect::AdminError), (status = 409, description = "Task terminated or talent not cooperating", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn submit(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    WireJson(req, _): WireJson<SubmissionRequest, Admin>,
) -> Result<(StatusCode, Json<TalentView>), ApiError<Admin>> {
    let task_id = parse_task_id(&raw)?;
    let douyin_id = DouyinId::parse(&req.douyin_id)
        .ok_or_else(|| submission_error(SubmissionError::BadDouyinId))?;
    check_video_id(req.video_id.as_deref()).map_err(submission_error)?;
    let talent = state
        .store
        .talent_submit(
            task_id,
            &douyin_id,
            req.video_id.as_deref(),
            state.clock.now(),
        )
        .await
        .map_err(submission_error)?;
    Ok((StatusCode::CREATED, Json(talent_view(&talent))))
}
