//! `POST /api/match/v2/taskbox/query_app_task_id/` — ids of the tasks created in a range of at
//! most 7 days (查询小程序任务台任务 ID-v2).
//!
//! Body `{"create_start_time": "1714521600", "create_end_time": "1715126400", "task_category": 2}`
//! → `data: {"task_ids": ["7218760632718443557"]}`.

use super::convert::{ok, wire_id};
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::task::{AppTaskIdQuery, TaskError};
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::task::{QueryAppTaskIdData, QueryAppTaskIdRequest};

/// Lists the token's app's task ids created in the range (both ends inclusive), newest first.
#[utoipa::path(post, path = "/api/match/v2/taskbox/query_app_task_id/", operation_id = "query_app_task_id", tag = "tasks", request_body = dyopen_wire::task::QueryAppTaskIdRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with data, or an `OpenError` (its `err_no` lists the codes; `data: {}`); see docs/tasks.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::task::QueryAppTaskIdData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<QueryAppTaskIdRequest, Open>,
) -> Result<Json<OpenEnvelope<QueryAppTaskIdData>>, ApiError<Open>> {
    let query = AppTaskIdQuery::parse(
        req.create_start_time.map(|v| v.0),
        req.create_end_time.map(|v| v.0),
        req.task_category.map(|v| v.0),
    )?;
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    let appid = state.authorize(&auth, None, None).await?;
    let ids = state
        .store
        .task_ids(&appid, &query.filter())
        .await
        .map_err(TaskError::from)?;
    Ok(ok(QueryAppTaskIdData {
        task_ids: ids.into_iter().map(wire_id).collect(),
    }))
}
