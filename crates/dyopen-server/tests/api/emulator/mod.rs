//! Emulator API (SPEC §7): reset, seed, journal, fault injection, and the clock driving rules;
//! one submodule per topic, the shared call here.

mod control;
mod fixture;
mod journal;

use dyopen_testkit::*;
use serde_json::{json, Value};

const ADD: &str = "/api/product/v1/app_region_add/";
const MODIFY: &str = "/api/product/v1/app_region_modify/";

async fn emu(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .http
        .request(method, format!("{}/_emulator/v1{path}", app.base_url));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}
