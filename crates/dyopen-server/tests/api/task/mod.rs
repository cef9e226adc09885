//! Tasks and talents (seed 001, SPEC §5): the v2 task APIs, every code and every row of the
//! update_orient_talents table over HTTP, providers, submissions and the cap under concurrency;
//! one submodule per topic, the shared bodies and readers here.

mod create;
mod providers;
mod query;
mod status;
mod talents;

use dyopen_testkit::*;
use serde_json::{json, Value};

const ADD_TASK: &str = "/api/match/v2/taskbox/add_task/";
const UPDATE_STATUS: &str = "/api/match/v2/taskbox/update_status/";
const QUERY_INFO: &str = "/api/match/v2/taskbox/query_task_info/";
const QUERY_IDS: &str = "/api/match/v2/taskbox/query_app_task_id/";
const TALENTS: &str = "/api/apps/taskbox/update_orient_talents/";
const DAY: i64 = 86_400;

const ADDED: &str = "请求成功,已添加";
const CANCELLED: &str = "请求成功,已取消";
const CAP: &str = "请求失败,专属任务关联达人数量已达上限";
const DUP_ADD: &str = "请求失败,该达人已添加,无法重复添加";
const DUP_CANCEL: &str = "请求失败,和该达人的合作已取消,无法重复取消";
const SUBMITTED: &str = "请求失败,达人已投稿,无法取消合作";
const NOT_ON_TASK: &str = "请求失败,该达人未关联此任务";
const BAD_ID: &str = "请求失败,抖音号不合法";

fn task_body(extra: Value) -> Value {
    let mut body = json!({
        "task_name": "春节推广",
        "task_settle_type": 1,
        "page_type": 1,
        "start_page": "pages/index/index",
        "anchor_title": "来玩",
        "task_icon": "https://example.com/i.png",
        "task_desc": "desc",
        "task_tags": ["a", "b"],
        "task_start_time": T0.to_string(),
        "task_end_time": (T0 + 30 * DAY).to_string(),
        "payment_allocate_ratio": 50,
        "talent_payment_allocate_ratio": 30
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

/// Creates a task; returns its id as the string the API emits.
async fn create_task(app: &TestApp, token: &str, extra: Value) -> String {
    let (status, v) = app.post(ADD_TASK, Some(token), &task_body(extra)).await;
    assert_eq!((status, v["err_no"].as_i64()), (200, Some(0)), "{v}");
    assert_eq!(v["err_msg"], "");
    let id = v["data"]["task_id"].as_str().expect("task_id is a string");
    assert!(
        id.len() == 19 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    id.to_owned()
}

async fn exclusive_task(app: &TestApp, token: &str) -> String {
    create_task(app, token, json!({"task_type": 2})).await
}

/// Calls update_orient_talents with the token in the body, the task id as a JSON integer.
async fn talents(
    app: &TestApp,
    token: &str,
    appid: &str,
    task_id: &str,
    op: i64,
    ids: &[&str],
) -> Value {
    let body = format!(
        r#"{{"access_token": "{token}", "appid": "{appid}", "task_id": {task_id}, "op_type": {op}, "douyin_ids": {}}}"#,
        serde_json::to_string(ids).unwrap()
    );
    let (status, _, text) = app
        .post_raw(
            TALENTS,
            &[("content-type", "application/json")],
            body.into_bytes(),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// POSTs a raw body to update_orient_talents.
async fn raw(app: &TestApp, body: String) -> Value {
    let (status, _, text) = app
        .post_raw(
            TALENTS,
            &[("content-type", "application/json")],
            body.into_bytes(),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn results(v: &Value) -> Vec<(String, String)> {
    assert_eq!(
        (v["error"].as_i64(), v["message"].as_str()),
        (Some(0), Some("success")),
        "{v}"
    );
    v["data"]["update_info_list"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|r| {
            (
                r["douyin_id"].as_str().unwrap().to_owned(),
                r["update_result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn texts(v: &Value) -> Vec<String> {
    results(v).into_iter().map(|(_, t)| t).collect()
}

fn talents_err(v: &Value, code: i64, msg: &str) {
    assert_eq!(v["error"], code, "{v}");
    assert!(v["message"].as_str().unwrap().starts_with(msg), "{v}");
    assert_eq!(v["data"], json!({}), "{v}");
    assert_eq!(v["log_id"].as_str().map(str::len), Some(53), "{v}");
}

fn open_err(v: &Value, code: i64, msg: &str) {
    assert_eq!(v["err_no"], code, "{v}");
    assert!(v["err_msg"].as_str().unwrap().starts_with(msg), "{v}");
    assert_eq!(v["data"], json!({}), "{v}");
}

async fn query_one(app: &TestApp, token: &str, task_id: &str) -> Value {
    let body = json!({"page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": task_id});
    let (_, v) = app.post(QUERY_INFO, Some(token), &body).await;
    assert_eq!(v["err_no"], 0, "{v}");
    assert_eq!(v["data"]["total"], "1", "{v}");
    v["data"]["tasks"][0].clone()
}

fn rel(task: &Value) -> Vec<(String, i64, i64)> {
    task["oriented_talent_rel_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["douyin_id"].as_str().unwrap().to_owned(),
                r["cooperation_state"].as_i64().unwrap(),
                r["cancel_operator"].as_i64().unwrap(),
            )
        })
        .collect()
}
