//! `POST /_emulator/v1/reset`: back to the seeded state — every table emptied, the stored demo
//! app re-created with the same credentials (unless the start-up fixture says `demo: false`), the
//! start-up fixture loaded again, the clock on real time, journal and faults cleared, `--replay` recordings rewound.

use super::fixture::apply_fixture;
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::ResetResponse;

/// Resets the emulator.
#[utoipa::path(post, path = "/_emulator/v1/reset", operation_id = "emulator_reset", tag = "emulator", responses((status = 200, body = ResetResponse), (status = 500, description = "The store failed (logged)", body = dyopen_wire::dialect::AdminError)))]
pub async fn reset(State(state): State<AppState>) -> Result<Json<ResetResponse>, ApiError<Admin>> {
    Ok(Json(reset_all(&state).await?))
}

/// Resets the emulator (the API's and the console's one procedure).
pub(crate) async fn reset_all(state: &AppState) -> Result<ResetResponse, ApiError<Admin>> {
    let emu = super::of(state)?;
    // Read before the wipe, which empties the demo record too.
    let demo = state.store.demo_app().await.map_err(ApiError::system)?;
    state.store.wipe_all().await.map_err(ApiError::system)?;
    emu.clock.reset();
    emu.journal().clear();
    emu.faults().clear();
    if let Some(replay) = emu.replay() {
        replay.rewind();
    }
    state.links.cache.clear();
    state.links.limiter.clear().await;
    let fixture = emu.startup_fixture();
    let demo = match demo {
        Some(d) if fixture.as_ref().is_none_or(|f| f.wants_demo()) => {
            Some(crate::demo::restore_demo(state, Some(d)).await?)
        }
        _ => None,
    };
    let seeded = match fixture {
        Some(f) => apply_fixture(state, &f).await?.apps,
        None => Vec::new(),
    };
    Ok(ResetResponse { demo, seeded })
}
