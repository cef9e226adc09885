//! Task and talent cases (seed 001, SPEC §5): an exclusive task for the seed's two talent
//! requests (add, then cancel, `lw1352552` and `9423515316`) and the talent rules (ten per call,
//! duplicates, every per-id result, the refusals in their order), then a second task paused and
//! terminated. Talents it added are cancelled and its tasks terminated at the end.

use super::{answer, post, row, status_only};
use crate::cli::verify::case::{Case, Effect, Expect, Group, Req, Template, Token};
use dyopen_wire::paths::{
    TALENTS_UPDATE, TASK_ADD, TASK_QUERY_IDS, TASK_QUERY_INFO, TASK_UPDATE_STATUS,
};
use serde_json::{json, Value};

const G: Group = Group::Tasks;
const T: Token = Token::Header("client_token");
const ELEVEN: [&str; 11] = [
    "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
];

fn open(data: Value) -> Expect {
    answer(json!({"err_no": 0, "err_msg": "", "log_id": "<log_id>", "data": data}))
}
fn open_refused(code: i64, text: &str) -> Expect {
    answer(json!({"err_no": code, "err_msg": text, "log_id": "<log_id>", "data": {}}))
}
fn results(items: &[(&str, &str)]) -> Expect {
    let list: Vec<Value> = items
        .iter()
        .map(|(id, r)| json!({"douyin_id": id, "update_result": r}))
        .collect();
    answer(
        json!({"error": 0, "message": "success", "log_id": "<log_id>", "data": {"update_info_list": list}}),
    )
}
fn talents_refused(code: i64, text: &str) -> Expect {
    answer(json!({"error": code, "message": text, "log_id": "<log_id>", "data": {}}))
}
/// The seed's talents body (token in the body, `task_id` a JSON integer) on the task in `var`.
fn talents(var: &str, op: i64, ids: &[&str]) -> Req {
    talents_with(
        Token::Body("v2_token"),
        json!({"appid": "$appid", "task_id": format!("${var}_int"), "op_type": op, "douyin_ids": ids}),
    )
}
fn talents_with(token: Token, body: Value) -> Req {
    post(TALENTS_UPDATE, token, body)
}
fn new_task(first_talent: &str) -> Req {
    post(
        TASK_ADD,
        T,
        json!({
            "task_name": "dyopen verify", "task_settle_type": 1, "page_type": 0, "start_page": "$page",
            "task_start_time": "$now", "task_end_time": "$task_end", "douyin_ids": [first_talent],
        }),
    )
}
fn status(var: &str, to: i64) -> Req {
    post(
        TASK_UPDATE_STATUS,
        T,
        json!({"task_id": format!("${var}"), "task_status": to}),
    )
}

const ADDED: &str = "请求成功,已添加";
const CANCELLED: &str = "请求成功,已取消";

