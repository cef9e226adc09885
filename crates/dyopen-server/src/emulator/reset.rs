//! `POST /_emulator/v1/reset`: back to the seeded state — every table emptied, the demo app
//! re-created with the same credentials, the start-up fixture loaded again, the clock on real
//! time, journal and faults cleared.

use super::fixture::{apply_fixture, create_with_secret};
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::{FixtureApp, ResetResponse};

/// Resets the emulator.
#[utoipa::path(post, path = "/_emulator/v1/reset", operation_id = "emulator_reset", tag = "emulator", responses((status = 200, body = ResetResponse), (status = 500, description = "The store failed (logged)", body = dyopen_wire::dialect::AdminError)))]
pub async fn reset(State(state): State<AppState>) -> Result<Json<ResetResponse>, ApiError<Admin>> {
    let emu = super::of(&state)?;
    state.store.wipe_all().await.map_err(ApiError::system)?;
    emu.clock.reset();
    emu.journal().clear();
    emu.faults().clear();
    state.links.cache.clear();
    state.links.limiter.clear().await;
    let demo = match emu.demo() {
        Some(d) => {
            let fixture = FixtureApp {
                appid: Some(d.appid),
                secret: Some(d.secret),
                name: "demo".into(),
                pages: vec!["pages/index/index".into()],
                ..FixtureApp::default()
            };
            Some(create_with_secret(&state, &fixture).await?)
        }
        None => None,
    };
    let seeded = match emu.startup_fixture() {
        Some(f) => apply_fixture(&state, &f).await?.apps,
        None => Vec::new(),
    };
    Ok(Json(ResetResponse { demo, seeded }))
}
