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
use dyopen_core::link::GenerateLink;
use dyopen_wire::dialect::{LinkLegacy, LinkLegacyEnvelope};
use dyopen_wire::link::LegacyGenerateRequest;

/// Generates a link.
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<LegacyGenerateRequest, LinkLegacy>,
) -> Result<Json<LinkLegacyEnvelope>, ApiError<LinkLegacy>> {
    let cmd = GenerateLink::parse(
        "ma_app_id",
        req.ma_app_id,
        req.app_name,
        req.path,
        req.query,
        req.expire_time.map(|t| t.0),
        true,
    )?;
    let token = token.pick(req.access_token.as_deref());
    let link = service::generate(&state, token, cmd).await?;
    Ok(Json(LinkLegacyEnvelope {
        err_no: 0,
        err_tips: String::new(),
        url_link: link.url_link.clone(),
    }))
}
