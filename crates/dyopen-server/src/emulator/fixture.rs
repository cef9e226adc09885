//! Fixtures: `POST /_emulator/v1/seed` (JSON, or YAML when the body does not start with `{`)
//! and `dyopen serve --seed-file`: apps with fixed or generated credentials, pages, quotas,
//! provider grants and city bindings. Every app is validated before anything is written.

use crate::admin::apps::view;
use crate::api::task::convert;
use crate::http::extract::read_body;
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::Json;
use dyopen_core::app::{self, App, AppId, AppSecret};
use dyopen_core::link::{GenerateLink, LinkApi, LinkDraft};
use dyopen_core::region::AddBinding;
use dyopen_core::task::NewTask;
use dyopen_wire::admin::AppWithSecret;
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::{Fixture, FixtureApp, SeedResponse, SeededLink, SeededTask};

fn bad(message: impl Into<String>) -> ApiError<Admin> {
    crate::admin::error(StatusCode::BAD_REQUEST, message)
}

/// Parses a fixture from JSON or YAML text.
pub fn parse_fixture(bytes: &[u8]) -> Result<Fixture, String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        serde_json::from_slice(bytes).map_err(|e| format!("fixture JSON: {e}"))
    } else {
        serde_norway::from_slice(bytes).map_err(|e| format!("fixture YAML: {e}"))
    }
}

fn build_app(
    state: &AppState,
    f: &FixtureApp,
    at: usize,
) -> Result<(App, AppSecret), ApiError<Admin>> {
    let ctx = |e: dyopen_core::app::AppError| bad(format!("apps[{at}]: {e}"));
    let appid = match &f.appid {
        Some(a) => AppId::parse(a).map_err(ctx)?,
        None => AppId::generate(),
    };
    let secret = match f.secret.as_deref() {
        Some("") => return Err(bad(format!("apps[{at}]: secret must not be empty"))),
        Some(s) => AppSecret::presented(s),
        // Stable across resets and restarts for a fixed appid (docs/emulator.md).
        None => AppSecret::derived_for_fixture(&appid),
    };
    let app = app::NewApp::parse(
        &f.name,
        &f.pages,
        f.qps_limit,
        f.daily_link_quota,
        f.status.as_deref(),
    )
    .map_err(ctx)?
    .into_app(appid, secret.hash(), state.clock.now().unix_secs());
    Ok((app, secret))
}

/// Creates one fixture app (no regions or providers); answers it with its secret.
pub(crate) async fn create_with_secret(
    state: &AppState,
    f: &FixtureApp,
) -> Result<AppWithSecret, ApiError<Admin>> {
    let (app, secret) = build_app(state, f, 0)?;
    store_app(state, &app, &secret).await
}

async fn store_app(
    state: &AppState,
    app: &App,
    secret: &AppSecret,
) -> Result<AppWithSecret, ApiError<Admin>> {
    state.store.create_app(app).await.map_err(|e| match e {
        dyopen_core::StoreError::Conflict(_) => crate::admin::error(
            StatusCode::CONFLICT,
            format!("app {} already exists", app.appid),
        ),
        other => ApiError::system(other),
    })?;
    Ok(AppWithSecret {
        app: view(app),
        secret: secret.expose().to_owned(),
    })
}

