//! `/_emulator/v1` (SPEC §7), mounted only with `--emulator`: the settable clock.

mod clock;

use crate::state::AppState;
use axum::routing::get;
use axum::Router;

/// The emulator routes (nested under `/_emulator/v1`).
pub fn router() -> Router<AppState> {
    Router::new().route("/clock", get(clock::read).post(clock::set))
}
