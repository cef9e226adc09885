//! City binding (seed 000, SPEC §4): every rule, error code and text over HTTP.

use crate::helpers::*;
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

async fn call(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let (status, v) = app.post(path, Some(token), &body).await;
    assert_eq!(status, 200, "{v}");
    redact(v)
}

backend_tests!(
    seed_curl_requests_work_verbatim,
    add_checks_bind_type_path_coupling,
    add_rejects_provinces_districts_and_abolished_codes,
    whole_and_page_bindings_are_exclusive,
    whole_app_binds_one_city,
    page_binds_one_city_per_path_and_at_most_ten_paths,
    delete_of_missing_binding_is_refused,
    whole_bound_app_treats_path_as_empty,
    modify_checks_origin_and_rejects_same_city,
    modify_and_delete_share_a_7_day_window_per_target,
    window_is_keyed_on_target_not_binding,
    failed_requests_never_consume_the_window,
    data_id_is_stable_across_modify,
    token_is_required_and_checked_after_the_body,
    admin_lists_bindings_with_names_and_next_change,
    fifty_concurrent_page_adds_bind_exactly_ten,
    concurrent_whole_and_page_adds_never_mix,
    concurrent_modifies_let_exactly_one_through,
);

async fn seed_curl_requests_work_verbatim(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = app.app_with_token().await;
    // Seed 000's add example, double slash included.
    let body = r#"{ "bind_type": 2, "region_id": "130400", "path": "page/test/index" }"#;
    let (status, _, text) = app
        .post_raw(
            "//api/product/v1/app_region_add/",
            &[
                ("Content-Type", "application/json"),
                ("access-token", &token),
            ],
            body.into(),
        )
        .await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(redact(v.clone()), ok_add());
    let data_id = v["data_id"].as_str().unwrap();
    assert!(
        data_id.starts_with("region_")
            && data_id.len() == 26
            && data_id[7..].bytes().all(|b| b.is_ascii_digit()),
        "{data_id}"
    );
    // The same request again: the seed's error example.
    let (_, _, text) = app
        .post_raw(
            "//api/product/v1/app_region_add/",
            &[
                ("Content-Type", "application/json"),
                ("access-token", &token),
            ],
            body.into(),
        )
        .await;
    assert_eq!(
        redact(serde_json::from_str(&text).unwrap()),
        err_add(10001, "当前小程序或页面已绑定该区域")
    );
    // Seed's modify example shape (its own example has a broken quote; this is the intended body).
    let v = call(
        &app,
        MODIFY,
        &token,
        json!({"origin_region": "130400", "current_region": "440400", "path": "page/test/index"}),
    )
    .await;
    assert_eq!(v, ok());
    // Seed's delete example: that path has no binding.
    let body = r#"{ "region_id": "440300", "path": "path/test/index" }"#;
    let (_, _, text) = app
        .post_raw(
            "//api/product/v1/app_region_delete/",
            &[
                ("Content-Type", "application/json"),
                ("access-token", &token),
            ],
            body.into(),
        )
        .await;
    assert_eq!(
        redact(serde_json::from_str(&text).unwrap()),
        err(10001, "待删除的数据不存在")
    );
}

