//! Faults in each route's dialect, the clock over HTTP, and the talents parameter check.

use super::*;

#[tokio::test]
async fn faults_fire_exactly_count_times_in_the_routes_dialect() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, t) = app.app_with_token().await;
    let (status, _) = emu(
        &app,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"path": ADD, "err_kind": "system_error", "count": 2})),
    )
    .await;
    assert_eq!(status, 201);
    let body = json!({"bind_type": 1, "region_id": "440300"});
    for _ in 0..2 {
        let (status, v) = app.post(ADD, Some(&t), &body).await;
        assert_eq!(
            (status, redact(v)),
            (
                200,
                json!({"err_no": 10000, "err_msg": "系统错误", "log_id": "[log_id]", "data_id": ""})
            )
        );
    }
    assert_eq!(app.post(ADD, Some(&t), &body).await.1["err_no"], 0);

    emu(
        &app,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"path": "/api/apps/v2/token/", "err_kind": "system_error", "count": 1})),
    )
    .await;
    let (_, v) = app.post("/api/apps/v2/token", None, &json!({})).await;
    assert_eq!(v, json!({"err_no": -1, "err_tips": "系统错误", "data": {}}));

    emu(
        &app,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"path": "/oauth/client_token", "err_kind": "http_500", "count": 1})),
    )
    .await;
    let res = app
        .http
        .post(format!("{}/oauth/client_token/", app.base_url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    let res = app
        .http
        .post(format!("{}/oauth/client_token/", app.base_url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    emu(
        &app,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"path": MODIFY, "err_kind": "timeout", "count": 1, "delay_ms": 20})),
    )
    .await;
    let res = app
        .http
        .post(format!("{}{MODIFY}", app.base_url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 504);
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        "/journal?path=/oauth/client_token",
        None,
    )
    .await;
    let fired: Vec<bool> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["injected_fault"].as_bool().unwrap())
        .collect();
    assert!(fired.contains(&true) && fired.contains(&false));

    for bad in [
        json!({"path": ADD, "err_kind": "explode", "count": 1}),
        json!({"path": ADD, "err_kind": "http_500", "count": 0}),
        json!({"path": "/_emulator/v1/clock", "err_kind": "http_500", "count": 1}),
    ] {
        let (status, _) = emu(&app, reqwest::Method::POST, "/faults", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad}");
    }
}

#[tokio::test]
async fn clock_over_http_moves_the_7_day_throttle() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (mini, t) = app.app_with_token().await;
    app.post(
        ADD,
        Some(&t),
        &json!({"bind_type": 1, "region_id": "440300"}),
    )
    .await;
    let (_, v) = app
        .post(
            MODIFY,
            Some(&t),
            &json!({"origin_region": "440300", "current_region": "130400"}),
        )
        .await;
    assert_eq!(v["err_no"], 0);
    let (_, v) = app
        .post(
            MODIFY,
            Some(&t),
            &json!({"origin_region": "130400", "current_region": "440300"}),
        )
        .await;
    assert_eq!(v["err_no"], 10101);
    emu(
        &app,
        reqwest::Method::POST,
        "/clock",
        Some(json!({"advance_seconds": 604_800})),
    )
    .await;
    let t = app.client_token(&mini).await;
    let (_, v) = app
        .post(
            MODIFY,
            Some(&t),
            &json!({"origin_region": "130400", "current_region": "440300"}),
        )
        .await;
    assert_eq!(v["err_no"], 0);
}

#[tokio::test]
async fn talents_with_an_empty_appid_are_a_parameter_error() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, t) = app.app_with_token().await;
    let (_, v) = app
        .post(
            "/api/apps/taskbox/update_orient_talents/",
            None,
            &json!({"access_token": t, "appid": "", "task_id": 7218760632718443557u64, "op_type": 1, "douyin_ids": ["a"]}),
        )
        .await;
    assert_eq!(v["error"], 4001015, "{v}");
}
