//! Admin API (SPEC §3, §7) and the emulator clock.

use dyopen_testkit::*;
use reqwest::Method;
use serde_json::{json, Value};

backend_tests!(
    apps_are_created_listed_fetched_and_patched,
    provider_grants_are_managed,
);

#[tokio::test]
async fn admin_api_requires_the_bearer_token() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for auth in [None, Some("Bearer wrong"), Some("test-admin-token")] {
        let mut req = app.http.get(format!("{}/admin/v1/apps", app.base_url));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{auth:?}");
        assert_eq!(
            res.json::<Value>().await.unwrap()["error"]["code"],
            "unauthorized"
        );
    }
}

async fn apps_are_created_listed_fetched_and_patched(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (status, created) = app
        .admin(
            Method::POST,
            "/apps",
            Some(json!({"name": "shop", "pages": ["pages/index/index", "pages/a"]})),
        )
        .await;
    assert_eq!(status, 201);
    let appid = created["appid"].as_str().unwrap();
    assert!(appid.len() == 18 && appid.starts_with("tt"));
    assert_eq!(created["secret"].as_str().unwrap().len(), 32);
    assert_eq!(created["pages"], json!(["pages/index/index", "pages/a"]));
    assert_eq!(created["qps_limit"], 100);
    assert_eq!(created["daily_link_quota"], 500_000);
    assert_eq!(created["status"], "active");

    let (status, got) = app
        .admin(Method::GET, &format!("/apps/{appid}"), None)
        .await;
    assert_eq!(status, 200);
    assert!(got.get("secret").is_none(), "the secret is shown once");

    let (status, patched) = app
        .admin(Method::PATCH, &format!("/apps/{appid}"), Some(json!({"pages": ["p/x"], "qps_limit": 5, "daily_link_quota": 7, "status": "banned"})))
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (
            patched["pages"].clone(),
            patched["qps_limit"].clone(),
            patched["status"].clone()
        ),
        (json!(["p/x"]), json!(5), json!("banned"))
    );

    for bad in [
        json!({"pages": ["/abs"]}),
        json!({"pages": ["a", "a"]}),
        json!({"qps_limit": 0}),
        json!({"status": "gone"}),
        json!({"pages": "x"}),
    ] {
        let (status, v) = app
            .admin(Method::PATCH, &format!("/apps/{appid}"), Some(bad.clone()))
            .await;
        assert_eq!(status, 400, "{bad} {v}");
        assert_eq!(v["error"]["code"], "invalid_request");
    }
    let (status, _) = app
        .admin(
            Method::POST,
            "/apps",
            Some(json!({"name": "", "pages": []})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .admin(Method::GET, "/apps/tt0123456789abcdef", None)
        .await;
    assert_eq!(status, 404);

    for i in 0..3 {
        app.admin(
            Method::POST,
            "/apps",
            Some(json!({"name": format!("n{i}")})),
        )
        .await;
    }
    let (_, page) = app
        .admin(Method::GET, "/apps?page=2&page_size=3", None)
        .await;
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (status, _) = app.admin(Method::GET, "/apps?page=0", None).await;
    assert_eq!(status, 400);
}

async fn provider_grants_are_managed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let a = app.create_app(&[]).await;
    let p = app.create_app(&[]).await;
    let path = format!("/apps/{}/providers", a.appid);
    let (status, v) = app
        .admin(
            Method::POST,
            &path,
            Some(json!({"provider_appid": p.appid})),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let (_, list) = app.admin(Method::GET, &path, None).await;
    assert_eq!(list[0]["provider_appid"], p.appid.as_str());
    let (status, _) = app
        .admin(Method::POST, &path, Some(json!({"provider_appid": "bad"})))
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .admin(Method::DELETE, &format!("{path}/{}", p.appid), None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .admin(Method::DELETE, &format!("{path}/{}", p.appid), None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn emulator_clock_reads_sets_advances_and_resumes() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let url = format!("{}/_emulator/v1/clock", app.base_url);
    let v: Value = app
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["now"].as_i64(), v["frozen"].as_bool()),
        (Some(T0), Some(true))
    );
    let v: Value = app
        .http
        .post(&url)
        .json(&json!({"advance_seconds": 60}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["now"], T0 + 60);
    let v: Value = app
        .http
        .post(&url)
        .json(&json!({"now": 2_000_000_000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["now"], 2_000_000_000);
    let v: Value = app
        .http
        .post(&url)
        .json(&json!({"resume": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["frozen"], false);
    assert!(v["now"].as_i64().unwrap() >= 2_000_000_000);
    let res = app
        .http
        .post(&url)
        .json(&json!({"now": 1, "advance_seconds": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn emulator_routes_are_404_without_emulator_mode() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.emulator = false)
        .await
        .unwrap();
    let res = app
        .http
        .post(format!("{}/_emulator/v1/clock", app.base_url))
        .json(&json!({"advance_seconds": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn emulator_clock_drives_token_expiry_over_http() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, token) = app.app_with_token().await;
    let url = format!("{}/_emulator/v1/clock", app.base_url);
    app.http
        .post(&url)
        .json(&json!({"advance_seconds": 7200}))
        .send()
        .await
        .unwrap();
    let (_, v) = app
        .post(
            "/api/product/v1/app_region_delete",
            Some(&token),
            &json!({"region_id": "440300"}),
        )
        .await;
    assert_eq!(v["err_no"], 10100);
}
