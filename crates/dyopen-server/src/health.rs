//! `/healthz` (the process answers) and `/readyz` (the database answers; with Redis configured,
//! whether the qps limiter uses it or has fallen back to the in-process window). Neither says
//! more than which dependency failed: error texts go to the log, not to unauthenticated callers.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use std::time::Duration;

/// How long `/readyz` waits for the database: it must answer 503 within 2 s (SPEC §8), so a load
/// balancer takes the instance out in time.
pub const READY_PING_TIMEOUT: Duration = Duration::from_millis(1500);

/// Health answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// `ok` or `unreachable` (`not checked` on `/healthz`).
    pub database: String,
    /// `not configured`, `ok`, or the in-process fallback (omitted by `/healthz`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<String>,
}

/// `GET /healthz`.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "operations", responses((status = 200, description = "The process answers", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        database: "not checked".into(),
        redis: None,
    })
}

/// `GET /readyz`: 200 when the database answers, else 503.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "operations", responses((status = 200, description = "The database answers", body = Health), (status = 503, description = "The database does not answer", body = Health)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    use crate::links::limiter::LimiterMode;
    // Both checks at once: each is bounded, the answer comes within 2 s.
    let (mode, ping) = tokio::join!(
        state.links.limiter.mode(),
        tokio::time::timeout(READY_PING_TIMEOUT, state.store.ping())
    );
    // A Redis outage degrades qps limits to per instance; the instance still serves (200).
    let redis = Some(
        match mode {
            LimiterMode::InProcess => "not configured",
            LimiterMode::Redis => "ok",
            LimiterMode::Fallback => "unreachable: qps limiter fell back to in-process",
        }
        .to_owned(),
    );
    match ping {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok".into(),
                redis,
            }),
        ),
        failed => {
            match failed {
                Ok(Err(e)) => tracing::warn!(error = %e, "readyz: database unreachable"),
                _ => tracing::warn!("readyz: database did not answer in time"),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database: "unreachable".into(),
                    redis,
                }),
            )
        }
    }
}
