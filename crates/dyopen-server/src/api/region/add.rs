//! `POST /api/product/v1/app_region_add/` — bind a city to the whole app or to one page.
//!
//! Body `{"bind_type": 2, "region_id": "130400", "path": "page/test/index"}` →
//! `{"err_no": 0, "data_id": "region_…", "err_msg": "成功", "log_id": "…"}`.

use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::region::AddBinding;
use dyopen_wire::dialect::{city_codes, CityAdd, CityEnvelope};
use dyopen_wire::region::RegionAddRequest;

/// Adds a binding.
#[utoipa::path(post, path = "/api/product/v1/app_region_add/", operation_id = "app_region_add", tag = "city binding",
    request_body = RegionAddRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0 with data_id, or an error (`CityEnvelope.err_no` lists the codes; rule texts in docs/city-binding.md); data_id is \"\" on errors", body = CityEnvelope), (status = 413, description = "Body over 1 MiB: 10001 参数不合法:请求体参数不合法 (data_id \"\")", body = CityEnvelope)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<RegionAddRequest, CityAdd>,
) -> Result<Json<CityEnvelope>, ApiError<CityAdd>> {
    let cmd = AddBinding::parse(req.bind_type, req.region_id.as_deref(), req.path.as_deref())?;
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    let binding = state
        .store
        .region_add(&auth.appid, &cmd, state.clock.now())
        .await?;
    Ok(Json(CityEnvelope {
        err_no: city_codes::OK,
        err_msg: city_codes::OK_MSG.into(),
        log_id: LogId::current(),
        data_id: Some(binding.data_id_text()),
    }))
}
