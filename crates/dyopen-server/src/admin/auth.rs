//! The admin bearer-token check.

use super::error;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dyopen_core::app::AppSecret;

/// Rejects requests without `Authorization: Bearer <admin token>` (401).
pub async fn require_admin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    // Compare hashes in constant time so the token does not leak through timing.
    let ok = presented.is_some_and(|p| AppSecret::presented(p).matches(&state.admin_token_hash));
    if ok {
        next.run(req).await
    } else {
        error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong admin token (Authorization: Bearer …)",
        )
        .into_response()
    }
}