#[rustfmt::skip] // A table: one row per case reads better than rustfmt's layout.
pub(super) fn cases() -> Vec<Case> {
    vec![
        row("tasks.add", G, "SPEC §5", "create an exclusive task (one talent)",
            new_task("verify_talent_0"), open(json!({"task_id": "<id>"})))
            .captures(&[("task_id", "/data/task_id")])
            .effect(Effect::TaskCreated { var: "task_id", talents: &["verify_talent_0"] }),
        row("tasks.query_info", G, "SPEC §5", "query the task by id",
            post(TASK_QUERY_INFO, T, json!({"page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": "{task_id}"})),
            open(json!({"app_id": "$appid", "total": "1", "page_count": "1", "tasks": [{
                "task_id": "<id>", "appid": "$appid", "task_name": "dyopen verify", "task_type": 2, "status": 1,
                "start_page": "$page", "task_start_time": "<time>", "task_end_time": "<time>", "task_desc": "",
                "anchor_title": "", "task_icon": "", "task_tags": [], "task_settle_type": 1, "page_type": 0,
                "reject_reason": "",
                "oriented_talent_rel_list": [{"douyin_id": "verify_talent_0", "cooperation_state": 1, "cancel_operator": 0}],
            }]}))),
        row("tasks.query_ids", G, "SPEC §5", "task ids created in the last hour",
            post(TASK_QUERY_IDS, T, json!({"create_start_time": "$range_start", "create_end_time": "$range_end"})),
            open(json!({"task_ids": "<ids>"}))),
        row("tasks.query_ids.range", G, "SPEC §5", "a creation range over 7 days",
            post(TASK_QUERY_IDS, T, json!({"create_start_time": "$range_long_start", "create_end_time": "$range_end"})),
            open_refused(28005001, "参数解析失败:查询时间范围不能超过7天")),
        row("tasks.bad_token", G, "SPEC §3", "a token the platform never issued",
            post(TASK_QUERY_INFO, Token::HeaderLiteral("clt.not-a-token"), json!({"page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": "{task_id}"})),
            open_refused(28001003, "access_token无效")),
        row("tasks.talents.add", G, "seed 001", "the seed's example 1: add two talents",
            talents("task_id", 1, &["lw1352552", "9423515316"]),
            results(&[("lw1352552", ADDED), ("9423515316", ADDED)]))
            .effect(Effect::Talents { var: "task_id" }),
        row("tasks.talents.duplicate", G, "SPEC §5", "one id twice in a call",
            talents("task_id", 1, &["verify_dup", "verify_dup"]),
            results(&[("verify_dup", ADDED), ("verify_dup", "请求失败,该达人已添加,无法重复添加")]))
            .effect(Effect::Talents { var: "task_id" }),
        row("tasks.talents.cancel", G, "seed 001", "the seed's example 2: cancel the two talents",
            talents("task_id", 2, &["lw1352552", "9423515316"]),
            results(&[("lw1352552", CANCELLED), ("9423515316", CANCELLED)]))
            .effect(Effect::Talents { var: "task_id" }),
        row("tasks.talents.cancel_again", G, "seed 001", "cancel a cancelled talent (the seed's error example)",
            talents("task_id", 2, &["lw1352552"]),
            results(&[("lw1352552", "请求失败,和该达人的合作已取消,无法重复取消")])),
        row("tasks.talents.cancel_stranger", G, "SPEC §5", "cancel a talent never on the task",
            talents("task_id", 2, &["verify_never"]),
            results(&[("verify_never", "请求失败,该达人未关联此任务")])),
        row("tasks.talents.bad_id", G, "SPEC §5", "a douyin id with a space",
            talents("task_id", 1, &["bad id"]),
            results(&[("bad id", "请求失败,抖音号不合法")])),
        row("tasks.talents.eleven", G, "seed 001", "eleven talents in one call",
            talents("task_id", 1, &ELEVEN), talents_refused(5592, "操作达人数量不合法,请调整后重试")),
        row("tasks.talents.none", G, "seed 001", "no talents",
            talents("task_id", 1, &[]), talents_refused(5592, "操作达人数量不合法,请调整后重试")),
        row("tasks.talents.op_type", G, "seed 001", "op_type other than 1 or 2",
            talents("task_id", 3, &["verify_x"]),
            talents_refused(4001015, "Request Paramter Error:op_type is invalid")),
        row("tasks.talents.unknown_task", G, "seed 001", "a task id that does not exist",
            talents_with(Token::Body("v2_token"), json!({"appid": "$appid", "task_id": 1, "op_type": 1, "douyin_ids": ["verify_x"]})),
            talents_refused(5442, "任务不存在")),
        row("tasks.talents.other_app", G, "seed 001", "an appid that is not the token's",
            talents_with(Token::Body("v2_token"), json!({"appid": "tt0000000000000000", "task_id": "$task_id_int", "op_type": 1, "douyin_ids": ["verify_x"]})),
            talents_refused(5503, "appID与token不一致")),
        row("tasks.talents.no_token", G, "seed 001", "no access_token",
            talents_with(Token::Absent, json!({"appid": "$appid", "task_id": "$task_id_int", "op_type": 1, "douyin_ids": ["verify_x"]})),
            talents_refused(5501, "accessToken不存在")),
        row("tasks.talents.bad_token", G, "seed 001", "an access_token the platform never issued",
            talents_with(Token::BodyLiteral("08deadbeef"), json!({"appid": "$appid", "task_id": "$task_id_int", "op_type": 1, "douyin_ids": ["verify_x"]})),
            talents_refused(5502, "accessToken不合法")),
        row("tasks.second.add", G, "SPEC §5", "a second exclusive task",
            new_task("verify_talent_t2"), open(json!({"task_id": "<id>"})))
            .captures(&[("task2_id", "/data/task_id")])
            .effect(Effect::TaskCreated { var: "task2_id", talents: &["verify_talent_t2"] }),
        row("tasks.second.cancel", G, "SPEC §5", "cancel its talent",
            talents("task2_id", 2, &["verify_talent_t2"]), results(&[("verify_talent_t2", CANCELLED)]))
            .effect(Effect::Talents { var: "task2_id" }),
        row("tasks.second.pause", G, "SPEC §5", "pause it (status 2)",
            status("task2_id", 2), open(json!({"task_id": "<id>"}))),
        row("tasks.second.terminate", G, "SPEC §5", "terminate it (status 3)",
            status("task2_id", 3), open(json!({"task_id": "<id>"})))
            .effect(Effect::TaskTerminated { var: "task2_id" }),
        row("tasks.second.resume", G, "SPEC §5", "a terminated task cannot run again",
            status("task2_id", 1), open_refused(28005001, "参数解析失败:任务已终止,无法修改状态")),
        row("tasks.second.talents", G, "seed 001", "talents of a terminated task",
            talents("task2_id", 1, &["verify_x"]), talents_refused(5591, "任务已终止,请重新创建")),
        row("tasks.wrong_method", G, "SPEC §2", "GET on a POST-only path",
            Req { method: "GET", path: TASK_ADD, token: T, body: Template::Empty }, status_only(405)),
    ]
}
