//! `GET /admin/v1/apps/{appid}/regions`: bindings with city names and next-change times.

use crate::http::ApiError;
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::Json;
use dyopen_core::region::{catalogue, RegionState};
use dyopen_wire::admin::RegionBindingView;
use dyopen_wire::dialect::Admin;

/// The bindings of `state`, for the admin API and the console.
pub(crate) fn views(state: &RegionState) -> Vec<RegionBindingView> {
    state
        .bindings
        .iter()
        .map(|b| {
            let city = catalogue().get(&b.region_id);
            RegionBindingView {
                data_id: b.data_id_text(),
                bind_type: if b.path.is_empty() { 1 } else { 2 },
                path: b.path.clone(),
                region_id: b.region_id.clone(),
                city_name: city.map(|c| c.name.clone()).unwrap_or_default(),
                province_name: city.map(|c| c.province_name.clone()).unwrap_or_default(),
                created_at: rfc3339(b.created_at),
                modified_at: rfc3339(b.modified_at),
                next_change_at: rfc3339(state.next_change_at(&b.path).unwrap_or(b.created_at)),
            }
        })
        .collect()
}

/// Lists an app's bindings.
#[utoipa::path(get, path = "/admin/v1/apps/{appid}/regions", operation_id = "admin_list_regions", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex")),
    responses((status = 200, description = "City bindings with names and next-change times", body = Vec<RegionBindingView>), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError)))]
pub async fn list(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> Result<Json<Vec<RegionBindingView>>, ApiError<Admin>> {
    let id = super::existing_app(&state, &appid).await?;
    let regions = state
        .store
        .region_state(&id)
        .await
        .map_err(ApiError::system)?;
    Ok(Json(views(&regions)))
}
