//! Token endpoints (SPEC §3): envelopes, error codes, expiry, grace of the previous token,
//! revocation on secret rotation.

use dyopen_testkit::*;
use serde_json::json;

const V2: &str = "/api/apps/v2/token";
const CLIENT: &str = "/oauth/client_token/";
const ADD: &str = "/api/product/v1/app_region_add/";

backend_tests!(
    v2_token_envelopes_and_errors,
    client_token_envelopes_and_errors,
    client_token_accepts_form_bodies,
    previous_token_lives_at_most_five_more_minutes,
    rotating_the_secret_revokes_live_tokens,
);

async fn v2_token_envelopes_and_errors(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let (status, v) = app
        .post(
            V2,
            None,
            &json!({"appid": mini.appid, "secret": mini.secret, "grant_type": "client_credential"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["err_no"], 0);
    assert_eq!(v["err_tips"], "success");
    assert_eq!(v["data"]["expires_in"], 7200);
    assert!(v["data"]["access_token"]
        .as_str()
        .unwrap()
        .starts_with("08"));
    let cases = [
        (
            json!({"appid": mini.appid, "secret": mini.secret}),
            40014,
            "参数错误",
        ),
        (
            json!({"appid": "tt0000000000000000", "secret": mini.secret, "grant_type": "client_credential"}),
            40015,
            "appid 错误",
        ),
        (
            json!({"appid": "nonsense", "secret": mini.secret, "grant_type": "client_credential"}),
            40015,
            "appid 错误",
        ),
        (
            json!({"appid": mini.appid, "secret": "wrong", "grant_type": "client_credential"}),
            40017,
            "secret 错误",
        ),
        (
            json!({"appid": mini.appid, "secret": mini.secret, "grant_type": "password"}),
            40020,
            "grant_type 不是 client_credential",
        ),
        (
            json!({"appid": 5, "secret": mini.secret, "grant_type": "client_credential"}),
            40014,
            "参数错误",
        ),
    ];
    for (body, code, tips) in cases {
        let (status, v) = app.post(V2, None, &body).await;
        assert_eq!(
            (status, v),
            (200, json!({"err_no": code, "err_tips": tips, "data": {}})),
            "{body}"
        );
    }
}

async fn client_token_envelopes_and_errors(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let (_, v) = app.post(CLIENT, None, &json!({"client_key": mini.appid, "client_secret": mini.secret, "grant_type": "client_credential"})).await;
    assert_eq!(v["message"], "success");
    assert_eq!(v["data"]["error_code"], 0);
    assert_eq!(v["data"]["description"], "");
    assert_eq!(v["data"]["expires_in"], 7200);
    assert!(v["data"]["access_token"]
        .as_str()
        .unwrap()
        .starts_with("clt."));
    let err = |code: i64, text: &str| json!({"data": {"access_token": "", "description": text, "error_code": code, "expires_in": 0}, "message": "error"});
    let cases = [
        (json!({"client_key": mini.appid}), err(10002, "参数错误")),
        (
            json!({"client_key": "tt0000000000000000", "client_secret": "x", "grant_type": "client_credential"}),
            err(10003, "client_key 不存在"),
        ),
        (
            json!({"client_key": mini.appid, "client_secret": "x", "grant_type": "client_credential"}),
            err(10013, "client_key 或者 client_secret 报错"),
        ),
        (
            json!({"client_key": mini.appid, "client_secret": mini.secret, "grant_type": "authorization_code"}),
            err(10002, "参数错误"),
        ),
    ];
    for (body, want) in cases {
        assert_eq!(app.post(CLIENT, None, &body).await, (200, want), "{body}");
    }
}

async fn client_token_accepts_form_bodies(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let form = format!(
        "client_key={}&client_secret={}&grant_type=client_credential",
        mini.appid, mini.secret
    );
    let (status, _, text) = app
        .post_raw(
            "/oauth/client_token",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.into(),
        )
        .await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        v["data"]["access_token"]
            .as_str()
            .unwrap()
            .starts_with("clt."),
        "{v}"
    );
}

async fn previous_token_lives_at_most_five_more_minutes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let first = app.client_token(&mini).await;
    let second = app.client_token(&mini).await;
    let third = app.client_token(&mini).await;
    let v2 = app.v2_token(&mini).await;
    let probe = |t: String| {
        let app = &app;
        async move { app.post(ADD, Some(&t), &json!({"bind_type": 9})).await.1["err_no"].clone() }
    };
    // A request with a bad body would hide auth: use an auth-only probe (delete of nothing).
    let auth = |t: String| {
        let app = &app;
        async move {
            app.post(
                "/api/product/v1/app_region_delete",
                Some(&t),
                &json!({"region_id": "440300"}),
            )
            .await
            .1["err_no"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(probe(first.clone()).await, 10001);
    assert_eq!(
        auth(first.clone()).await,
        10100,
        "the token before the previous one is revoked"
    );
    assert_eq!(
        auth(second.clone()).await,
        10001,
        "the previous token is still valid"
    );
    assert_eq!(auth(third.clone()).await, 10001);
    assert_eq!(
        auth(v2.clone()).await,
        10001,
        "another kind is not affected"
    );
    app.advance(299);
    assert_eq!(auth(second.clone()).await, 10001);
    app.advance(1);
    assert_eq!(
        auth(second).await,
        10100,
        "grace ends 300 s after the new token"
    );
    assert_eq!(auth(third).await, 10001);
}

async fn rotating_the_secret_revokes_live_tokens(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.client_token(&mini).await;
    let (status, v) = app
        .admin(
            reqwest::Method::POST,
            &format!("/apps/{}/secret", mini.appid),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let new_secret = v["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, mini.secret);
    let (_, v) = app
        .post(
            "/api/product/v1/app_region_delete",
            Some(&token),
            &json!({"region_id": "440300"}),
        )
        .await;
    assert_eq!(v["err_no"], 10100);
    let (_, v) = app
        .post(
            V2,
            None,
            &json!({"appid": mini.appid, "secret": mini.secret, "grant_type": "client_credential"}),
        )
        .await;
    assert_eq!(v["err_no"], 40017);
    let rotated = TestMiniApp {
        appid: mini.appid.clone(),
        secret: new_secret,
    };
    app.client_token(&rotated).await;
}
