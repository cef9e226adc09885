//! Emulator API (SPEC §7): reset, seed, journal, fault injection, and the clock driving rules.

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

backend_tests!(
    reset_empties_everything_and_returns_to_real_time,
    seed_loads_apps_credentials_and_bindings,
    reset_recreates_the_stored_demo_app_with_its_credentials,
);

async fn reset_recreates_the_stored_demo_app_with_its_credentials(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let demo = dyopen_server::demo::ensure_demo(&app.state)
        .await
        .expect("demo");
    let again = dyopen_server::demo::ensure_demo(&app.state)
        .await
        .expect("demo again");
    assert_eq!(
        (&again.app.appid, &again.secret),
        (&demo.app.appid, &demo.secret),
        "the stored demo app is reused"
    );
    let (status, v) = emu(&app, reqwest::Method::POST, "/reset", None).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["demo"]["appid"], demo.app.appid.as_str(), "{v}");
    assert_eq!(v["demo"]["secret"], demo.secret.as_str(), "{v}");
    let (_, list) = app.admin(reqwest::Method::GET, "/apps", None).await;
    assert_eq!(list["total"], 1, "only the demo app: {list}");
    let token = app
        .client_token(&TestMiniApp {
            appid: demo.app.appid.clone(),
            secret: demo.secret.clone(),
        })
        .await;
    assert!(token.starts_with("clt."), "{token}");
}

async fn reset_empties_everything_and_returns_to_real_time(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    app.post(
        ADD,
        Some(&t),
        &json!({"bind_type": 1, "region_id": "440300"}),
    )
    .await;
    emu(
        &app,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"path": ADD, "err_kind": "http_500", "count": 5})),
    )
    .await;
    let (status, v) = emu(&app, reqwest::Method::POST, "/reset", None).await;
    assert_eq!(status, 200, "{v}");
    let (_, journal) = emu(&app, reqwest::Method::GET, "/journal", None).await;
    assert_eq!(journal["entries"], json!([]));
    let (status, _) = app
        .admin(reqwest::Method::GET, &format!("/apps/{}", mini.appid), None)
        .await;
    assert_eq!(status, 404);
    let (_, clock) = emu(&app, reqwest::Method::GET, "/clock", None).await;
    assert_eq!(clock["frozen"], false);
    let (_, faults) = emu(&app, reqwest::Method::GET, "/faults", None).await;
    assert_eq!(faults, json!([]));
    let (_, list) = app.admin(reqwest::Method::GET, "/apps", None).await;
    assert_eq!(list["total"], 0);
}

