//! `POST /api/match/v2/taskbox/query_task_info/` — a page of an app's tasks by id, name
//! substring or start page, with their talents (查询任务详情-v2).
//!
//! Body `{"appid": "tt…", "page_no": 1, "page_size": 10, "query_params_type": 2,
//! "query_params_content": "春节"}` → `data: {app_id, total, page_count, tasks: […]}`.

use super::convert::{ok, task_info};
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::task::{page_count, TaskError, TaskQuery};
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::task::{QueryTaskInfoData, QueryTaskInfoRequest};

/// Searches the tasks of the named app (default: the token's app).
#[utoipa::path(post, path = "/api/match/v2/taskbox/query_task_info/", operation_id = "query_task_info", tag = "tasks", request_body = dyopen_wire::task::QueryTaskInfoRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with data, or an `OpenError` (its `err_no` lists the codes; `data: {}`); see docs/tasks.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::task::QueryTaskInfoData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<QueryTaskInfoRequest, Open>,
) -> Result<Json<OpenEnvelope<QueryTaskInfoData>>, ApiError<Open>> {
    let query = TaskQuery::parse(
        req.page_no.map(|v| v.0),
        req.page_size.map(|v| v.0),
        req.task_category.map(|v| v.0),
        req.query_params_type.map(|v| v.0),
        req.query_params_content.as_deref(),
    )?;
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    let appid = state.authorize(&auth, req.appid.as_deref(), None).await?;
    let (page, total) = state
        .store
        .task_search(&appid, &query.filter(), query.window())
        .await
        .map_err(TaskError::from)?;
    let now = state.clock.now();
    let mut infos = Vec::with_capacity(page.len());
    for task in &page {
        let talents = state
            .store
            .task_talents(task.task_id)
            .await
            .map_err(TaskError::from)?;
        infos.push(task_info(task, &talents, now));
    }
    Ok(ok(QueryTaskInfoData {
        app_id: appid.to_string(),
        total: total.to_string(),
        page_count: page_count(total, query.page_size).to_string(),
        tasks: infos,
    }))
}
