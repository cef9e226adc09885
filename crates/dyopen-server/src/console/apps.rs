//! Apps: the list and the create form (the secret shown once, with a copy button), and one
//! app's overview: settings (name, pages, quotas, status), secret rotation, provider grants,
//! today's link quota and visits per day. Writes go through the admin API's own functions.

use super::charts;
use super::paths::{self, fill};
use super::session::{ConsoleForm, Session};
use super::view::{load_app, page_window, AppTab, Chrome, Pager};
use crate::admin::apps::{create_app, patch_of, rotate, view};
use crate::state::AppState;
use crate::timefmt::{beijing_minute, shanghai_date};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dyopen_core::app::App;
use dyopen_core::link::{daily_series, CHART_DAYS};
use dyopen_wire::admin::{AppWithSecret, CreateAppRequest, UpdateAppRequest};
use serde::Deserialize;

const PAGE_SIZE: u64 = 50;

/// A row of the apps table.
pub struct AppRow {
    name: String,
    appid: String,
    href: String,
    status: &'static str,
    pages: usize,
    qps_limit: i64,
    daily_link_quota: i64,
    created: String,
}

#[derive(Template)]
#[template(path = "console/apps.html")]
struct AppsPage {
    chrome: Chrome,
    rows: Vec<AppRow>,
    total: u64,
    pager: Pager,
    action: &'static str,
    name: String,
    pages: String,
}

/// `?page=`.
#[derive(Deserialize)]
pub struct Paging {
    page: Option<u64>,
}

async fn apps_page(
    state: &AppState,
    session: &Session,
    page: Option<u64>,
) -> Result<AppsPage, Response> {
    let (page, offset) = page_window(page, PAGE_SIZE);
    let (apps, total) = state
        .store
        .list_apps(offset, PAGE_SIZE)
        .await
        .map_err(super::storage_failed)?;
    let rows = apps
        .iter()
        .map(|a| AppRow {
            name: a.name.clone(),
            appid: a.appid.to_string(),
            href: fill(paths::APP, &[a.appid.as_str()]),
            status: a.status.as_str(),
            pages: a.pages.to_strings().len(),
            qps_limit: a.qps_limit,
            daily_link_quota: a.daily_link_quota,
            created: beijing_minute(a.created_at),
        })
        .collect();
    Ok(AppsPage {
        chrome: Chrome::new(state, session, "应用 Apps", "apps"),
        rows,
        total,
        pager: Pager::new(page, PAGE_SIZE, total, |n| {
            format!("{}?page={n}", paths::APPS)
        }),
        action: paths::APPS,
        name: String::new(),
        pages: "pages/index/index".into(),
    })
}

/// `GET /console/apps?page=`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Paging>,
) -> Response {
    match apps_page(&state, &session, q.page).await {
        Ok(page) => super::render(StatusCode::OK, &page),
        Err(r) => r,
    }
}

/// The create form.
#[derive(Deserialize)]
pub struct CreateForm {
    name: String,
    #[serde(default)]
    pages: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Template)]
#[template(path = "console/secret.html")]
struct SecretPage {
    chrome: Chrome,
    heading: &'static str,
    app: AppWithSecret,
    app_href: String,
}