async fn seed_loads_apps_credentials_and_bindings(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let yaml = "apps:\n  - appid: tt00000000000000aa\n    secret: fixture-secret\n    name: shop\n    pages: [pages/index/index]\n    providers: [tt00000000000000bb]\n    regions:\n      - {bind_type: 2, region_id: \"440300\", path: p/a}\n      - {bind_type: 2, region_id: \"130400\", path: p/b}\n  - appid: tt00000000000000bb\n    name: provider\n";
    let res = app
        .http
        .post(format!("{}/_emulator/v1/seed", app.base_url))
        .body(yaml)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["apps"][0]["secret"], "fixture-secret");
    assert_eq!(v["apps"][1]["secret"].as_str().unwrap().len(), 32);
    let mini = TestMiniApp {
        appid: "tt00000000000000aa".into(),
        secret: "fixture-secret".into(),
    };
    let t = app.client_token(&mini).await;
    let (_, list) = app
        .admin(
            reqwest::Method::GET,
            "/apps/tt00000000000000aa/regions",
            None,
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, providers) = app
        .admin(
            reqwest::Method::GET,
            "/apps/tt00000000000000aa/providers",
            None,
        )
        .await;
    assert_eq!(providers[0]["provider_appid"], "tt00000000000000bb");
    let (_, v) = app
        .post(
            ADD,
            Some(&t),
            &json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
        )
        .await;
    assert_eq!(v["err_msg"], "当前小程序或页面已绑定该区域");
    // The same appid again is a conflict; a bad fixture names the offending entry; nothing is written.
    let (status, _) = emu(
        &app,
        reqwest::Method::POST,
        "/seed",
        Some(json!({"apps": [{"appid": "tt00000000000000aa", "name": "x"}]})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, v) = emu(
        &app,
        reqwest::Method::POST,
        "/seed",
        Some(json!({"apps": [{"name": "ok"}, {"name": "bad", "regions": [{"bind_type": 1, "region_id": "440000"}]}]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("apps[1].regions[0]"),
        "{v}"
    );
    let (_, list) = app.admin(reqwest::Method::GET, "/apps", None).await;
    assert_eq!(list["total"], 2);
}

#[tokio::test]
async fn journal_records_requests_with_secrets_masked_and_filters() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (mini, t) = app.app_with_token().await;
    let (other, t2) = app.app_with_token().await;
    app.post(
        ADD,
        Some(&t),
        &json!({"bind_type": 1, "region_id": "440300"}),
    )
    .await;
    app.post(
        "//api/product/v1/app_region_add/",
        Some(&t2),
        &json!({"bind_type": 1, "region_id": "130400"}),
    )
    .await;
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        &format!("/journal?appid={}", mini.appid),
        None,
    )
    .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{page}"); // the token request and the add
    assert_eq!(entries[0]["path"], "/oauth/client_token");
    assert_eq!(entries[0]["request"]["client_secret"], "***");
    assert_eq!(entries[0]["response"]["data"]["access_token"], "***");
    assert_eq!(entries[1]["path"], "/api/product/v1/app_region_add");
    assert_eq!(entries[1]["response"]["err_no"], 0);
    assert_eq!(entries[1]["log_id"], entries[1]["response"]["log_id"]);
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        &format!("/journal?path={ADD}&limit=1"),
        None,
    )
    .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["appid"], other.appid.as_str());
    // Admin calls are journaled with the secret masked.
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        "/journal?path=/admin/v1/apps",
        None,
    )
    .await;
    assert!(page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["response"]["secret"] == "***"));
}

