//! Login with the admin token (a session in the database and an HttpOnly, SameSite=Strict
//! cookie), and logout. A wrong token answers the login page with an error and sets no cookie.

use super::paths;
use super::session::{self, ConsoleForm, Session};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dyopen_core::session::{ConsoleSession, SessionToken};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    css: &'static str,
    action: &'static str,
    csrf: String,
    error: Option<&'static str>,
}

fn login_page(state: &AppState, status: StatusCode, error: Option<&'static str>) -> Response {
    super::render(
        status,
        &LoginPage {
            css: paths::CSS,
            action: paths::LOGIN,
            csrf: session::login_csrf(state),
            error,
        },
    )
}

/// `GET /console/login` (an open session goes straight to the apps page).
pub async fn form(State(state): State<AppState>, session: Option<Session>) -> Response {
    if session.is_some() {
        return Redirect::to(paths::APPS).into_response();
    }
    login_page(&state, StatusCode::OK, None)
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    token: Option<String>,
    csrf: Option<String>,
}

/// `POST /console/login`: the admin token opens a session.
pub async fn submit(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    if !form
        .csrf
        .as_deref()
        .is_some_and(|c| session::login_csrf_ok(&state, c))
    {
        return super::error_page(
            StatusCode::FORBIDDEN,
            "CSRF 校验失败 · The login form is missing its token or is older than an hour: reload it.",
        );
    }
    let token = form.token.unwrap_or_default();
    if !crate::admin::is_admin_token(&state, token.trim()) {
        return login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("管理令牌错误 · Wrong admin token."),
        );
    }
    let token = SessionToken::generate();
    let now = state.wall_clock.now();
    let session = ConsoleSession::open(&token, now);
    if let Err(e) = state.store.session_open(&session, now).await {
        return super::storage_failed(e);
    }
    (
        [(header::SET_COOKIE, session::cookie_for(&state, &token))],
        Redirect::to(paths::APPS),
    )
        .into_response()
}

/// The logout form (its CSRF token is all it carries).
#[derive(Deserialize)]
pub struct LogoutForm {}

/// `POST /console/logout`: the session is deleted and the cookie cleared.
pub async fn logout(
    State(state): State<AppState>,
    ConsoleForm(session, LogoutForm {}): ConsoleForm<LogoutForm>,
) -> Response {
    if let Err(e) = state.store.session_close(&session.0.id_hash).await {
        return super::storage_failed(e);
    }
    (
        [(header::SET_COOKIE, session::cleared_cookie())],
        Redirect::to(paths::LOGIN),
    )
        .into_response()
}
