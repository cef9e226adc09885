//! `GET/POST /_emulator/v1/clock`: read, set (`{now}`), advance (`{advance_seconds}`) or resume
//! (`{resume: true}`) the server clock. Until the first set/advance it follows real time.

use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use dyopen_core::clock::{Clock, ManualClock, Seconds};
use dyopen_wire::dialect::{admin_codes, Admin};
use dyopen_wire::emulator::{ClockRequest, ClockResponse};

fn clock_of(state: &AppState) -> Result<&ManualClock, ApiError<Admin>> {
    Ok(&super::of(state)?.clock)
}

fn answer(clock: &ManualClock) -> Json<ClockResponse> {
    let now = clock.now();
    Json(ClockResponse {
        now: now.secs(),
        now_ms: now.millis(),
        frozen: clock.is_frozen(),
    })
}

/// `GET /_emulator/v1/clock`.
#[utoipa::path(get, path = "/_emulator/v1/clock", operation_id = "emulator_read_clock", tag = "emulator", responses((status = 200, body = ClockResponse)))]
pub async fn read(State(state): State<AppState>) -> Result<Json<ClockResponse>, ApiError<Admin>> {
    Ok(answer(clock_of(&state)?))
}

/// `POST /_emulator/v1/clock` with exactly one of `advance_seconds`, `now`, `resume: true`.
/// A target outside years 2000–9999 (`dyopen_core::clock::MIN_SETTABLE_SECS` to
/// `MAX_SETTABLE_SECS`) is refused with 400 and leaves the clock unchanged.
#[utoipa::path(post, path = "/_emulator/v1/clock", operation_id = "emulator_set_clock", tag = "emulator", request_body = ClockRequest,
    responses((status = 200, body = ClockResponse), (status = 400, description = "Unparsable body, not exactly one of advance_seconds, now, resume:true, or a target outside years 2000-9999 (the clock is unchanged)", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn set(
    State(state): State<AppState>,
    WireJson(req, _): WireJson<ClockRequest, Admin>,
) -> Result<Json<ClockResponse>, ApiError<Admin>> {
    let clock = clock_of(&state)?;
    let bad = |message: String| {
        ApiError::new(admin_codes::INVALID_REQUEST, message).with_status(StatusCode::BAD_REQUEST)
    };
    let moved = match (req.advance_seconds, req.now, req.resume) {
        (Some(secs), None, None) => clock.try_advance(Seconds::new(secs)).map(drop),
        (None, Some(now), None) => clock.try_set(now).map(drop),
        (None, None, Some(true)) => {
            clock.resume();
            Ok(())
        }
        _ => {
            return Err(bad(
                "send exactly one of advance_seconds, now, resume:true".into()
            ))
        }
    };
    moved.map_err(|e| bad(e.to_string()))?;
    Ok(answer(clock))
}
