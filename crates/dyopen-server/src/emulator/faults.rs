//! Fault injection: the next N calls of a route fail as asked (`system_error` in the route's own
//! dialect, `timeout`, or `http_500`), for testing clients' retries.

use super::super::http::ApiError;
use crate::http::normalize::normalize_path;
use crate::http::WireJson;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::{FaultRequest, FaultView};
use std::collections::BTreeMap;

/// Longest `timeout` hold.
const MAX_DELAY_MS: u64 = 600_000;

/// How an injected fault answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The route's system-error envelope (HTTP 200 on open APIs).
    SystemError,
    /// No answer for this long, then HTTP 504.
    Timeout {
        /// Hold time.
        delay_ms: u64,
    },
    /// HTTP 500.
    Http500,
}

impl FaultKind {
    fn name(self) -> &'static str {
        match self {
            FaultKind::SystemError => "system_error",
            FaultKind::Timeout { .. } => "timeout",
            FaultKind::Http500 => "http_500",
        }
    }
}

/// Pending faults by normalised path.
#[derive(Debug, Default)]
pub struct Faults {
    pending: BTreeMap<String, (FaultKind, u32)>,
}

impl Faults {
    /// Takes one firing of the fault on `path`, if any is pending.
    pub fn take(&mut self, path: &str) -> Option<FaultKind> {
        let (kind, remaining) = self.pending.get_mut(path)?;
        let kind = *kind;
        *remaining -= 1;
        if *remaining == 0 {
            self.pending.remove(path);
        }
        Some(kind)
    }
    /// Arms a fault (replacing one on the same path).
    pub fn arm(&mut self, path: &str, kind: FaultKind, count: u32) {
        self.pending.insert(normalize_path(path), (kind, count));
    }
    /// Disarms every fault.
    pub fn clear(&mut self) {
        self.pending.clear();
    }
    /// The pending faults, by path.
    pub fn views(&self) -> Vec<FaultView> {
        self.pending
            .iter()
            .map(|(path, (kind, remaining))| FaultView {
                path: path.clone(),
                err_kind: kind.name().into(),
                remaining: *remaining,
                delay_ms: match kind {
                    FaultKind::Timeout { delay_ms } => *delay_ms,
                    FaultKind::SystemError | FaultKind::Http500 => 0,
                },
            })
            .collect()
    }
}

fn bad(message: impl Into<String>) -> ApiError<Admin> {
    crate::admin::error(StatusCode::BAD_REQUEST, message)
}

fn faults_of(state: &AppState) -> Result<&super::Emulator, ApiError<Admin>> {
    super::of(state)
}

/// `POST /_emulator/v1/faults {path, err_kind, count, delay_ms?}` → 201 with the pending faults.
#[utoipa::path(post, path = "/_emulator/v1/faults", operation_id = "emulator_add_fault", tag = "emulator", request_body = FaultRequest,
    responses((status = 201, body = Vec<FaultView>), (status = 400, description = "Unparsable body, an emulator or relative path, count 0 or an unknown err_kind", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn add(
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
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<FaultView>>, ApiError<Admin>> {
    Ok(Json(faults_of(&state)?.faults().views()))
}

/// `DELETE /_emulator/v1/faults`: disarm all.
#[utoipa::path(delete, path = "/_emulator/v1/faults", operation_id = "emulator_clear_faults", tag = "emulator", responses((status = 204, description = "Disarmed")))]
pub async fn clear(State(state): State<AppState>) -> Result<StatusCode, ApiError<Admin>> {
    faults_of(&state)?.faults().clear();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_fires_exactly_count_times() {
        let mut f = Faults::default();
        f.arm("/api/apps/v2/token/", FaultKind::Http500, 2);
        assert_eq!(f.take("/api/apps/v2/token"), Some(FaultKind::Http500));
        assert_eq!(f.take("/api/apps/v2/token"), Some(FaultKind::Http500));
        assert_eq!(f.take("/api/apps/v2/token"), None);
    }
}
