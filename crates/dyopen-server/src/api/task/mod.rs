//! Short-video tasks (SPEC §5): the v2 task APIs on the open.douyin.com dialect and
//! `update_orient_talents` (seed 001) on the talents dialect.

pub(crate) mod add_task;
pub mod convert;
mod errors;
pub(crate) mod query_app_task_id;
pub(crate) mod query_task_info;
pub(crate) mod update_orient_talents;
pub(crate) mod update_status;

use super::OpenApiRoutes;
use axum::routing::post;
use dyopen_wire::dialect::{Open, Talents};

/// Registers the task routes.
pub(super) fn register(routes: OpenApiRoutes) -> OpenApiRoutes {
    routes
        .route::<Open>("/api/match/v2/taskbox/add_task", post(add_task::handler))
        .route::<Open>(
            "/api/match/v2/taskbox/update_status",
            post(update_status::handler),
        )
        .route::<Open>(
            "/api/match/v2/taskbox/query_task_info",
            post(query_task_info::handler),
        )
        .route::<Open>(
            "/api/match/v2/taskbox/query_app_task_id",
            post(query_app_task_id::handler),
        )
        .route::<Talents>(
            "/api/apps/taskbox/update_orient_talents",
            post(update_orient_talents::handler),
        )
}
