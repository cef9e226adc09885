//! Links: the generate form (the open API's rules: `GenerateLink` and the same qps limit and
//! daily quota), the app's links with visits, expiry, QR and copy (filtered by page and
//! liveness, paged), visits per day of the app and of each link, today's quota use. Pending
//! visit counts are flushed first, as the admin listing does.

use super::charts;
use super::paths::{self, fill};
use super::session::{ConsoleForm, Session};
use super::view::{load_app, page_window, platform_text, AppTab, Chrome, Pager};
use crate::http::ApiError;
use crate::state::AppState;
use crate::timefmt::{beijing_minute, shanghai_date};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use dyopen_core::app::App;
use dyopen_core::link::{
    daily_series, GenerateLink, Link, LinkApi, LinkCode, LinkDraft, LinkFilter, Liveness,
    CHART_DAYS,
};
use dyopen_wire::dialect::Open;
use serde::Deserialize;

const PAGE_SIZE: u64 = 20;
const HOSTS: [&str; 4] = ["douyin", "douyinlite", "toutiao", "toutiaolite"];

/// A row of the links table.
pub struct LinkRow {
    url: String,
    href: String,
    code: String,
    host: String,
    path: String,
    visits: i64,
    expires: String,
    live: bool,
}

/// Filter and paging of the list.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<u64>,
    path: Option<String>,
    state: Option<String>,
}

#[derive(Template)]
#[template(path = "console/links.html")]
struct LinksPage {
    chrome: Chrome,
    rows: Vec<LinkRow>,
    total: u64,
    pager: Pager,
    action: String,
    list_action: String,
    hosts: [&'static str; 4],
    pages: Vec<String>,
    filter_path: String,
    filter_state: &'static str,
    made: Option<String>,
    used_today: i64,
    quota: i64,
    quota_svg: String,
    visits_svg: String,
    visits: Vec<(String, i64)>,
}

fn row(state: &AppState, l: &Link, now: dyopen_core::Timestamp) -> LinkRow {
    LinkRow {
        url: format!("{}/{}", state.public_base_url, l.code),
        href: fill(paths::LINK, &[l.code.as_str()]),
        code: l.code.to_string(),
        host: l.host.as_str().to_owned(),
        path: l.path.clone(),
        visits: l.visits,
        expires: beijing_minute(l.expires_at),
        live: l.is_live(now),
    }
}

async fn links_page(
    state: &AppState,
    session: &Session,
    app: &App,
    q: ListQuery,
) -> Result<LinksPage, Response> {
    let now = state.clock.now();
    let today = now.shanghai_day();
    state.links.visits.settle(state.store.as_ref()).await;
    let (page, offset) = page_window(q.page, PAGE_SIZE);
    let path = q.path.clone().filter(|p| !p.is_empty());
    let filter = LinkFilter {
        path: path.clone(),
        liveness: Liveness::parse(q.state.as_deref().unwrap_or_default()),
        now,
    };
    let (links, total) = state
        .store
        .search_links(&app.appid, &filter, offset, PAGE_SIZE)
        .await
        .map_err(super::storage_failed)?;
    let used = state
        .store
        .links_used_on(&app.appid, today)
        .await
        .map_err(super::storage_failed)?;
    let by_day = state
        .store
        .visits_by_day(&app.appid, None, today - (CHART_DAYS - 1), today)
        .await
        .map_err(super::storage_failed)?;
    let series = daily_series(&by_day, today, CHART_DAYS);
    let id = app.appid.as_str();
    let list_action = fill(paths::LINKS, &[id]);
    let (fp, fs) = (path.clone().unwrap_or_default(), filter.liveness.as_str());
    let link = |n: u64| {
        format!(
            "{list_action}?page={n}&path={}&state={fs}",
            dyopen_core::link::percent_encode(&fp)
        )
    };
    Ok(LinksPage {
        chrome: Chrome::for_app(state, session, app, AppTab::Links),
        rows: links.iter().map(|l| row(state, l, now)).collect(),
        total,
        pager: Pager::new(page, PAGE_SIZE, total, link),
        action: list_action.clone(),
        list_action,
        hosts: HOSTS,
        pages: app.pages.to_strings(),
        filter_path: path.unwrap_or_default(),
        filter_state: filter.liveness.as_str(),
        made: None,
        used_today: used,
        quota: app.daily_link_quota,
        quota_svg: charts::quota(
            used,
            app.daily_link_quota,
            "今日链接配额 Today's link quota",
        ),
        visits_svg: charts::daily_visits(&series, "近 30 天访问 Visits, last 30 days"),
        visits: series
            .iter()
            .rev()
            .map(|(d, n)| (shanghai_date(*d), *n))
            .collect(),
    })
}

/// `GET /console/apps/{appid}/links?path=&state=&page=`.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Path(appid): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    match links_page(&state, &session, &app, q).await {
        Ok(p) => super::render(StatusCode::OK, &p),
        Err(r) => r,
    }
}

