//! URL links (seed 002, SPEC §6): legacy `POST /api/apps/url_link/generate` and the v1
//! `POST /api/apps/v1/url_link/generate|query_info|query_quota/`.

mod errors;
pub(crate) mod generate;
pub(crate) mod generate_legacy;
pub(crate) mod query_info;
pub(crate) mod query_quota;
pub(crate) mod service;

use super::OpenApiRoutes;
use axum::routing::post;
use dyopen_wire::dialect::{LinkLegacy, Open};

/// Registers the URL-link routes.
pub(super) fn register(routes: OpenApiRoutes) -> OpenApiRoutes {
    routes
        .route::<LinkLegacy>(
            "/api/apps/url_link/generate",
            post(generate_legacy::handler),
        )
        .route::<Open>("/api/apps/v1/url_link/generate", post(generate::handler))
        .route::<Open>(
            "/api/apps/v1/url_link/query_info",
            post(query_info::handler),
        )
        .route::<Open>(
            "/api/apps/v1/url_link/query_quota",
            post(query_quota::handler),
        )
}
