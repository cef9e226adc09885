//! `--replay DIR` (SPEC §13): recordings answer matching requests in recorded order with a fresh
//! log id, then the emulator answers; token endpoints never replay; a fault wins; a reset
//! rewinds; the journal marks replayed answers.

use dyopen_server::emulator::Replay;
use dyopen_testkit::*;
use dyopen_wire::recording::{Body, Exchange, RecordedRequest, RecordedResponse};
use serde_json::{json, Value};
use std::path::Path;

const DELETE: &str = "/api/product/v1/app_region_delete/";

fn write(dir: &Path, seq: u64, path: &str, request: Value, response: Value) {
    let exchange = Exchange {
        seq,
        recorded_at_ms: 0,
        upstream: "https://open.douyin.com".into(),
        request: RecordedRequest {
            method: "POST".into(),
            path: path.into(),
            query: "access_token=***".into(),
            headers: [("access-token".to_owned(), "***".to_owned())].into(),
            body: Body::Json(request),
        },
        response: RecordedResponse {
            status: 200,
            headers: [
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-tt-logid".to_owned(), "recorded".to_owned()),
            ]
            .into(),
            body: Body::Json(response),
        },
    };
    let text = serde_json::to_vec_pretty(&exchange).expect("json");
    std::fs::write(dir.join(exchange.file_name()), text).expect("write");
}

fn city(code: i64, text: &str) -> Value {
    json!({"err_no": code, "err_msg": text, "log_id": "02recorded"})
}

async fn replaying(dir: &Path) -> TestApp {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let replay = Replay::load(dir).expect("recordings");
    app.state
        .emulator
        .as_ref()
        .expect("emulator mode")
        .set_replay(replay);
    app
}

async fn delete(app: &TestApp, body: &str) -> (Value, String) {
    let res = app
        .http
        .post(format!("{}{DELETE}", app.base_url))
        .header("content-type", "application/json")
        .header("access-token", "clt.not-the-recorded-one")
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    let header = res.headers()["x-tt-logid"]
        .to_str()
        .expect("ascii")
        .to_owned();
    (res.json().await.expect("json"), header)
}

fn without_log_id(mut v: Value) -> Value {
    v.as_object_mut().expect("object").remove("log_id");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recordings_answer_in_order_then_the_emulator_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let req = json!({"region_id": "440300", "path": "", "access_token": "***"});
    write(
        dir.path(),
        1,
        DELETE,
        req.clone(),
        city(10001, "待删除的数据不存在"),
    );
    write(
        dir.path(),
        2,
        DELETE,
        req,
        city(10101, "修改区域的频率过高"),
    );
    write(
        dir.path(),
        3,
        "/api/apps/v2/token",
        json!({"appid": "tt0", "secret": "***", "grant_type": "client_credential"}),
        json!({"err_no": 0, "err_tips": "success", "data": {"access_token": "***", "expires_in": 7200}}),
    );
    let app = replaying(dir.path()).await;

    // Key order, whitespace and the secret field do not matter; the log id is the request's own.
    let body = r#"{ "path": "", "region_id": "440300", "access_token": "clt.x" }"#;
    let (first, header) = delete(&app, body).await;
    assert_eq!(
        without_log_id(first.clone()),
        without_log_id(city(10001, "待删除的数据不存在"))
    );
    assert_eq!(first["log_id"], json!(header));
    assert_ne!(header, "recorded");
    let (second, _) = delete(&app, body).await;
    assert_eq!(second["err_no"], 10101);
    // Both used up: the emulator answers (the token is not one it issued).
    let (third, _) = delete(&app, body).await;
    assert_eq!(third["err_msg"], "鉴权失败,access_token非法");

    // A token endpoint never replays.
    let (status, token) = app
        .post(
            "/api/apps/v2/token",
            None,
            &json!({"appid": "tt0", "secret": "s", "grant_type": "client_credential"}),
        )
        .await;
    assert_eq!((status, token["err_no"].clone()), (200, json!(40015)));

    let journal: Value = app
        .http
        .get(format!("{}/_emulator/v1/journal", app.base_url))
        .send()
        .await
        .expect("journal")
        .json()
        .await
        .expect("json");
    let marks: Vec<bool> = journal["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["replayed"].as_bool().expect("replayed"))
        .collect();
    assert_eq!(marks, vec![true, true, false, false]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_wins_and_a_reset_rewinds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let req = json!({"region_id": "440300", "path": "pages/a"});
    write(
        dir.path(),
        1,
        DELETE,
        req,
        city(10001, "待删除的数据不存在"),
    );
    let app = replaying(dir.path()).await;
    let body = r#"{"region_id": "440300", "path": "pages/a"}"#;

    let fault = json!({"path": DELETE, "err_kind": "system_error", "count": 1});
    let res = app
        .http
        .post(format!("{}/_emulator/v1/faults", app.base_url))
        .json(&fault)
        .send()
        .await
        .expect("fault");
    assert_eq!(res.status(), 201);
    let (faulted, _) = delete(&app, body).await;
    assert_eq!(faulted["err_no"], 10000);
    let (replayed, _) = delete(&app, body).await;
    assert_eq!(replayed["err_msg"], "待删除的数据不存在");
    let (live, _) = delete(&app, body).await;
    assert_eq!(live["err_no"], 10100);

    let res = app
        .http
        .post(format!("{}/_emulator/v1/reset", app.base_url))
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 200);
    let (again, _) = delete(&app, body).await;
    assert_eq!(again["err_msg"], "待删除的数据不存在");
}

#[tokio::test]
async fn a_file_that_is_not_a_recording_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("000001-x.json"), "{}").expect("write");
    let err = Replay::load(dir.path()).expect_err("not a recording");
    assert!(err.to_string().contains("000001-x.json"), "{err}");
}
