//! City binding (关联城市, seed 000): `POST /api/product/v1/app_region_add|delete|modify/`.

pub(crate) mod add;
pub(crate) mod delete;
mod errors;
pub(crate) mod modify;

use crate::state::AppState;
use axum::routing::post;
use axum::Router;

/// The city-binding routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/product/v1/app_region_add", post(add::handler))
        .route("/api/product/v1/app_region_delete", post(delete::handler))
        .route("/api/product/v1/app_region_modify", post(modify::handler))
}
