//! `/admin/v1`: dyopen's control plane (SPEC §7), behind `Authorization: Bearer <admin token>`.
//! JSON, REST status codes, errors as `{"error": {"code", "message"}}`.

pub mod apps;
mod auth;
pub(crate) mod links;
pub(crate) mod providers;
pub(crate) mod regions;
pub(crate) mod tasks;

use crate::http::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::Router;
use dyopen_core::app::AppId;
use dyopen_wire::dialect::{admin_codes, Admin};
use serde::Deserialize;

/// The admin routes, behind the admin token (mounted with `nest_service` under `/admin/v1`, so
/// the token is checked for every request there: unknown paths and wrong methods included).
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/apps", post(apps::create).get(apps::list))
        .route("/apps/{appid}", get(apps::get).patch(apps::update))
        .route("/apps/{appid}/secret", post(apps::rotate_secret))
        .route(
            "/apps/{appid}/providers",
            post(providers::grant).get(providers::list),
        )
        .route(
            "/apps/{appid}/providers/{provider_appid}",
            delete(providers::revoke),
        )
        .route("/apps/{appid}/regions", get(regions::list))
        .route("/apps/{appid}/tasks", get(tasks::list))
        .route("/tasks/{task_id}", get(tasks::get))
        .route("/tasks/{task_id}/submissions", post(tasks::submit))
        .route("/apps/{appid}/links", get(links::list));
    behind_admin_token(routes, state, "/admin/v1")
}

pub(crate) use auth::{behind_admin_token, is_admin_token, presents_admin_token};

/// An admin error with its HTTP status.
pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> ApiError<Admin> {
    ApiError::new(i64::from(status.as_u16()), message).with_status(status)
}

/// 404 for an unknown app.
pub(crate) fn no_app(appid: &str) -> ApiError<Admin> {
    error(StatusCode::NOT_FOUND, format!("no app {appid}"))
}

/// The appid of a path segment naming a stored app, or 404.
pub(crate) async fn existing_app(state: &AppState, raw: &str) -> Result<AppId, ApiError<Admin>> {
    let id = parse_appid(raw)?;
    state
        .store
        .get_app(&id)
        .await
        .map_err(ApiError::system)?
        .ok_or_else(|| no_app(raw))?;
    Ok(id)
}

/// The appid of a path segment, or 404.
pub(crate) fn parse_appid(raw: &str) -> Result<AppId, ApiError<Admin>> {
    AppId::parse(raw).map_err(|_| no_app(raw))
}

/// `?page=&page_size=` (1-based; page_size 1–200, default 50).
#[derive(Debug, Deserialize)]
pub struct Paging {
    page: Option<u64>,
    page_size: Option<u64>,
}

impl Paging {
    /// (page, page_size, offset).
    pub(crate) fn resolve(&self) -> Result<(u64, u64, u64), ApiError<Admin>> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(50);
        if page == 0 || !(1..=200).contains(&size) {
            return Err(ApiError::new(
                admin_codes::INVALID_REQUEST,
                "page must be ≥ 1 and page_size 1–200",
            )
            .with_status(StatusCode::BAD_REQUEST));
        }
        Ok((page, size, (page - 1).saturating_mul(size)))
    }
}

pub use apps::create_app;
