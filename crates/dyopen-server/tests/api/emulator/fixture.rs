//! Reset and seed: what they empty, load and recreate (apps, bindings, tasks, links, qps windows).

use super::*;

backend_tests!(
    reset_empties_everything_and_returns_to_real_time,
    seed_loads_apps_credentials_and_bindings,
    reset_recreates_the_stored_demo_app_with_its_credentials,
);

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
    // Now cached, the link is answered by the fast path (before routing), which stays inside
    // the emulator's layer: its faults apply and its journal records every answer.
    let path = format!("/{}", url.rsplit('/').next().unwrap());
    let (status, v) = emu(
        &app,
        reqwest::Method::POST,
        "/faults",
        Some(json!({"path": path, "err_kind": "http_500", "count": 1})),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let statuses = [
        app.http.get(&url).send().await.unwrap().status(),
        app.http.get(&url).send().await.unwrap().status(),
    ];
    assert_eq!(statuses, [500, 302]);
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        &format!("/journal?path={path}"),
        None,
    )
    .await;
    let journaled: Vec<&Value> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["status"])
        .collect();
    assert_eq!(journaled, [302, 500, 302], "{page}");
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
