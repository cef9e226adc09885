//! `POST /api/product/v1/app_region_modify/` — move a binding to another city, once per 7 days
//! per target.
//!
//! Body `{"origin_region": "440300", "current_region": "440400", "path": "page/path/index"}` →
//! `{"err_no": 0, "err_msg": "成功", "log_id": "…"}`.

use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::region::ModifyBinding;
use dyopen_wire::dialect::{city_codes, City, CityEnvelope};
use dyopen_wire::region::RegionModifyRequest;

/// Modifies a binding.
#[utoipa::path(post, path = "/api/product/v1/app_region_modify/", operation_id = "app_region_modify", tag = "city binding",
    request_body = RegionModifyRequest, security(("access_token" = [])),
    responses((status = 200, description = "err_no 0, or an error (`CityEnvelope.err_no` lists the codes; rule texts in docs/city-binding.md); 10001 待修改的数据不存在 when there is no binding to modify", body = CityEnvelope), (status = 413, description = "Body over 1 MiB: 10001 参数不合法:请求体参数不合法", body = CityEnvelope)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<RegionModifyRequest, City>,
) -> Result<Json<CityEnvelope>, ApiError<City>> {
    let cmd = ModifyBinding::parse(
        req.origin_region.as_deref(),
        req.current_region.as_deref(),
        req.path.as_deref(),
    )?;
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    state
        .store
        .region_modify(&auth.appid, &cmd, state.clock.now())
        .await?;
    Ok(Json(CityEnvelope {
        err_no: city_codes::OK,
        err_msg: city_codes::OK_MSG.into(),
        log_id: LogId::current(),
        data_id: None,
    }))
}
