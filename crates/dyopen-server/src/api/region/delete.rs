//! `POST /api/product/v1/app_region_delete/` — unbind a city (throttled like modify).
//!
//! Body `{"region_id": "440300", "path": "path/test/index"}` → `{"err_no": 0, "err_msg": "成功", "log_id": "…"}`.

use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::region::DeleteBinding;
use dyopen_wire::dialect::{city_codes, City, CityEnvelope};
use dyopen_wire::region::RegionDeleteRequest;

/// Deletes a binding.
#[utoipa::path(post, path = "/api/product/v1/app_region_delete/", operation_id = "app_region_delete", tag = "city binding",
    request_body = RegionDeleteRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0, or an error (`CityEnvelope.err_no` lists the codes; rule texts in docs/city-binding.md); 10001 待删除的数据不存在 when there is no binding to delete", body = CityEnvelope), (status = 413, description = "Body over 1 MiB: 10001 参数不合法:请求体参数不合法", body = CityEnvelope)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<RegionDeleteRequest, City>,
) -> Result<Json<CityEnvelope>, ApiError<City>> {
    let cmd = DeleteBinding::parse(req.region_id.as_deref(), req.path.as_deref())?;
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    state
        .store
        .region_delete(&auth.appid, &cmd, state.clock.now())
        .await?;
    Ok(Json(CityEnvelope {
        err_no: city_codes::OK,
        err_msg: city_codes::OK_MSG.into(),
        log_id: LogId::current(),
        data_id: None,
    }))
}
