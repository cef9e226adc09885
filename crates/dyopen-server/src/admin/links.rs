//! `GET /admin/v1/apps/{appid}/links?page=&page_size=`: an app's links, newest first, with
//! visit counts and expiry (expired links included). Pending visit counts of this instance are
//! flushed first, so the listing is exact for visits served here (tests rely on it).

use super::Paging;
use crate::http::extract::WireQuery;
use crate::http::ApiError;
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::Json;
use dyopen_wire::admin::Page;
use dyopen_wire::dialect::Admin;
use dyopen_wire::link::LinkView;

/// Lists an app's links.
#[utoipa::path(get, path = "/admin/v1/apps/{appid}/links", operation_id = "admin_list_links", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex"), ("page" = Option<u64>, Query, minimum = 1, description = "1-based, default 1"), ("page_size" = Option<u64>, Query, minimum = 1, maximum = 200, description = "1-200, default 50")),
    responses((status = 200, description = "Links with visit counts and expiry (pending visit counts are flushed and settled first)", body = dyopen_wire::admin::Page<dyopen_wire::link::LinkView>), (status = 400, description = "page or page_size out of range or not a number", body = dyopen_wire::dialect::AdminError), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError)))]
pub async fn list(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    WireQuery(paging, _): WireQuery<Paging, Admin>,
) -> Result<Json<Page<LinkView>>, ApiError<Admin>> {
    let (page, page_size, offset) = paging.resolve()?;
    let id = super::existing_app(&state, &appid).await?;
    state.links.visits.settle(state.store.as_ref()).await;
    let (links, total) = state
        .store
        .list_links(&id, offset, page_size)
        .await
        .map_err(ApiError::system)?;
    let now = state.clock.now();
    let items = links
        .into_iter()
        .map(|l| LinkView {
            url_link: format!("{}/{}", state.public_base_url, l.code),
            code: l.code.to_string(),
            app_name: l.host.as_str().to_owned(),
            expired: !l.is_live(now),
            created_at: rfc3339(l.created_at),
            expires_at: rfc3339(l.expires_at),
            path: l.path,
            query: l.query,
            visits: l.visits,
        })
        .collect();
    Ok(Json(Page {
        items,
        total,
        page,
        page_size,
    }))
}