#[tokio::test]
async fn journal_is_bounded() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.journal_capacity = 5)
        .await
        .unwrap();
    for _ in 0..8 {
        app.post("/api/apps/v2/token", None, &json!({})).await;
    }
    let (_, page) = emu(&app, reqwest::Method::GET, "/journal?limit=100", None).await;
    assert_eq!(page["capacity"], 5);
    let seqs: Vec<i64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, vec![4, 5, 6, 7, 8]);
}

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
async fn seed_creates_tasks_with_their_talents() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let fixture = json!({"apps": [{
        "appid": "tt00000000000000cc", "secret": "s", "name": "tasks", "pages": ["pages/index/index"],
        "tasks": [{
            "task_name": "exclusive", "start_page": "pages/index/index",
            "task_start_time": T0, "task_end_time": (T0 + 86_400).to_string(), "douyin_ids": ["lw1352552"]
        }]
    }]});
    let (status, v) = emu(&app, reqwest::Method::POST, "/seed", Some(fixture)).await;
    assert_eq!(status, 201, "{v}");
    let task_id = v["tasks"][0]["task_id"].as_str().unwrap().to_owned();
    assert_eq!(task_id.len(), 19);
    let t = app
        .client_token(&TestMiniApp {
            appid: "tt00000000000000cc".into(),
            secret: "s".into(),
        })
        .await;
    let (_, v) = app
        .post(
            "/api/apps/taskbox/update_orient_talents/",
            None,
            &json!({"access_token": t, "appid": "tt00000000000000cc", "task_id": task_id, "op_type": 2, "douyin_ids": ["lw1352552"]}),
        )
        .await;
    assert_eq!(
        v["data"]["update_info_list"][0]["update_result"], "请求成功,已取消",
        "{v}"
    );
    let (status, v) = emu(
        &app,
        reqwest::Method::POST,
        "/seed",
        Some(json!({"apps": [{"name": "x", "pages": ["a"], "tasks": [{"task_name": "t", "start_page": "b"}]}]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("apps[0].tasks[0]"),
        "{v}"
    );
}

#[tokio::test]
async fn seed_creates_links_that_redirect_and_reset_forgets_them() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let fixture = json!({"apps": [{
        "name": "links", "pages": ["pages/index/index", "pages/item"],
        "links": [{"path": "pages/item", "query": "{\"id\":\"7\"}", "expire_time": T0 + 3600}]
    }]});
    let (status, v) = emu(&app, reqwest::Method::POST, "/seed", Some(fixture)).await;
    assert_eq!(status, 201, "{v}");
    let url = v["links"][0]["url_link"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base_url), "{url}");
    let res = app.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("snssdk1128://microapp?"), "{location}");
    emu(&app, reqwest::Method::POST, "/reset", None).await;
    assert_eq!(
        app.http.get(&url).send().await.unwrap().status(),
        404,
        "reset clears the link cache too"
    );
    let (status, v) = emu(
        &app,
        reqwest::Method::POST,
        "/seed",
        Some(json!({"apps": [{"name": "x", "pages": ["a"], "links": [{"path": "b", "expire_time": T0 + 60}]}]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("apps[0].links[0]"),
        "{v}"
    );
}

#[tokio::test]
async fn journal_masks_form_bodies_and_withholds_unparsable_ones_naming_secrets() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mini = app.create_app(&["pages/index/index"]).await;
    let form = format!(
        "client_key={}&client_secret={}&grant_type=client_credential",
        mini.appid, mini.secret
    );
    app.post_raw(
        "/oauth/client_token/",
        &[("content-type", "application/x-www-form-urlencoded")],
        form.into(),
    )
    .await;
    app.post_raw(
        "/api/apps/url_link/generate",
        &[],
        br#"{"access_token": "08abc", "ma_app_id": "#.to_vec(),
    )
    .await;
    let (_, page) = emu(&app, reqwest::Method::GET, "/journal", None).await;
    let text = page.to_string();
    assert!(!text.contains(&mini.secret), "the secret leaked: {text}");
    assert!(!text.contains("08abc"), "the token leaked: {text}");
    let entries = page["entries"].as_array().unwrap();
    let form_entry = entries
        .iter()
        .find(|e| e["path"] == "/oauth/client_token")
        .unwrap();
    assert_eq!(
        form_entry["request"],
        format!(
            "client_key={}&client_secret=***&grant_type=client_credential",
            mini.appid
        )
    );
    let broken = entries
        .iter()
        .find(|e| e["path"] == "/api/apps/url_link/generate")
        .unwrap();
    assert_eq!(
        broken["request"],
        "[body withheld: not JSON and names a secret field]"
    );
}

#[tokio::test]
async fn reset_forgets_the_qps_windows_of_a_frozen_clock() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let fixture = json!({"apps": [{"appid": "tt00000000000000dd", "secret": "s", "name": "q", "pages": ["pages/index/index"], "qps_limit": 1}]});
    let mini = TestMiniApp {
        appid: "tt00000000000000dd".into(),
        secret: "s".into(),
    };
    let generate = |t: String| {
        let app = &app;
        async move {
            let body = json!({"access_token": t, "ma_app_id": "tt00000000000000dd", "app_name": "douyin", "expire_time": T0 + 3600});
            app.post("/api/apps/url_link/generate", None, &body).await.1["err_no"]
                .as_i64()
                .unwrap()
        }
    };
    emu(&app, reqwest::Method::POST, "/seed", Some(fixture.clone())).await;
    let t = app.client_token(&mini).await;
    assert_eq!(generate(t.clone()).await, 0);
    assert_eq!(generate(t).await, 12020, "one per second");
    emu(&app, reqwest::Method::POST, "/reset", None).await;
    emu(
        &app,
        reqwest::Method::POST,
        "/clock",
        Some(json!({"now": T0})),
    )
    .await;
    emu(&app, reqwest::Method::POST, "/seed", Some(fixture)).await;
    let t = app.client_token(&mini).await;
    assert_eq!(
        generate(t).await,
        0,
        "the same frozen second starts a fresh window after a reset"
    );
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
