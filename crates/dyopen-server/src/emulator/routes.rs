//! The emulator's HTTP routes over its runtime ([`super::Emulator`]): the journal listing, fault
//! arming, and the router that mounts them with the clock, reset and seed handlers. The runtime
//! types themselves (journal, faults) know nothing of the server's state.

use super::faults::{FaultKind, MAX_DELAY_MS};
use super::journal::PageView;
use super::Emulator;
use crate::http::extract::WireQuery;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::{FaultRequest, FaultView, JournalPage};
use serde::Deserialize;

/// The emulator state of `state`, or 404 when emulator mode is off (the routes are not mounted
/// then; this guards handlers called any other way).
pub(crate) fn of(
    state: &AppState,
) -> Result<&Emulator, crate::http::ApiError<dyopen_wire::dialect::Admin>> {
    state.emulator.as_deref().ok_or_else(|| {
        crate::admin::error(axum::http::StatusCode::NOT_FOUND, "emulator mode is off")
    })
}

/// The emulator routes (nested under `/_emulator/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/clock", get(super::clock::read).post(super::clock::set))
        .route("/reset", post(super::reset::reset))
        .route("/seed", post(super::fixture::seed))
        .route("/journal", get(list_journal).delete(clear_journal))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
}

/// `GET /_emulator/v1/journal` filters.
#[derive(Debug, Deserialize)]
pub struct JournalFilter {
    appid: Option<String>,
    path: Option<String>,
    limit: Option<usize>,
}

fn emulator(state: &AppState) -> Result<&super::Emulator, ApiError<Admin>> {
    of(state)
}

/// `GET /_emulator/v1/journal?appid=&path=&limit=` (limit default 100).
#[utoipa::path(get, path = "/_emulator/v1/journal", operation_id = "emulator_list_journal", tag = "emulator", params(("appid" = Option<String>, Query), ("path" = Option<String>, Query, description = "normalised before matching"), ("limit" = Option<u64>, Query, description = "default 100")),
    responses((status = 200, body = JournalPage), (status = 400, description = "A query parameter is not of its type (limit not a non-negative integer)", body = dyopen_wire::dialect::AdminError)))]
pub async fn list_journal(
    State(state): State<AppState>,
    WireQuery(f, _): WireQuery<JournalFilter, Admin>,
) -> Result<Json<PageView>, ApiError<Admin>> {
    let emu = emulator(&state)?;
    let page = emu.journal().page(
        f.appid.as_deref(),
        f.path.as_deref(),
        f.limit.unwrap_or(100),
    );
    Ok(Json(page))
}

/// `DELETE /_emulator/v1/journal`: forget every entry.
#[utoipa::path(delete, path = "/_emulator/v1/journal", operation_id = "emulator_clear_journal", tag = "emulator", responses((status = 204, description = "Emptied")))]
pub async fn clear_journal(State(state): State<AppState>) -> Result<StatusCode, ApiError<Admin>> {
    emulator(&state)?.journal().clear();
    Ok(StatusCode::NO_CONTENT)
}

fn bad(message: impl Into<String>) -> ApiError<Admin> {
    crate::admin::error(StatusCode::BAD_REQUEST, message)
}

fn faults_of(state: &AppState) -> Result<&Emulator, ApiError<Admin>> {
    of(state)
}

/// `POST /_emulator/v1/faults {path, err_kind, count, delay_ms?}` → 201 with the pending faults.
#[utoipa::path(post, path = "/_emulator/v1/faults", operation_id = "emulator_add_fault", tag = "emulator", request_body = FaultRequest,
    responses((status = 201, body = Vec<FaultView>), (status = 400, description = "Unparsable body, an emulator or relative path, count 0 or an unknown err_kind", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn add_fault(
    State(state): State<AppState>,
    WireJson(req, _): WireJson<FaultRequest, Admin>,
) -> Result<(StatusCode, Json<Vec<FaultView>>), ApiError<Admin>> {
    Ok((StatusCode::CREATED, Json(arm(&state, &req)?)))
}

/// Arms the fault `req` asks for (the API's and the console's one rule); the pending faults.
pub(crate) fn arm(state: &AppState, req: &FaultRequest) -> Result<Vec<FaultView>, ApiError<Admin>> {
    let emu = faults_of(state)?;
    if !req.path.starts_with('/') || req.path.starts_with("/_emulator") {
        return Err(bad(
            "path must be a route path such as /api/apps/v2/token (not an emulator route)",
        ));
    }
    if req.count == 0 {
        return Err(bad("count must be at least 1"));
    }
    let kind = match req.err_kind.as_str() {
        "system_error" => FaultKind::SystemError,
        "http_500" => FaultKind::Http500,
        "timeout" => FaultKind::Timeout {
            delay_ms: req.delay_ms.unwrap_or(30_000).min(MAX_DELAY_MS),
        },
        other => {
            return Err(bad(format!(
                "err_kind {other:?}: want system_error, timeout or http_500"
            )))
        }
    };
    let mut faults = emu.faults();
    faults.arm(&req.path, kind, req.count);
    Ok(faults.views())
}

/// `GET /_emulator/v1/faults`.
#[utoipa::path(get, path = "/_emulator/v1/faults", operation_id = "emulator_list_faults", tag = "emulator", responses((status = 200, body = Vec<FaultView>)))]
pub async fn list_faults(
    State(state): State<AppState>,
) -> Result<Json<Vec<FaultView>>, ApiError<Admin>> {
    Ok(Json(faults_of(&state)?.faults().views()))
}

/// `DELETE /_emulator/v1/faults`: disarm all.
#[utoipa::path(delete, path = "/_emulator/v1/faults", operation_id = "emulator_clear_faults", tag = "emulator", responses((status = 204, description = "Disarmed")))]
pub async fn clear_faults(State(state): State<AppState>) -> Result<StatusCode, ApiError<Admin>> {
    faults_of(&state)?.faults().clear();
    Ok(StatusCode::NO_CONTENT)
}
