//! Short-video tasks (SPEC §5): the v2 task APIs on the open.douyin.com dialect and
//! `update_orient_talents` (seed 001) on the talents dialect.

pub(crate) mod add_task;
pub mod convert;
mod errors;
pub(crate) mod query_app_task_id;
pub(crate) mod query_task_info;
pub(crate) mod update_orient_talents;
pub(crate) mod update_status;

use crate::state::AppState;
use axum::routing::post;
use axum::Router;

/// The task routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/match/v2/taskbox/add_task", post(add_task::handler))
        .route(
            "/api/match/v2/taskbox/update_status",
            post(update_status::handler),
        )
        .route(
            "/api/match/v2/taskbox/query_task_info",
            post(query_task_info::handler),
        )
        .route(
            "/api/match/v2/taskbox/query_app_task_id",
            post(query_app_task_id::handler),
        )
        .route(
            "/api/apps/taskbox/update_orient_talents",
            post(update_orient_talents::handler),
        )
}