/// `POST /console/apps`: creates the app and shows its secret once.
pub async fn create(
    State(state): State<AppState>,
    ConsoleForm(session, form): ConsoleForm<CreateForm>,
) -> Response {
    let req = CreateAppRequest {
        name: form.name.clone(),
        pages: lines(&form.pages),
        qps_limit: None,
        daily_link_quota: None,
    };
    match create_app(&state, req).await {
        Ok(app) => secret_page(&state, &session, "应用已创建 App created", app),
        Err(e) => match apps_page(&state, &session, None).await {
            Ok(mut page) => {
                page.chrome = page.chrome.error(e.message);
                page.name = form.name;
                page.pages = form.pages;
                super::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(r) => r,
        },
    }
}

fn secret_page(
    state: &AppState,
    session: &Session,
    heading: &'static str,
    app: AppWithSecret,
) -> Response {
    let app_href = fill(paths::APP, &[&app.app.appid]);
    let chrome = Chrome::new(state, session, heading, "apps");
    super::render(
        StatusCode::OK,
        &SecretPage {
            chrome,
            heading,
            app,
            app_href,
        },
    )
}

/// A provider grant in the overview.
pub struct ProviderRow {
    provider_appid: String,
    granted: String,
}

#[derive(Template)]
#[template(path = "console/app.html")]
struct OverviewPage {
    chrome: Chrome,
    app: dyopen_wire::admin::AppView,
    pages_text: String,
    settings_action: String,
    secret_action: String,
    grant_action: String,
    revoke_action: String,
    providers: Vec<ProviderRow>,
    used_today: i64,
    today: String,
    quota_svg: String,
    visits_svg: String,
    visits: Vec<(String, i64)>,
    visits_total: i64,
}

async fn overview_page(
    state: &AppState,
    session: &Session,
    app: &App,
) -> Result<OverviewPage, Response> {
    let now = state.clock.now();
    let today = now.shanghai_day();
    state.links.visits.settle(state.store.as_ref()).await;
    let used = state
        .store
        .links_used_on(&app.appid, today)
        .await
        .map_err(super::storage_failed)?;
    let rows = state
        .store
        .visits_by_day(&app.appid, None, today - (CHART_DAYS - 1), today)
        .await
        .map_err(super::storage_failed)?;
    let series = daily_series(&rows, today, CHART_DAYS);
    let providers = state
        .store
        .list_providers(&app.appid)
        .await
        .map_err(super::storage_failed)?
        .into_iter()
        .map(|(p, at)| ProviderRow {
            provider_appid: p.to_string(),
            granted: beijing_minute(at),
        })
        .collect();
    let id = app.appid.as_str();
    Ok(OverviewPage {
        chrome: Chrome::for_app(state, session, app, AppTab::Overview),
        app: view(app),
        pages_text: app.pages.to_strings().join("\n"),
        settings_action: fill(paths::APP, &[id]),
        secret_action: fill(paths::APP_SECRET, &[id]),
        grant_action: fill(paths::APP_PROVIDERS, &[id]),
        revoke_action: fill(paths::APP_PROVIDER_REVOKE, &[id]),
        providers,
        used_today: used,
        today: shanghai_date(today),
        quota_svg: charts::quota(
            used,
            app.daily_link_quota,
            "今日链接配额 Today's link quota",
        ),
        visits_svg: charts::daily_visits(&series, "近 30 天访问 Visits, last 30 days"),
        visits_total: series.iter().map(|(_, n)| n).sum(),
        visits: series
            .iter()
            .rev()
            .map(|(d, n)| (shanghai_date(*d), *n))
            .collect(),
    })
}

/// `GET /console/apps/{appid}`.
pub async fn overview(
    State(state): State<AppState>,
    session: Session,
    Path(appid): Path<String>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    match overview_page(&state, &session, &app).await {
        Ok(page) => super::render(StatusCode::OK, &page),
        Err(r) => r,
    }
}

async fn overview_with(
    state: &AppState,
    session: &Session,
    app: &App,
    status: StatusCode,
    note: Result<String, String>,
) -> Response {
    match overview_page(state, session, app).await {
        Ok(mut page) => {
            page.chrome = match note {
                Ok(n) => page.chrome.notice(n),
                Err(e) => page.chrome.error(e),
            };
            super::render(status, &page)
        }
        Err(r) => r,
    }
}

/// The settings form.
#[derive(Deserialize)]
pub struct SettingsForm {
    name: String,
    #[serde(default)]
    pages: String,
    qps_limit: String,
    daily_link_quota: String,
    status: String,
}

/// `POST /console/apps/{appid}`: name, pages, quotas, status (the admin API's parse).
pub async fn update(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<SettingsForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let number = |field: &str, v: &str| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| format!("{field}: 请输入整数 enter a whole number"))
    };
    let req = match (
        number("qps_limit", &form.qps_limit),
        number("daily_link_quota", &form.daily_link_quota),
    ) {
        (Ok(q), Ok(d)) => UpdateAppRequest {
            name: Some(form.name),
            pages: Some(lines(&form.pages)),
            qps_limit: Some(q),
            daily_link_quota: Some(d),
            status: Some(form.status),
        },
        (Err(e), _) | (_, Err(e)) => {
            return overview_with(
                &state,
                &session,
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                Err(e),
            )
            .await
        }
    };
    let patch = match patch_of(&req) {
        Ok(p) => p,
        Err(e) => {
            return overview_with(
                &state,
                &session,
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                Err(e.message),
            )
            .await
        }
    };
    match state.store.update_app(&app.appid, &patch).await {
        Ok(Some(_)) => Redirect::to(&fill(paths::APP, &[&appid])).into_response(),
        Ok(None) => super::not_found(&appid),
        Err(e) => super::storage_failed(e),
    }
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// `POST /console/apps/{appid}/secret`: a new secret, shown once; live tokens are revoked.
pub async fn rotate_secret(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, Empty {}): ConsoleForm<Empty>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    match rotate(&state, &app.appid).await {
        Ok(with_secret) => secret_page(&state, &session, "密钥已轮换 Secret rotated", with_secret),
        Err(e) => {
            overview_with(
                &state,
                &session,
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                Err(e.message),
            )
            .await
        }
    }
}

/// The provider forms.
#[derive(Deserialize)]
pub struct ProviderForm {
    provider_appid: String,
}

/// `POST /console/apps/{appid}/providers`.
pub async fn grant(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<ProviderForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let outcome =
        crate::admin::providers::grant_to(&state, &app.appid, form.provider_appid.trim()).await;
    match outcome {
        Ok(v) => {
            overview_with(
                &state,
                &session,
                &app,
                StatusCode::OK,
                Ok(format!("已授权 Granted: {}", v.provider_appid)),
            )
            .await
        }
        Err(e) => {
            overview_with(
                &state,
                &session,
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                Err(e.message),
            )
            .await
        }
    }
}

/// `POST /console/apps/{appid}/providers/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<ProviderForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let Ok(provider) = dyopen_core::app::AppId::parse(form.provider_appid.trim()) else {
        return super::not_found(&form.provider_appid);
    };
    match state.store.revoke_provider(&app.appid, &provider).await {
        Ok(true) => {
            overview_with(
                &state,
                &session,
                &app,
                StatusCode::OK,
                Ok(format!("已撤销 Revoked: {provider}")),
            )
            .await
        }
        Ok(false) => super::not_found(&form.provider_appid),
        Err(e) => super::storage_failed(e),
    }
}
