//! An app's city bindings: city and province names, data_id, bind type, when each target may
//! change again; add, modify and delete through the same core commands and store calls as the
//! open API (`api/region/*`), a refusal shown as the platform's `err_no` and text; bindings per
//! province as a chart.

use super::charts::{self, Bar};
use super::paths::{self, fill};
use super::session::{ConsoleForm, Session};
use super::view::{load_app, platform_text, AppTab, Chrome};
use crate::http::ApiError;
use crate::state::AppState;
use crate::timefmt::beijing_minute;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dyopen_core::app::App;
use dyopen_core::region::{catalogue, AddBinding, CityError, DeleteBinding, ModifyBinding};
use dyopen_wire::dialect::City;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A row of the bindings table.
pub struct BindingRow {
    city: String,
    province: String,
    region_id: String,
    data_id: String,
    whole: bool,
    path: String,
    next_change: String,
    can_change: bool,
}

/// A city of the form's list.
pub struct CityOption {
    code: String,
    label: String,
}

#[derive(Template)]
#[template(path = "console/regions.html")]
struct RegionsPage {
    chrome: Chrome,
    rows: Vec<BindingRow>,
    cities: Vec<CityOption>,
    add_action: String,
    modify_action: String,
    delete_action: String,
    chart_svg: String,
    provinces: Vec<(String, i64)>,
}

async fn regions_page(
    state: &AppState,
    session: &Session,
    app: &App,
) -> Result<RegionsPage, Response> {
    let now = state.clock.now();
    let regions = state
        .store
        .region_state(&app.appid)
        .await
        .map_err(super::storage_failed)?;
    let mut per_province: BTreeMap<String, i64> = BTreeMap::new();
    let rows = regions
        .bindings
        .iter()
        .map(|b| {
            let city = catalogue().get(&b.region_id);
            let province = city.map(|c| c.province_name.clone()).unwrap_or_default();
            *per_province.entry(province.clone()).or_default() += 1;
            let next = regions.next_change_at(&b.path);
            BindingRow {
                city: city.map(|c| c.name.clone()).unwrap_or_default(),
                province,
                region_id: b.region_id.clone(),
                data_id: b.data_id_text(),
                whole: b.path.is_empty(),
                path: b.path.clone(),
                next_change: next.map(beijing_minute).unwrap_or_default(),
                can_change: next.is_none_or(|n| now.unix_secs() >= n),
            }
        })
        .collect();
    let bars: Vec<Bar> = per_province
        .iter()
        .map(|(p, n)| Bar {
            label: p.clone(),
            value: *n,
        })
        .collect();
    let id = app.appid.as_str();
    Ok(RegionsPage {
        chrome: Chrome::for_app(state, session, app, AppTab::Regions),
        rows,
        cities: catalogue()
            .cities()
            .into_iter()
            .map(|c| CityOption {
                code: c.code.clone(),
                label: format!("{} · {}", c.name, c.province_name),
            })
            .collect(),
        add_action: fill(paths::REGION_ADD, &[id]),
        modify_action: fill(paths::REGION_MODIFY, &[id]),
        delete_action: fill(paths::REGION_DELETE, &[id]),
        chart_svg: if bars.is_empty() {
            String::new()
        } else {
            charts::bar_chart(&bars, "各省绑定数 Bindings per province", 12)
        },
        provinces: per_province.into_iter().collect(),
    })
}

/// `GET /console/apps/{appid}/regions`.
pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(appid): Path<String>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    match regions_page(&state, &session, &app).await {
        Ok(p) => super::render(StatusCode::OK, &p),
        Err(r) => r,
    }
}

/// After a write: back to the page, or the page with the platform's refusal.
async fn answer(
    state: &AppState,
    session: &Session,
    app: &App,
    done: Result<(), CityError>,
) -> Response {
    match done {
        Ok(()) => Redirect::to(&fill(paths::REGIONS, &[app.appid.as_str()])).into_response(),
        Err(e) => {
            // The open API's own mapping, so the page shows what a client would be told.
            let api = ApiError::<City>::from(e);
            match regions_page(state, session, app).await {
                Ok(mut p) => {
                    p.chrome = p.chrome.error(platform_text(api.code, &api.message));
                    super::render(StatusCode::UNPROCESSABLE_ENTITY, &p)
                }
                Err(r) => r,
            }
        }
    }
}

/// The add form.
#[derive(Deserialize)]
pub struct AddForm {
    bind_type: i64,
    region_id: String,
    #[serde(default)]
    path: String,
}

/// `POST …/regions/add`: `app_region_add`'s rules.
pub async fn add(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<AddForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let path = form.path.trim();
    let done = match AddBinding::parse(
        Some(form.bind_type),
        Some(form.region_id.trim()),
        Some(path),
    ) {
        Ok(cmd) => state
            .store
            .region_add(&app.appid, &cmd, state.clock.now())
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    answer(&state, &session, &app, done).await
}

/// The modify form.
#[derive(Deserialize)]
pub struct ModifyForm {
    origin_region: String,
    current_region: String,
    #[serde(default)]
    path: String,
}

/// `POST …/regions/modify`: `app_region_modify`'s rules (7-day throttle included).
pub async fn modify(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<ModifyForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let done = match ModifyBinding::parse(
        Some(form.origin_region.trim()),
        Some(form.current_region.trim()),
        Some(form.path.trim()),
    ) {
        Ok(cmd) => {
            state
                .store
                .region_modify(&app.appid, &cmd, state.clock.now())
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &session, &app, done).await
}

/// The delete form.
#[derive(Deserialize)]
pub struct DeleteForm {
    region_id: String,
    #[serde(default)]
    path: String,
}

/// `POST …/regions/delete`: `app_region_delete`'s rules.
pub async fn delete(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    ConsoleForm(session, form): ConsoleForm<DeleteForm>,
) -> Response {
    let app = match load_app(&state, &appid).await {
        Ok(app) => app,
        Err(r) => return r,
    };
    let done = match DeleteBinding::parse(Some(form.region_id.trim()), Some(form.path.trim())) {
        Ok(cmd) => {
            state
                .store
                .region_delete(&app.appid, &cmd, state.clock.now())
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &session, &app, done).await
}
