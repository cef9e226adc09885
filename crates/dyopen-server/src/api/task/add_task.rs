//! `POST /api/match/v2/taskbox/add_task/` — create a public or exclusive task (创建任务-v2).
//!
//! Body `{"task_name": "…", "start_page": "pages/index/index", "task_start_time": "1714521600",
//! "task_end_time": "1715126400", "douyin_ids": ["lw1352552"], …}` →
//! `{"err_no": 0, "err_msg": "", "log_id": "…", "data": {"task_id": "7218760632718443557"}}`.

use super::convert::{draft, ok, wire_id};
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::task::NewTask;
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::task::{AddTaskRequest, TaskIdData};

/// Creates a task for the token's app.
#[utoipa::path(post, path = "/api/match/v2/taskbox/add_task/", operation_id = "add_task", tag = "tasks", request_body = dyopen_wire::task::AddTaskRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with data, or an `OpenError` (its `err_no` lists the codes; `data: {}`); see docs/tasks.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::task::TaskIdData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<AddTaskRequest, Open>,
) -> Result<Json<OpenEnvelope<TaskIdData>>, ApiError<Open>> {
    let body_token = req.access_token.clone();
    let cmd = NewTask::parse(draft(req), state.clock.now())?;
    let auth = state
        .authenticate(token.pick(body_token.as_deref()))
        .await?;
    let appid = state.authorize(&auth, None, None).await?;
    let app = state
        .store
        .get_app(&appid)
        .await
        .map_err(ApiError::system)?
        .ok_or_else(|| ApiError::system(format!("token of unknown app {appid}")))?;
    cmd.check_page(&app.pages)?;
    let task = state
        .store
        .task_create(&appid, &cmd, state.clock.now())
        .await?;
    Ok(ok(TaskIdData {
        task_id: wire_id(task.task_id),
    }))
}
