//! `/console`: the web console (SPEC §10). Server-rendered pages from askama templates under
//! `templates/console/` (one module per page here), charts drawn server-side as SVG
//! ([`charts`]), a login with the admin token that opens a session stored in the database
//! ([`session`]), a CSRF token on every form. Every write goes through the same core rules and
//! store calls as the open and admin APIs; handlers hold no SQL and build no JSON.
//!
//! The pages are HTML for people, not an API: they are not in `/openapi.json`.
//!
//! None of this is on the open-API or redirect paths: the console's routes are its own, and the
//! session check is an extractor of its handlers, not a layer over other routes.

pub mod apps;
pub mod charts;
pub mod emulator;
pub mod journal;
pub mod links;
pub mod login;
pub mod paths;
pub mod regions;
pub mod session;
pub mod tasks;
pub mod view;

use crate::state::AppState;
use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

/// The console's routes (merged into the main router).
pub fn router(state: AppState) -> Router<AppState> {
    let mut router = Router::new()
        .route(paths::SITE_ROOT, get(to_console))
        .route(paths::ROOT, get(to_console))
        .route(paths::LOGIN, get(login::form).post(login::submit))
        .route(paths::LOGOUT, post(login::logout))
        .route(paths::CSS, get(css))
        .route(paths::JS, get(js))
        .route(paths::APPS, get(apps::list).post(apps::create))
        .route(paths::APP, get(apps::overview).post(apps::update))
        .route(paths::APP_SECRET, post(apps::rotate_secret))
        .route(paths::APP_PROVIDERS, post(apps::grant))
        .route(paths::APP_PROVIDER_REVOKE, post(apps::revoke))
        .route(paths::REGIONS, get(regions::page))
        .route(paths::REGION_ADD, post(regions::add))
        .route(paths::REGION_MODIFY, post(regions::modify))
        .route(paths::REGION_DELETE, post(regions::delete))
        .route(paths::TASKS, get(tasks::list).post(tasks::create))
        .route(paths::TASK, get(tasks::page))
        .route(paths::TASK_STATUS, post(tasks::set_status))
        .route(paths::TASK_TALENTS, post(tasks::talents))
        .route(paths::TASK_SUBMISSION, post(tasks::submit))
        .route(paths::LINKS, get(links::list).post(links::generate))
        .route(paths::LINK, get(links::page));
    if state.emulator.is_some() {
        router = router
            .route(paths::EMULATOR, get(emulator::page))
            .route(paths::EMULATOR_CLOCK, post(emulator::clock))
            .route(paths::EMULATOR_RESET, post(emulator::reset))
            .route(paths::EMULATOR_FAULTS, post(emulator::faults))
            .route(paths::EMULATOR_TAIL, get(journal::tail));
    }
    router
}

/// `/` and `/console`: a browser opening the server lands on the apps page (or the login page).
async fn to_console() -> Redirect {
    Redirect::to(paths::APPS)
}

async fn css() -> Response {
    static_asset(
        "text/css; charset=utf-8",
        include_str!("../../templates/console/static/console.css"),
    )
}

async fn js() -> Response {
    static_asset(
        "text/javascript; charset=utf-8",
        include_str!("../../templates/console/static/console.js"),
    )
}

fn static_asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// A rendered page (a template that fails to render is a 500 page, and logged).
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    status: String,
    message: &'a str,
    css: &'static str,
    home: &'static str,
}

/// A plain error page (refused forms, unknown records, storage failures).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    render(
        status,
        &ErrorPage {
            status: status.to_string(),
            message,
            css: paths::CSS,
            home: paths::APPS,
        },
    )
}

/// 404 for an unknown app, task or link.
pub fn not_found(what: &str) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        &format!("没有找到 Not found: {what}"),
    )
}

/// 503 when the database failed (the cause is logged).
pub fn storage_failed(cause: impl std::fmt::Display) -> Response {
    tracing::error!(error = %cause, "console: storage failed");
    error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "数据库不可用 · The database is unavailable; try again shortly.",
    )
}