async fn add_checks_bind_type_path_coupling(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let cases = [
        (
            json!({"bind_type": 1, "region_id": "440300", "path": "a/b"}),
            "参数不合法:path参数不合法",
        ),
        (
            json!({"bind_type": 2, "region_id": "440300"}),
            "参数不合法:path参数不合法",
        ),
        (
            json!({"bind_type": 2, "region_id": "440300", "path": ""}),
            "参数不合法:path参数不合法",
        ),
        (
            json!({"bind_type": 2, "region_id": "440300", "path": "/abs"}),
            "参数不合法:path参数不合法",
        ),
        (
            json!({"bind_type": 2, "region_id": "440300", "path": "a?x=1"}),
            "参数不合法:path参数不合法",
        ),
        (
            json!({"bind_type": 3, "region_id": "440300"}),
            "参数不合法:bind_type参数不合法",
        ),
        (
            json!({"region_id": "440300"}),
            "参数不合法:bind_type参数不合法",
        ),
        (
            json!({"bind_type": "1", "region_id": "440300"}),
            "参数不合法:bind_type参数不合法",
        ),
        (json!({"bind_type": 1}), "参数不合法:region_id参数不合法"),
        (
            json!({"bind_type": 1, "path": "x", "region_id": "abc"}),
            "参数不合法:region_id参数不合法",
        ),
        (
            json!({"bind_type": 1, "path": "x", "region_id": "440000"}),
            "参数不合法:path参数不合法",
        ),
        (
            json!({"bind_type": 1, "region_id": 440300}),
            "参数不合法:region_id参数不合法",
        ),
        (
            json!({"bind_type": 1, "region_id": "440300", "path": 5}),
            "参数不合法:path参数不合法",
        ),
    ];
    for (body, msg) in cases {
        assert_eq!(
            call(&app, ADD, &t, body.clone()).await,
            err_add(10001, msg),
            "{body}"
        );
    }
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 1, "region_id": "440300", "path": ""})
        )
        .await,
        ok_add()
    );
}

async fn add_rejects_provinces_districts_and_abolished_codes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    for bad in [
        "440000", "440303", "371200", "419000", "810000", "12345", "abcdef", "",
    ] {
        let v = call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": bad, "path": "p/x"}),
        )
        .await;
        assert_eq!(v, err_add(10001, "参数不合法:region_id参数不合法"), "{bad}");
    }
    for (i, good) in ["440300", "419001", "429004", "469001", "659001", "110100"]
        .iter()
        .enumerate()
    {
        let v = call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": good, "path": format!("p/{i}")}),
        )
        .await;
        assert_eq!(v, ok_add(), "{good}");
    }
    // 110100 is stored as 110000.
    let v = call(
        &app,
        DELETE,
        &t,
        json!({"region_id": "110000", "path": "p/5"}),
    )
    .await;
    assert_eq!(v, ok());
}

async fn whole_and_page_bindings_are_exclusive(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/a"})
        )
        .await,
        ok_add()
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 1, "region_id": "440300"})
        )
        .await,
        err_add(10001, "参数不合法:小程序已按页面维度绑定城市")
    );
    let (_, t2) = app.app_with_token().await;
    assert_eq!(
        call(
            &app,
            ADD,
            &t2,
            json!({"bind_type": 1, "region_id": "440300"})
        )
        .await,
        ok_add()
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t2,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/a"})
        )
        .await,
        err_add(10001, "参数不合法:小程序已按整体维度绑定城市")
    );
}

async fn whole_app_binds_one_city(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 1, "region_id": "440300"})
        )
        .await,
        ok_add()
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 1, "region_id": "440300"})
        )
        .await,
        err_add(10001, "当前小程序或页面已绑定该区域")
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 1, "region_id": "130400"})
        )
        .await,
        err_add(10001, "参数不合法:小程序整体仅可绑定1个城市,请使用修改接口")
    );
}

async fn page_binds_one_city_per_path_and_at_most_ten_paths(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    for i in 0..10 {
        assert_eq!(
            call(
                &app,
                ADD,
                &t,
                json!({"bind_type": 2, "region_id": "440300", "path": format!("p/{i}")})
            )
            .await,
            ok_add()
        );
    }
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/10"})
        )
        .await,
        err_add(10001, "参数不合法:页面维度最多绑定10个页面")
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/3"})
        )
        .await,
        err_add(10001, "当前小程序或页面已绑定该区域")
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "130400", "path": "p/3"})
        )
        .await,
        err_add(10001, "参数不合法:该页面已绑定城市,请使用修改接口")
    );
    // Deleting one frees a slot.
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440300", "path": "p/0"})
        )
        .await,
        ok()
    );
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/10"})
        )
        .await,
        ok_add()
    );
}

