//! Apps: create (secret shown once), list, get, update, rotate secret.

use super::{error, no_app, parse_appid, Paging};
use crate::http::extract::WireQuery;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use dyopen_core::app::{
    self, App, AppError, AppId, AppPatch, AppSecret, AppStatus, PublishedPages,
};
use dyopen_core::StoreError;
use dyopen_wire::admin::{AppView, AppWithSecret, CreateAppRequest, Page, UpdateAppRequest};
use dyopen_wire::dialect::Admin;

/// The admin view of an app.
pub(crate) fn view(app: &App) -> AppView {
    AppView {
        appid: app.appid.to_string(),
        name: app.name.clone(),
        pages: app.pages.to_strings(),
        qps_limit: app.qps_limit,
        daily_link_quota: app.daily_link_quota,
        status: app.status.as_str().into(),
        created_at: rfc3339(app.created_at),
    }
}

fn invalid(e: AppError) -> ApiError<Admin> {
    error(StatusCode::BAD_REQUEST, e.to_string())
}

fn system(e: StoreError) -> ApiError<Admin> {
    ApiError::system(e)
}

/// Creates an app and its first secret; answers 201 with the app and the secret.
pub async fn create_app(
    state: &AppState,
    req: CreateAppRequest,
) -> Result<AppWithSecret, ApiError<Admin>> {
    let secret = AppSecret::generate();
    let app = app::NewApp::parse(
        &req.name,
        &req.pages,
        req.qps_limit,
        req.daily_link_quota,
        None,
    )
    .map_err(invalid)?
    .into_app(
        AppId::generate(),
        secret.hash(),
        state.clock.now().unix_secs(),
    );
    state.store.create_app(&app).await.map_err(system)?;
    Ok(AppWithSecret {
        app: view(&app),
        secret: secret.expose().to_owned(),
    })
}

/// `POST /admin/v1/apps` `{"name", "pages"}` → 201 with the secret (shown once).
#[utoipa::path(post, path = "/admin/v1/apps", operation_id = "admin_create_app", tag = "admin", security(("admin_token" = [])), request_body = CreateAppRequest,
    responses((status = 201, description = "The app and its secret (shown once)", body = AppWithSecret), (status = 400, description = "Unparsable body or an invalid name, page or quota", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn create(
    State(state): State<AppState>,
    WireJson(req, _): WireJson<CreateAppRequest, Admin>,
) -> Result<(StatusCode, Json<AppWithSecret>), ApiError<Admin>> {
    Ok((StatusCode::CREATED, Json(create_app(&state, req).await?)))
}

/// `GET /admin/v1/apps?page=&page_size=`.
#[utoipa::path(get, path = "/admin/v1/apps", operation_id = "admin_list_apps", tag = "admin", security(("admin_token" = [])), params(("page" = Option<u64>, Query, minimum = 1, description = "1-based, default 1"), ("page_size" = Option<u64>, Query, minimum = 1, maximum = 200, description = "1-200, default 50")),
    responses((status = 200, description = "A page of apps", body = Page<AppView>), (status = 400, description = "page or page_size out of range or not a number", body = dyopen_wire::dialect::AdminError)))]
pub async fn list(
    State(state): State<AppState>,
    WireQuery(paging, _): WireQuery<Paging, Admin>,
) -> Result<Json<Page<AppView>>, ApiError<Admin>> {
    let (page, page_size, offset) = paging.resolve()?;
    let (apps, total) = state
        .store
        .list_apps(offset, page_size)
        .await
        .map_err(system)?;
    Ok(Json(Page {
        items: apps.iter().map(view).collect(),
        total,
        page,
        page_size,
    }))
}

/// `GET /admin/v1/apps/{appid}`.
#[utoipa::path(get, path = "/admin/v1/apps/{appid}", operation_id = "admin_get_app", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex")),
    responses((status = 200, body = AppView), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError)))]
pub async fn get(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> Result<Json<AppView>, ApiError<Admin>> {
    let id = parse_appid(&appid)?;
    let app = state
        .store
        .get_app(&id)
        .await
        .map_err(system)?
        .ok_or_else(|| no_app(&appid))?;
    Ok(Json(view(&app)))
}

/// `PATCH /admin/v1/apps/{appid}` with any of name, pages, qps_limit, daily_link_quota, status.
#[utoipa::path(patch, path = "/admin/v1/apps/{appid}", operation_id = "admin_update_app", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex")), request_body = UpdateAppRequest,
    responses((status = 200, body = AppView), (status = 400, description = "Unparsable body or an invalid name, page, quota or status", body = dyopen_wire::dialect::AdminError), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn update(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    WireJson(req, _): WireJson<UpdateAppRequest, Admin>,
) -> Result<Json<AppView>, ApiError<Admin>> {
    let id = parse_appid(&appid)?;
    let patch = patch_of(&req)?;
    let app = state
        .store
        .update_app(&id, &patch)
        .await
        .map_err(system)?
        .ok_or_else(|| no_app(&appid))?;
    Ok(Json(view(&app)))
}

/// The patch an update asks for, each field parsed by its core rule (the API's and the
/// console's one parse).
pub(crate) fn patch_of(req: &UpdateAppRequest) -> Result<AppPatch, ApiError<Admin>> {
    Ok(AppPatch {
        name: req
            .name
            .as_deref()
            .map(app::parse_name)
            .transpose()
            .map_err(invalid)?,
        pages: req
            .pages
            .as_deref()
            .map(PublishedPages::parse)
            .transpose()
            .map_err(invalid)?,
        qps_limit: req
            .qps_limit
            .map(|v| app::parse_quota("qps_limit", v))
            .transpose()
            .map_err(invalid)?,
        daily_link_quota: req
            .daily_link_quota
            .map(|v| app::parse_quota("daily_link_quota", v))
            .transpose()
            .map_err(invalid)?,
        status: req
            .status
            .as_deref()
            .map(AppStatus::parse)
            .transpose()
            .map_err(invalid)?,
    })
}

/// `POST /admin/v1/apps/{appid}/secret`: a new secret (shown once); every live token is revoked.
#[utoipa::path(post, path = "/admin/v1/apps/{appid}/secret", operation_id = "admin_rotate_secret", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex")),
    responses((status = 200, description = "The new secret (shown once); live tokens are revoked", body = AppWithSecret), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError)))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> Result<Json<AppWithSecret>, ApiError<Admin>> {
    let id = parse_appid(&appid)?;
    Ok(Json(rotate(&state, &id).await?))
}

/// Gives the app a new secret (shown once) and revokes its live tokens; the demo app's record
/// follows (the API's and the console's one procedure).
pub(crate) async fn rotate(state: &AppState, id: &AppId) -> Result<AppWithSecret, ApiError<Admin>> {
    let appid = id.as_str();
    let secret = AppSecret::generate();
    if !state
        .store
        .rotate_secret(id, &secret.hash(), state.clock.now())
        .await
        .map_err(system)?
    {
        return Err(no_app(appid));
    }
    let app = state
        .store
        .get_app(id)
        .await
        .map_err(system)?
        .ok_or_else(|| no_app(appid))?;
    // The demo app's record follows, so the next start shows the secret that works.
    let demo = state.store.demo_app().await.map_err(system)?;
    if demo.is_some_and(|d| &d.appid == id) {
        let record = dyopen_core::store::DemoApp {
            appid: id.clone(),
            secret: secret.clone(),
        };
        state.store.set_demo_app(&record).await.map_err(system)?;
    }
    Ok(AppWithSecret {
        app: view(&app),
        secret: secret.expose().to_owned(),
    })
}
