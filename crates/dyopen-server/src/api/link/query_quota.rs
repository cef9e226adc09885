//! `POST /api/apps/v1/url_link/query_quota/` — today's (Asia/Shanghai) use and the daily limit.
//!
//! Body `{"app_id"}` → `data: {"url_link_used": 12, "url_link_limit": 500000}`.

use super::service;
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::link::LinkError;
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::link::{QueryQuotaData, QueryQuotaRequest};

/// Reports the quota.
#[utoipa::path(post, path = "/api/apps/v1/url_link/query_quota/", operation_id = "url_link_query_quota", tag = "url links", request_body = dyopen_wire::link::QueryQuotaRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with used/limit for the current Shanghai day, or an `OpenError` (its `err_no` lists the codes; `data: {}`); see docs/links.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::link::QueryQuotaData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<QueryQuotaRequest, Open>,
) -> Result<Json<OpenEnvelope<QueryQuotaData>>, ApiError<Open>> {
    let token = token.pick(req.access_token.as_deref());
    let app = service::app_of(&state, token, req.app_id.as_deref()).await?;
    let used = state
        .store
        .links_used_on(&app.appid, state.clock.now().shanghai_day())
        .await
        .map_err(LinkError::Storage)?;
    Ok(Json(OpenEnvelope {
        err_no: 0,
        err_msg: String::new(),
        log_id: LogId::current(),
        data: QueryQuotaData {
            url_link_used: used,
            url_link_limit: app.daily_link_quota,
        },
    }))
}