async fn delete_of_missing_binding_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440300", "path": "p/a"})
        )
        .await,
        err(10001, "待删除的数据不存在")
    );
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
    )
    .await;
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "130400", "path": "p/a"})
        )
        .await,
        err(10001, "待删除的数据不存在")
    );
    assert_eq!(
        call(&app, DELETE, &t, json!({"region_id": "440300"})).await,
        err(10001, "待删除的数据不存在")
    );
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440000", "path": "p/a"})
        )
        .await,
        err(10001, "参数不合法:region_id参数不合法")
    );
    assert_eq!(
        call(&app, DELETE, &t, json!({"path": "p/a"})).await,
        err(10001, "参数不合法:region_id参数不合法")
    );
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440300", "path": "p/a"})
        )
        .await,
        ok()
    );
}

async fn whole_bound_app_treats_path_as_empty(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 1, "region_id": "440300"}),
    )
    .await;
    let v = call(
        &app,
        MODIFY,
        &t,
        json!({"origin_region": "440300", "current_region": "130400", "path": "some/page"}),
    )
    .await;
    assert_eq!(v, ok());
    app.advance(WEEK);
    let t = app.client_token(&mini).await;
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "130400", "path": "another/page"})
        )
        .await,
        ok()
    );
}

async fn modify_checks_origin_and_rejects_same_city(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
    )
    .await;
    let cases = [
        (
            json!({"origin_region": "130400", "current_region": "440400", "path": "p/a"}),
            err(10001, "待修改的数据不存在"),
        ),
        (
            json!({"origin_region": "440300", "current_region": "440400", "path": "p/b"}),
            err(10001, "待修改的数据不存在"),
        ),
        (
            json!({"origin_region": "440300", "current_region": "440300", "path": "p/a"}),
            err(10001, "参数不合法:current_region与origin_region相同"),
        ),
        (
            json!({"origin_region": "440300", "current_region": "440000", "path": "p/a"}),
            err(10001, "参数不合法:current_region参数不合法"),
        ),
        (
            json!({"origin_region": "44030", "current_region": "440400", "path": "p/a"}),
            err(10001, "参数不合法:origin_region参数不合法"),
        ),
        (
            json!({"current_region": "440400", "path": "p/a"}),
            err(10001, "参数不合法:origin_region参数不合法"),
        ),
    ];
    for (body, want) in cases {
        assert_eq!(call(&app, MODIFY, &t, body.clone()).await, want, "{body}");
    }
    assert_eq!(
        call(
            &app,
            MODIFY,
            &t,
            json!({"origin_region": "440300", "current_region": "440400", "path": "p/a"})
        )
        .await,
        ok()
    );
}

async fn modify_and_delete_share_a_7_day_window_per_target(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
    )
    .await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/b"}),
    )
    .await;
    assert_eq!(
        call(
            &app,
            MODIFY,
            &t,
            json!({"origin_region": "440300", "current_region": "440400", "path": "p/a"})
        )
        .await,
        ok()
    );
    let throttled = err(10101, "修改区域的频率过高");
    assert_eq!(
        call(
            &app,
            MODIFY,
            &t,
            json!({"origin_region": "440400", "current_region": "440300", "path": "p/a"})
        )
        .await,
        throttled
    );
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440400", "path": "p/a"})
        )
        .await,
        throttled
    );
    // Another target is not throttled.
    assert_eq!(
        call(
            &app,
            MODIFY,
            &t,
            json!({"origin_region": "440300", "current_region": "440400", "path": "p/b"})
        )
        .await,
        ok()
    );
    // One second before the window ends: still throttled; at the boundary: allowed.
    app.advance(WEEK - 1);
    let t = app.client_token(&mini).await;
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440400", "path": "p/a"})
        )
        .await,
        throttled
    );
    app.advance(1);
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440400", "path": "p/a"})
        )
        .await,
        ok()
    );
}

