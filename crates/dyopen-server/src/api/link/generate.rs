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
use dyopen_core::link::GenerateLink;
use dyopen_wire::dialect::{Open, OpenEnvelope};
use dyopen_wire::link::{GenerateData, GenerateRequest};

/// Generates a link.
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<GenerateRequest, Open>,
) -> Result<Json<OpenEnvelope<GenerateData>>, ApiError<Open>> {
    let cmd = GenerateLink::parse(
        "app_id",
        req.app_id,
        req.app_name,
        req.path,
        req.query,
        req.expire_time.map(|t| t.0),
        false,
    )?;
    let token = token.pick(req.access_token.as_deref());
    let link = service::generate(&state, token, cmd).await?;
    Ok(Json(OpenEnvelope {
        err_no: 0,
        err_msg: String::new(),
        log_id: LogId::current(),
        data: GenerateData {
            url_link: link.url_link.clone(),
        },
    }))
}
