//! Service-provider grants: app A lets provider app P act for it with P's tokens.

use super::error;
use crate::http::{ApiError, WireJson};
use crate::state::AppState;
use crate::timefmt::rfc3339;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use dyopen_core::app::AppId;
use dyopen_wire::admin::{GrantProviderRequest, ProviderView};
use dyopen_wire::dialect::Admin;

/// `POST /admin/v1/apps/{appid}/providers {"provider_appid"}` → 201.
#[utoipa::path(post, path = "/admin/v1/apps/{appid}/providers", operation_id = "admin_grant_provider", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex")), request_body = GrantProviderRequest,
    responses((status = 201, body = ProviderView), (status = 400, description = "Unparsable body, an invalid provider_appid or the app itself", body = dyopen_wire::dialect::AdminError), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError), (status = 413, description = "Body over 1 MiB", body = dyopen_wire::dialect::AdminError)))]
pub async fn grant(
    State(state): State<AppState>,
    Path(appid): Path<String>,
    WireJson(req, _): WireJson<GrantProviderRequest, Admin>,
) -> Result<(StatusCode, Json<ProviderView>), ApiError<Admin>> {
    let id = super::existing_app(&state, &appid).await?;
    Ok((
        StatusCode::CREATED,
        Json(grant_to(&state, &id, &req.provider_appid).await?),
    ))
}

/// Lets `provider` act for `id` (the API's and the console's one rule: a well-formed appid,
/// not the app itself).
pub(crate) async fn grant_to(
    state: &AppState,
    id: &AppId,
    provider: &str,
) -> Result<ProviderView, ApiError<Admin>> {
    let provider_id = AppId::parse(provider)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("provider_appid: {e}")))?;
    if &provider_id == id {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "an app cannot be its own provider",
        ));
    }
    let now = state.clock.now();
    state
        .store
        .grant_provider(id, &provider_id, now)
        .await
        .map_err(ApiError::system)?;
    Ok(ProviderView {
        appid: id.to_string(),
        provider_appid: provider_id.to_string(),
        created_at: rfc3339(now.unix_secs()),
    })
}

/// `GET /admin/v1/apps/{appid}/providers`.
#[utoipa::path(get, path = "/admin/v1/apps/{appid}/providers", operation_id = "admin_list_providers", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex")),
    responses((status = 200, body = Vec<ProviderView>), (status = 404, description = "No such app", body = dyopen_wire::dialect::AdminError)))]
pub async fn list(
    State(state): State<AppState>,
    Path(appid): Path<String>,
) -> Result<Json<Vec<ProviderView>>, ApiError<Admin>> {
    let id = super::existing_app(&state, &appid).await?;
    let grants = state
        .store
        .list_providers(&id)
        .await
        .map_err(ApiError::system)?;
    Ok(Json(
        grants
            .into_iter()
            .map(|(p, at)| ProviderView {
                appid: appid.clone(),
                provider_appid: p.to_string(),
                created_at: rfc3339(at),
            })
            .collect(),
    ))
}

/// `DELETE /admin/v1/apps/{appid}/providers/{provider_appid}` → 204, or 404 without a grant.
#[utoipa::path(delete, path = "/admin/v1/apps/{appid}/providers/{provider_appid}", operation_id = "admin_revoke_provider", tag = "admin", security(("admin_token" = [])), params(("appid" = String, Path, description = "tt + 16 hex"), ("provider_appid" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such app or no such grant", body = dyopen_wire::dialect::AdminError)))]
pub async fn revoke(
    State(state): State<AppState>,
    Path((appid, provider)): Path<(String, String)>,
) -> Result<StatusCode, ApiError<Admin>> {
    let id = super::existing_app(&state, &appid).await?;
    let provider_id = AppId::parse(&provider)
        .map_err(|_| error(StatusCode::NOT_FOUND, format!("no grant to {provider}")))?;
    if state
        .store
        .revoke_provider(&id, &provider_id)
        .await
        .map_err(ApiError::system)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(error(
            StatusCode::NOT_FOUND,
            format!("no grant to {provider}"),
        ))
    }
}
