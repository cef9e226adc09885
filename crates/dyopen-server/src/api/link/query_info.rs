//! `POST /api/apps/v1/url_link/query_info/` — a link's settings.
//!
//! Body `{"app_id", "url_link"}` → `data: {app_id, app_name, path, query, create_time,
//! expire_time}`. An unknown, expired or other app's link is the parameter error
//! `url_link不存在或已失效` (the admin API still lists it).

use super::service;
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::link::{LinkCode, LinkError};
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::link::{QueryInfoData, QueryInfoRequest};

/// Reads a link.
#[utoipa::path(post, path = "/api/apps/v1/url_link/query_info/", operation_id = "url_link_query_info", tag = "url links", request_body = dyopen_wire::link::QueryInfoRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with the link (expire_time is the effective expiry), or an `OpenError` (its `err_no` lists the codes; `data: {}`); an expired or unknown link is 28005001 url_link不存在或已失效; see docs/links.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::link::QueryInfoData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<QueryInfoRequest, Open>,
) -> Result<Json<OpenEnvelope<QueryInfoData>>, ApiError<Open>> {
    let url_link = req
        .url_link
        .filter(|u| !u.is_empty())
        .ok_or(LinkError::Missing("url_link"))?;
    let token = token.pick(req.access_token.as_deref());
    let app = service::app_of(&state, token, req.app_id.as_deref()).await?;
    let code = LinkCode::from_url_link(&url_link).ok_or(LinkError::UnknownLink)?;
    let link = state
        .store
        .get_link(&code)
        .await
        .map_err(LinkError::Storage)?
        .filter(|l| l.appid == app.appid && l.is_live(state.clock.now()))
        .ok_or(LinkError::UnknownLink)?;
    Ok(Json(OpenEnvelope {
        err_no: 0,
        err_msg: String::new(),
        log_id: LogId::current(),
        data: QueryInfoData {
            app_id: link.appid.to_string(),
            app_name: link.host.as_str().to_owned(),
            path: link.path,
            query: link.query,
            create_time: link.created_at.get(),
            expire_time: link.expires_at.get(),
        },
    }))
}
