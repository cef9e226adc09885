//! URL links (seed 002, SPEC §6): generation in both dialects with every error code in its
//! order, expiry rounding on the emulator clock, qps and daily limits (also across two
//! instances, with Redis), and links that resolve: 302, landing page, 410, 404, visit counts;
//! one submodule per topic, the shared requests here.

mod legacy;
mod limits;
mod v1;
mod visits;

use dyopen_testkit::*;
use reqwest::Method;
use serde_json::{json, Value};

const LEGACY: &str = "/api/apps/url_link/generate";
const GENERATE: &str = "/api/apps/v1/url_link/generate/";
const INFO: &str = "/api/apps/v1/url_link/query_info/";
const QUOTA: &str = "/api/apps/v1/url_link/query_quota/";
const HOUR: i64 = 3_600;

fn legacy_body(appid: &str, extra: Value) -> Value {
    let mut body = json!({"ma_app_id": appid, "app_name": "douyin", "path": "pages/detail/detail",
        "query": r#"{"id":"123"}"#, "expire_time": T0 + HOUR});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn legacy_err(no: i64, tips: &str) -> Value {
    json!({"err_no": no, "err_tips": tips, "url_link": ""})
}

async fn legacy(app: &TestApp, token: Option<&str>, body: Value) -> Value {
    let (status, v) = app.post(LEGACY, token, &body).await;
    assert_eq!(status, 200, "{v}");
    v
}

async fn open(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> Value {
    let (status, v) = app.post(path, token, &body).await;
    assert_eq!(status, 200, "{v}");
    redact(v)
}

fn open_err(no: i64, msg: &str) -> Value {
    json!({"err_no": no, "err_msg": msg, "log_id": "[log_id]", "data": {}})
}

fn code_of(url_link: &str) -> &str {
    url_link.rsplit('/').next().unwrap()
}

async fn get(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut req = app.http.get(format!("{}{}", app.base_url, path));
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    req.send().await.unwrap()
}