/// The generate form.
#[derive(Deserialize)]
pub struct GenerateForm {
    app_name: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    query: String,
    /// Hours from now until the link expires.
    hours: String,
}

/// `POST /console/apps/{appid}/links`: generates a link by the open API's rules.
pub async fn generate(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<GenerateForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let now = state.clock.now().secs();
    let expire = form
        .hours
        .trim()
        .parse::<i64>()
        .ok()
        .map(|h| now.saturating_add(h.saturating_mul(3600)));
    let draft = LinkDraft {
        named_app: Some(appid.clone()),
        app_name: Some(form.app_name),
        path: Some(form.path),
        query: Some(form.query),
        expire_time: expire,
    };
    let made = match GenerateLink::parse(draft, LinkApi::V1) {
        Ok(cmd) => crate::api::link::service::generate_for(&state, &app, &cmd).await,
        Err(e) => Err(e),
    };
    let mut page = match links_page(&state, &session, &app, ListQuery::default()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match made {
        Ok(url) => {
            page.chrome = page.chrome.notice("链接已生成 Link generated");
            page.made = Some(url);
            super::render(StatusCode::OK, &page)
        }
        Err(e) => {
            let api = ApiError::<Open>::from(e);
            page.chrome = page.chrome.error(platform_text(api.code, &api.message));
            super::render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "console/link.html")]
struct LinkPage {
    chrome: Chrome,
    url: String,
    link: LinkRow,
    query: String,
    created: String,
    qr_svg: String,
    visits_svg: String,
    visits: Vec<(String, i64)>,
}

/// `GET /console/links/{code}`: one link, its QR code and visits per day.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(raw): Path<String>,
) -> Response {
    let Some(code) = LinkCode::parse(&raw) else {
        return super::not_found(&raw);
    };
    state.links.visits.settle(state.store.as_ref()).await;
    let link = match state.store.get_link(&code).await {
        Ok(Some(l)) => l,
        Ok(None) => return super::not_found(&raw),
        Err(e) => return super::storage_failed(e),
    };
    let app = match load_app(&state, link.appid.as_str()).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let today = now.shanghai_day();
    let by_day = match state
        .store
        .visits_by_day(&app.appid, Some(&code), today - (CHART_DAYS - 1), today)
        .await
    {
        Ok(rows) => rows,
        Err(e) => return super::storage_failed(e),
    };
    let series = daily_series(&by_day, today, CHART_DAYS);
    let row = row(&state, &link, now);
    let mut chrome = Chrome::for_app(&state, &session, &app, AppTab::Links);
    chrome.title = format!("链接 Link {}", link.code);
    super::render(
        StatusCode::OK,
        &LinkPage {
            chrome,
            qr_svg: crate::links::landing::qr_svg(&row.url),
            url: row.url.clone(),
            query: link.query.clone(),
            created: beijing_minute(link.created_at),
            visits_svg: charts::daily_visits(&series, "近 30 天访问 Visits, last 30 days"),
            visits: series
                .iter()
                .rev()
                .map(|(d, n)| (shanghai_date(*d), *n))
                .collect(),
            link: row,
        },
    )
}