async fn window_is_keyed_on_target_not_binding(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
    )
    .await;
    assert_eq!(
        call(
            &app,
            DELETE,
            &t,
            json!({"region_id": "440300", "path": "p/a"})
        )
        .await,
        ok()
    );
    // Adding is never throttled.
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/a"})
        )
        .await,
        ok_add()
    );
    assert_eq!(
        call(
            &app,
            MODIFY,
            &t,
            json!({"origin_region": "440300", "current_region": "440400", "path": "p/a"})
        )
        .await,
        err(10101, "修改区域的频率过高")
    );
}

async fn failed_requests_never_consume_the_window(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
    )
    .await;
    call(
        &app,
        MODIFY,
        &t,
        json!({"origin_region": "130400", "current_region": "440400", "path": "p/a"}),
    )
    .await;
    call(
        &app,
        DELETE,
        &t,
        json!({"region_id": "130400", "path": "p/a"}),
    )
    .await;
    assert_eq!(
        call(
            &app,
            MODIFY,
            &t,
            json!({"origin_region": "440300", "current_region": "440400", "path": "p/a"})
        )
        .await,
        ok()
    );
}

async fn data_id_is_stable_across_modify(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    let (_, v) = app
        .post(
            ADD,
            Some(&t),
            &json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
        )
        .await;
    let data_id = v["data_id"].as_str().unwrap().to_owned();
    call(
        &app,
        MODIFY,
        &t,
        json!({"origin_region": "440300", "current_region": "440400", "path": "p/a"}),
    )
    .await;
    let (_, list) = app
        .admin(
            reqwest::Method::GET,
            &format!("/apps/{}/regions", mini.appid),
            None,
        )
        .await;
    assert_eq!(list[0]["data_id"], data_id.as_str());
    assert_eq!(list[0]["region_id"], "440400");
}

async fn token_is_required_and_checked_after_the_body(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let body = json!({"bind_type": 1, "region_id": "440300"});
    let auth = err_add(10100, "鉴权失败,access_token非法");
    let (_, v) = app.post(ADD, None, &body).await;
    assert_eq!(redact(v), auth);
    assert_eq!(call(&app, ADD, "clt.0000", body.clone()).await, auth);
    assert_eq!(call(&app, ADD, "garbage", body.clone()).await, auth);
    // A bad body is reported before a bad token.
    assert_eq!(
        call(
            &app,
            ADD,
            "garbage",
            json!({"bind_type": 9, "region_id": "440300"})
        )
        .await,
        err_add(10001, "参数不合法:bind_type参数不合法")
    );
    // Expired after 7200 s.
    app.advance(7199);
    assert_eq!(
        call(
            &app,
            ADD,
            &t,
            json!({"bind_type": 2, "region_id": "440300", "path": "p/a"})
        )
        .await,
        ok_add()
    );
    app.advance(1);
    assert_eq!(call(&app, ADD, &t, body.clone()).await, auth);
    // The token also works from the body and the query string.
    let (mini, _) = app.app_with_token().await;
    let fresh = app.v2_token(&mini).await;
    let (_, v) = app
        .post(
            ADD,
            None,
            &json!({"bind_type": 1, "region_id": "440300", "access_token": fresh}),
        )
        .await;
    assert_eq!(redact(v), ok_add());
    let (_, v) = app
        .post(
            &format!("{DELETE}?access_token={fresh}"),
            None,
            &json!({"region_id": "440300"}),
        )
        .await;
    assert_eq!(redact(v), ok());
}

