//! `POST /api/apps/v2/token` — `{appid, secret, grant_type:"client_credential"}` →
//! `{err_no:0, err_tips:"success", data:{access_token:"08…", expires_in:7200}}`.

use super::issue;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::token::{TokenGrant, TokenKind, TOKEN_TTL};
use dyopen_wire::dialect::V2Token;
use dyopen_wire::token::{V2TokenRequest, V2TokenResponse};

/// Issues a v2 token.
#[utoipa::path(post, path = "/api/apps/v2/token", operation_id = "v2_token", tag = "tokens",
    request_body = dyopen_wire::token::V2TokenRequest,
    responses((status = 200, description = "Token, or a `V2TokenError` `{err_no, err_tips, data:{}}` (its `err_no` lists the codes)", body = dyopen_wire::answer::V2TokenAnswer), (status = 413, description = "Body over 1 MiB: 40014 参数错误", body = dyopen_wire::dialect::V2TokenError)))]
pub async fn handler(
    State(state): State<AppState>,
    WireJson(req, _): WireJson<V2TokenRequest, V2Token>,
) -> Result<Json<V2TokenResponse>, ApiError<V2Token>> {
    let grant = TokenGrant::parse(
        req.appid.as_deref(),
        req.secret.as_deref(),
        req.grant_type.as_deref(),
    )?;
    let token = issue(&state, grant, TokenKind::V2).await?;
    Ok(Json(V2TokenResponse::success(token, TOKEN_TTL.get())))
}