/// Validates the whole fixture, then creates its apps, grants and bindings in order.
pub async fn apply_fixture(
    state: &AppState,
    fixture: &Fixture,
) -> Result<SeedResponse, ApiError<Admin>> {
    let mut built = Vec::with_capacity(fixture.apps.len());
    for (i, f) in fixture.apps.iter().enumerate() {
        let (app, secret) = build_app(state, f, i)?;
        let bindings = f
            .regions
            .iter()
            .enumerate()
            .map(|(j, r)| {
                AddBinding::parse(Some(r.bind_type), Some(&r.region_id), r.path.as_deref())
                    .map_err(|e| bad(format!("apps[{i}].regions[{j}]: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let providers = f
            .providers
            .iter()
            .map(|p| AppId::parse(p).map_err(|e| bad(format!("apps[{i}].providers: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let tasks = f
            .tasks
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let task = NewTask::parse(convert::draft(t.clone()), state.clock.now())
                    .and_then(|task| task.check_page(&app.pages).map(|()| task));
                task.map_err(|e| bad(format!("apps[{i}].tasks[{j}]: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let now = state.clock.now();
        let links = f
            .links
            .iter()
            .enumerate()
            .map(|(j, l)| {
                let draft = LinkDraft {
                    named_app: Some(app.appid.to_string()),
                    app_name: Some(l.app_name.clone().unwrap_or_else(|| "douyin".into())),
                    path: l.path.clone(),
                    query: l.query.clone(),
                    expire_time: Some(l.expire_time.0),
                };
                GenerateLink::parse(draft, LinkApi::V1)
                    .and_then(|cmd| cmd.plan(&app, now))
                    .map_err(|e| bad(format!("apps[{i}].links[{j}]: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        built.push((app, secret, bindings, providers, tasks, links));
    }
    let mut apps = Vec::with_capacity(built.len());
    for (app, secret, _, _, _, _) in &built {
        apps.push(store_app(state, app, secret).await?);
    }
    let now = state.clock.now();
    let (mut tasks, mut links) = (Vec::new(), Vec::new());
    for (i, (app, _, bindings, providers, new_tasks, new_links)) in built.iter().enumerate() {
        for p in providers {
            state
                .store
                .grant_provider(&app.appid, p, now)
                .await
                .map_err(ApiError::system)?;
        }
        for (j, b) in bindings.iter().enumerate() {
            state
                .store
                .region_add(&app.appid, b, now)
                .await
                .map_err(|e| bad(format!("apps[{i}].regions[{j}]: {e}")))?;
        }
        for (j, t) in new_tasks.iter().enumerate() {
            let task = state
                .store
                .task_create(&app.appid, t, now)
                .await
                .map_err(|e| bad(format!("apps[{i}].tasks[{j}]: {e}")))?;
            tasks.push(SeededTask {
                appid: app.appid.to_string(),
                task_id: task.task_id.to_string(),
                task_name: task.task_name.clone(),
            });
        }
        // All at once, so the store's group-commit writer takes them in few transactions.
        let inserted = futures::future::join_all(new_links.iter().map(|l| {
            state
                .store
                .insert_link(l, now.shanghai_day(), app.daily_link_quota)
        }))
        .await;
        for (j, link) in inserted.into_iter().enumerate() {
            let link = link.map_err(|e| bad(format!("apps[{i}].links[{j}]: {e}")))?;
            links.push(SeededLink {
                appid: app.appid.to_string(),
                url_link: format!("{}/{}", state.public_base_url, link.code.as_str()),
            });
        }
    }
    Ok(SeedResponse { apps, tasks, links })
}

/// `POST /_emulator/v1/seed` with a fixture → 201 with the created apps and their secrets.
#[utoipa::path(post, path = "/_emulator/v1/seed", operation_id = "emulator_seed", tag = "emulator", request_body(description = "JSON, or YAML of the same shape", content((dyopen_wire::emulator::Fixture = "application/json"), (dyopen_wire::emulator::Fixture = "application/yaml"))),
    responses((status = 201, body = SeedResponse), (status = 400, description = "Unparsable or invalid fixture", body = dyopen_wire::dialect::AdminError), (status = 409, description = "An app of the fixture exists already", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError), (status = 500, description = "The store failed (logged)", body = dyopen_wire::dialect::AdminError)))]
pub async fn seed(
    State(state): State<AppState>,
    req: Request,
) -> Result<(StatusCode, Json<SeedResponse>), ApiError<Admin>> {
    let (_, bytes) = read_body(req).await.map_err(ApiError::param)?;
    let fixture = parse_fixture(&bytes).map_err(bad)?;
    Ok((
        StatusCode::CREATED,
        Json(apply_fixture(&state, &fixture).await?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_fixtures_parse_alike() {
        let yaml = b"apps:\n  - name: shop\n    appid: tt0123456789abcdef\n    pages: [pages/index/index]\n    regions:\n      - {bind_type: 1, region_id: \"440300\"}\n";
        let json = br#"{"apps":[{"name":"shop","appid":"tt0123456789abcdef","pages":["pages/index/index"],"regions":[{"bind_type":1,"region_id":"440300"}]}]}"#;
        assert_eq!(parse_fixture(yaml).unwrap(), parse_fixture(json).unwrap());
        assert!(parse_fixture(b"apps: [{nme: x}]").is_err());
    }
}
