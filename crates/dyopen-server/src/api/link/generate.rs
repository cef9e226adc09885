//! `POST /api/apps/v1/url_link/generate/` — the open.douyin.com URL-link generator.
//!
//! Body `{"app_id", "app_name": "douyin", "path", "query": "{}", "expire_time": 1644464021}` →
//! `{"err_no": 0, "err_msg": "", "log_id": "…", "data": {"url_link": "…/Lu86lrX"}}`.

use super::service;
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::link::{GenerateLink, LinkApi, LinkDraft};
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::link::{GenerateData, GenerateRequest};

/// Generates a link.
#[utoipa::path(post, path = "/api/apps/v1/url_link/generate/", operation_id = "url_link_generate_v1", tag = "url links", request_body = dyopen_wire::link::GenerateRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with data.url_link, or an `OpenError` (its `err_no` lists the codes; `data: {}`); see docs/links.md", body = dyopen_wire::answer::OpenAnswer<dyopen_wire::link::GenerateData>), (status = 413, description = "Body over 1 MiB: 28005001 参数解析失败:请求体超过1MiB", body = dyopen_wire::answer::OpenError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<GenerateRequest, Open>,
) -> Result<Json<OpenEnvelope<GenerateData>>, ApiError<Open>> {
    let draft = LinkDraft {
        named_app: req.app_id,
        app_name: req.app_name,
        path: req.path,
        query: req.query,
        expire_time: req.expire_time.map(|t| t.0),
    };
    let cmd = GenerateLink::parse(draft, LinkApi::V1)?;
    let token = token.pick(req.access_token.as_deref());
    let url_link = service::generate(&state, token, cmd).await?;
    Ok(Json(OpenEnvelope {
        err_no: 0,
        err_msg: String::new(),
        log_id: LogId::current(),
        data: GenerateData { url_link },
    }))
}
