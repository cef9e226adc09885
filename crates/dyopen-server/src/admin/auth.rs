//! The admin bearer-token check, and [`behind_admin_token`] to seal a router behind it.

use super::error;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use dyopen_core::app::AppSecret;

/// Whether `headers` carry `Authorization: Bearer <admin token>`.
pub(crate) fn presents_admin_token(state: &AppState, headers: &HeaderMap) -> bool {
    let presented = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    presented.is_some_and(|p| is_admin_token(state, p))
}

/// Whether `presented` is the admin token (hashes compared in constant time, so the token does
/// not leak through timing).
pub(crate) fn is_admin_token(state: &AppState, presented: &str) -> bool {
    AppSecret::presented(presented).matches(&state.admin_token_hash)
}

/// Rejects requests without `Authorization: Bearer <admin token>` (401).
pub async fn require_admin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if presents_admin_token(&state, req.headers()) {
        next.run(req).await
    } else {
        error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong admin token (Authorization: Bearer …)",
        )
        .into_response()
    }
}

/// `routes` as a self-contained router (its own JSON 404 and 405) whose every request, matched or
/// not, first passes the admin-token check: 401 comes before 404 and 405, so an unauthenticated
/// caller learns nothing about which routes exist. Mount it with `nest_service`.
/// `prefix` is where it is mounted (its requests are measured under it).
pub(crate) fn behind_admin_token(
    routes: Router<AppState>,
    state: AppState,
    prefix: &'static str,
) -> Router {
    routes
        .fallback(crate::http::fallback::not_found)
        .method_not_allowed_fallback(crate::http::fallback::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_admin,
        ))
        // Outside the token check, so refusals are counted under their route too.
        .layer(crate::metrics::route::RouteMetricsLayer::nested(
            state.metrics.clone(),
            prefix,
        ))
        .with_state(state)
}