async fn admin_lists_bindings_with_names_and_next_change(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "440300", "path": "p/a"}),
    )
    .await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 2, "region_id": "429004", "path": "p/b"}),
    )
    .await;
    call(
        &app,
        MODIFY,
        &t,
        json!({"origin_region": "440300", "current_region": "130400", "path": "p/a"}),
    )
    .await;
    let (status, list) = app
        .admin(
            reqwest::Method::GET,
            &format!("/apps/{}/regions", mini.appid),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let rows: Vec<(String, String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().into(),
                r["city_name"].as_str().unwrap().into(),
                r["province_name"].as_str().unwrap().into(),
                r["next_change_at"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        rows.contains(&(
            "p/a".into(),
            "邯郸市".into(),
            "河北省".into(),
            "2024-05-08T00:00:00Z".into()
        )),
        "{rows:?}"
    );
    assert!(
        rows.contains(&(
            "p/b".into(),
            "仙桃市".into(),
            "湖北省".into(),
            "2024-05-01T00:00:00Z".into()
        )),
        "{rows:?}"
    );
    let (status, _) = app
        .admin(
            reqwest::Method::GET,
            "/apps/tt0000000000000000/regions",
            None,
        )
        .await;
    assert_eq!(status, 404);
}

async fn fifty_concurrent_page_adds_bind_exactly_ten(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    let (mini, t) = app.app_with_token().await;
    let tasks = (0..50).map(|i| {
        let target = if i % 2 == 0 { &app } else { &other };
        let body = json!({"bind_type": 2, "region_id": "440300", "path": format!("p/{i}")});
        let t = t.clone();
        async move { target.post(ADD, Some(&t), &body).await.1 }
    });
    let results = futures::future::join_all(tasks).await;
    let ok = results.iter().filter(|v| v["err_no"] == 0).count();
    let capped = results
        .iter()
        .filter(|v| v["err_msg"] == "参数不合法:页面维度最多绑定10个页面")
        .count();
    assert_eq!((ok, capped), (10, 40), "{results:?}");
    let (_, list) = app
        .admin(
            reqwest::Method::GET,
            &format!("/apps/{}/regions", mini.appid),
            None,
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 10);
}

async fn concurrent_whole_and_page_adds_never_mix(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    for _ in 0..3 {
        let (mini, t) = app.app_with_token().await;
        let tasks = (0..20).map(|i| {
            let target = if i % 2 == 0 { &app } else { &other };
            let body = if i % 2 == 0 {
                json!({"bind_type": 1, "region_id": "440300"})
            } else {
                json!({"bind_type": 2, "region_id": "440300", "path": format!("p/{i}")})
            };
            let t = t.clone();
            async move { target.post(ADD, Some(&t), &body).await.1 }
        });
        futures::future::join_all(tasks).await;
        let (_, list) = app
            .admin(
                reqwest::Method::GET,
                &format!("/apps/{}/regions", mini.appid),
                None,
            )
            .await;
        let kinds: std::collections::HashSet<i64> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["bind_type"].as_i64().unwrap())
            .collect();
        assert_eq!(kinds.len(), 1, "{list}");
        if kinds.contains(&1) {
            assert_eq!(list.as_array().unwrap().len(), 1);
        }
    }
}

async fn concurrent_modifies_let_exactly_one_through(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    let (_, t) = app.app_with_token().await;
    call(
        &app,
        ADD,
        &t,
        json!({"bind_type": 1, "region_id": "440300"}),
    )
    .await;
    // Half move 440300→130400, half move it back: serially, the first succeeds and every
    // later one either names the wrong origin or hits the window. Exactly one may win.
    let tasks = (0..16).map(|i| {
        let target = if i % 2 == 0 { &app } else { &other };
        let body = if i % 2 == 0 {
            json!({"origin_region": "440300", "current_region": "130400"})
        } else {
            json!({"origin_region": "130400", "current_region": "440300"})
        };
        let t = t.clone();
        async move { target.post(MODIFY, Some(&t), &body).await.1 }
    });
    let results = futures::future::join_all(tasks).await;
    let ok = results.iter().filter(|v| v["err_no"] == 0).count();
    assert_eq!(ok, 1, "{results:?}");
    for v in results.iter().filter(|v| v["err_no"] != 0) {
        assert!(
            v["err_no"] == 10101 || v["err_msg"] == "待修改的数据不存在",
            "{v}"
        );
    }
}
