//! `POST /oauth/client_token/` — JSON or form `{client_key, client_secret, grant_type}` →
//! `{data:{access_token:"clt.…", description:"", error_code:0, expires_in:7200}, message:"success"}`.

use super::issue;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::token::{TokenGrant, TokenKind, TOKEN_TTL};
use dyopen_wire::dialect::ClientToken;
use dyopen_wire::token::{client_token_success, ClientTokenRequest, ClientTokenResponse};

/// Issues a client token.
#[utoipa::path(post, path = "/oauth/client_token/", operation_id = "client_token", tag = "tokens",
    request_body(description = "JSON or a form", content((dyopen_wire::token::ClientTokenRequest = "application/json"), (dyopen_wire::token::ClientTokenRequest = "application/x-www-form-urlencoded"))),
    responses((status = 200, description = "Token, or `message: error` with `data.error_code` (`ClientTokenData` lists the codes)", body = dyopen_wire::dialect::ClientTokenEnvelope), (status = 413, description = "Body over 1 MiB: error_code 10002 参数错误", body = dyopen_wire::dialect::ClientTokenEnvelope)))]
pub async fn handler(
    State(state): State<AppState>,
    WireJson(req, _): WireJson<ClientTokenRequest, ClientToken>,
) -> Result<Json<ClientTokenResponse>, ApiError<ClientToken>> {
    let grant = TokenGrant::parse(
        req.client_key.as_deref(),
        req.client_secret.as_deref(),
        req.grant_type.as_deref(),
    )?;
    let token = issue(&state, grant, TokenKind::Client).await?;
    Ok(Json(client_token_success(token, TOKEN_TTL.get())))
}
