//! `POST /api/apps/url_link/generate` — the legacy (developer.toutiao.com) URL-link generator.
//!
//! Body `{"access_token", "ma_app_id", "app_name": "douyin", "path", "query": "{}",
//! "expire_time": 1644464021}` → `{"err_no": 0, "err_tips": "", "url_link": "…/Lu86lrX"}`.
//! Upstream: seed 002.

use super::service;
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::link::{GenerateLink, LinkApi, LinkDraft};
use dyopen_wire::dialect::{LinkLegacy, LinkLegacyEnvelope};
use dyopen_wire::link::LegacyGenerateRequest;

/// Generates a link.
#[utoipa::path(post, path = "/api/apps/url_link/generate", operation_id = "url_link_generate_legacy", tag = "url links", request_body = dyopen_wire::link::LegacyGenerateRequest,
    responses((status = 200, description = "err_no 0 with url_link, or an error (`LinkLegacyEnvelope.err_no` lists the codes; url_link \"\" on errors); see docs/links.md", body = dyopen_wire::dialect::LinkLegacyEnvelope), (status = 413, description = "Body over 1 MiB: 12018 参数解析失败,请检查参数格式 (url_link \"\")", body = dyopen_wire::dialect::LinkLegacyEnvelope)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<LegacyGenerateRequest, LinkLegacy>,
) -> Result<Json<LinkLegacyEnvelope>, ApiError<LinkLegacy>> {
    let draft = LinkDraft {
        named_app: req.ma_app_id,
        app_name: req.app_name,
        path: req.path,
        query: req.query,
        expire_time: req.expire_time.map(|t| t.0),
    };
    let cmd = GenerateLink::parse(draft, LinkApi::Legacy)?;
    let token = token.pick(req.access_token.as_deref());
    let url_link = service::generate(&state, token, cmd).await?;
    Ok(Json(LinkLegacyEnvelope {
        err_no: 0,
        err_tips: String::new(),
        url_link,
    }))
}
