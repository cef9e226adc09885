//! `POST /api/apps/taskbox/update_orient_talents/` — add or cancel the talents of an exclusive
//! task (更新专属任务达人, seed 001).
//!
//! Body `{"access_token": "…", "appid": "tt…", "task_id": 7218760632718443557, "op_type": 1,
//! "douyin_ids": ["lw1352552"]}` → `{"error": 0, "message": "success", "log_id": "…",
//! "data": {"update_info_list": [{"douyin_id": "lw1352552", "update_result": "请求成功,已添加"}]}}`,
//! the success envelope even when items fail.

use super::convert::talent_op;
use crate::http::auth::PresentedToken;
use crate::http::{ApiError, LogId, WireJson};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use dyopen_core::task::{task_id_from_wire, TalentsError};
use dyopen_wire::dialect::{Talents, TalentsEnvelope};
use dyopen_wire::task::{UpdateInfo, UpdateOrientTalentsData, UpdateOrientTalentsRequest};

/// Applies the op to each id in order, in one transaction on the locked task.
#[utoipa::path(post, path = "/api/apps/taskbox/update_orient_talents/", operation_id = "update_orient_talents", tag = "tasks", request_body = dyopen_wire::task::UpdateOrientTalentsRequest, security(("access_token" = [])),
    responses((status = 200, description = "error 0 with one update_result per id (even when items fail), or a `TalentsError` (its `error` lists the codes); see docs/tasks.md", body = dyopen_wire::answer::TalentsAnswer<dyopen_wire::task::UpdateOrientTalentsData>), (status = 413, description = "Body over 1 MiB: 4001015 Request Paramter Error:body exceeds 1 MiB", body = dyopen_wire::answer::TalentsError)))]
pub async fn handler(
    State(state): State<AppState>,
    token: PresentedToken,
    WireJson(req, _): WireJson<UpdateOrientTalentsRequest, Talents>,
) -> Result<Json<TalentsEnvelope<UpdateOrientTalentsData>>, ApiError<Talents>> {
    let op = talent_op(req.op_type)?;
    if req.appid.is_empty() {
        // A required field of step 1; an empty one must not fall back to the token's app.
        return Err(TalentsError::BadField("appid").into());
    }
    let auth = state
        .authenticate(token.pick(req.access_token.as_deref()))
        .await?;
    let appid = state
        .authorize(&auth, Some(&req.appid), req.third_appid.as_deref())
        .await?;
    let task_id = task_id_from_wire(req.task_id.0).ok_or(TalentsError::NoTask)?;
    let results = state
        .store
        .talents_update(&appid, task_id, op, &req.douyin_ids, state.clock.now())
        .await?;
    Ok(Json(TalentsEnvelope {
        error: 0,
        message: "success".into(),
        log_id: LogId::current(),
        data: UpdateOrientTalentsData {
            update_info_list: results
                .into_iter()
                .map(|(douyin_id, outcome)| UpdateInfo {
                    douyin_id,
                    update_result: outcome.text().into(),
                })
                .collect(),
        },
    }))
}
