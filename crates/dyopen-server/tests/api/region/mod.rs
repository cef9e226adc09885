//! City binding (seed 000, SPEC §4): every rule, error code and text over HTTP, by topic. Each
//! test is a table of steps, sent in order with one token, and the redacted answer each expects.

mod access;
mod add;
mod change;
mod concurrency;

use dyopen_testkit::*;
use serde_json::{json, Value};

const ADD: &str = "/api/product/v1/app_region_add/";
const DELETE: &str = "/api/product/v1/app_region_delete/";
const MODIFY: &str = "/api/product/v1/app_region_modify/";
const WEEK: i64 = 604_800;

fn ok() -> Value {
    json!({"err_no": 0, "err_msg": "成功", "log_id": "[log_id]"})
}
fn ok_add() -> Value {
    json!({"err_no": 0, "err_msg": "成功", "log_id": "[log_id]", "data_id": "[data_id]"})
}
fn err(no: i64, msg: &str) -> Value {
    json!({"err_no": no, "err_msg": msg, "log_id": "[log_id]"})
}
fn err_add(no: i64, msg: &str) -> Value {
    json!({"err_no": no, "err_msg": msg, "log_id": "[log_id]", "data_id": ""})
}

/// Sends `body` to `path` with `token`; the answer must be HTTP 200; returns it redacted.
async fn call(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    redact(app.call(path, Some(token), &body, 200).await)
}

/// One request of a table: where, what, and the redacted answer it must get.
type Step = (&'static str, Value, Value);

/// Sends every step in order with `token`, asserting each answer.
async fn steps(app: &TestApp, token: &str, steps: Vec<Step>) {
    for (i, (path, body, want)) in steps.into_iter().enumerate() {
        assert_eq!(
            call(app, path, token, body.clone()).await,
            want,
            "step {i}: {path} {body}"
        );
    }
}

/// Sends every request in order with `token`, whatever it answers (the setup of a test).
async fn setup(app: &TestApp, token: &str, requests: Vec<(&str, Value)>) {
    for (path, body) in requests {
        call(app, path, token, body).await;
    }
}

/// An add of a page binding.
fn page(region: &str, path: &str) -> Value {
    json!({"bind_type": 2, "region_id": region, "path": path})
}

/// An add of the whole-app binding.
fn whole(region: &str) -> Value {
    json!({"bind_type": 1, "region_id": region})
}

/// A modify of `path` (no `path` key when empty) from `origin` to `current`.
fn modify(origin: &str, current: &str, path: &str) -> Value {
    let mut body = json!({"origin_region": origin, "current_region": current});
    if !path.is_empty() {
        body["path"] = json!(path);
    }
    body
}

/// A delete of `path`'s binding to `region`.
fn delete(region: &str, path: &str) -> Value {
    json!({"region_id": region, "path": path})
}

/// The app's bindings as the admin API lists them.
async fn bindings(app: &TestApp, appid: &str) -> Value {
    app.admin_call(
        reqwest::Method::GET,
        &format!("/apps/{appid}/regions"),
        None,
        200,
    )
    .await
}
