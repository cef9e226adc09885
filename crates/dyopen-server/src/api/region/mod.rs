//! City binding (关联城市, seed 000): `POST /api/product/v1/app_region_add|delete|modify/`.

pub(crate) mod add;
pub(crate) mod delete;
mod errors;
pub(crate) mod modify;

use super::OpenApiRoutes;
use axum::routing::post;
use dyopen_wire::dialect::{City, CityAdd};

/// Registers the city-binding routes.
pub(super) fn register(routes: OpenApiRoutes) -> OpenApiRoutes {
    routes
        .route::<CityAdd>("/api/product/v1/app_region_add", post(add::handler))
        .route::<City>("/api/product/v1/app_region_delete", post(delete::handler))
        .route::<City>("/api/product/v1/app_region_modify", post(modify::handler))
}
