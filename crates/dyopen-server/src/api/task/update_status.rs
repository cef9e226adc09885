//! `POST /api/match/v2/taskbox/update_status/` — run, pause or terminate a task (更新任务状态-v2).
//!
//! Body `{"task_id": "7218760632718443557", "task_status": "2"}` →
//! `{"err_no": 0, "err_msg": "", "log_id": "…", "data": {"task_id": "7218760632718443557"}}`.

use super::convert::{ok, task_status, wire_id};
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::task::{task_id_from_wire, TaskError};
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::task::{TaskIdData, UpdateStatusRequest};

/// Changes a task's status; terminated is final.
#[utoipa::path(post, path = "/api/match/v2/taskbox/update_status/", operation_id = "update_status", tag = "tasks", request_body = dyopen_wire::task::UpdateStatusRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with data, or an `OpenError` (its `err_no` lists the codes; `data: {}`); see docs/tasks.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::task::TaskIdData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<UpdateStatusRequest, Open>,
) -> Result<Json<OpenEnvelope<TaskIdData>>, ApiError<Open>> {
    let task_id = req.task_id.ok_or(TaskError::BadField("task_id"))?;
    let status = task_status(req.task_status.map(|s| s.0))?;
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    let appid = state.authorize(&auth, None, None).await?;
    let id = task_id_from_wire(task_id.0).ok_or(TaskError::UnknownTask)?;
    let task = state
        .store
        .task_set_status(&appid, id, status, state.clock.now())
        .await?;
    Ok(ok(TaskIdData {
        task_id: wire_id(task.task_id),
    }))
}
