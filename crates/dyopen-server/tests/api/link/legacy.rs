//! The legacy generate API: links that redirect, the landing page, and its rejections in order.

use super::*;

backend_tests!(
    legacy_generate_gives_a_link_that_redirects_to_the_douyin_scheme,
    browsers_get_a_landing_page_with_qr_code,
    legacy_rejections_follow_the_seed_codes_in_order,
);

async fn legacy_generate_gives_a_link_that_redirects_to_the_douyin_scheme(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    // Token in the body as the seed's curl line sends it; expire_time as the npm SDK's string.
    let v = legacy(
        &app,
        None,
        legacy_body(
            &mini.appid,
            json!({"access_token": token, "expire_time": (T0 + HOUR).to_string()}),
        ),
    )
    .await;
    assert_eq!(v["err_no"], 0, "{v}");
    assert_eq!(v["err_tips"], "");
    let url = v["url_link"].as_str().unwrap();
    let code = code_of(url);
    assert_eq!(url, format!("{}/{code}", app.base_url));
    assert!(
        code.len() == 7 && code.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{code}"
    );
    let res = get(&app, &format!("/{code}"), None).await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(
        res.headers()["location"],
        format!(
            "snssdk1128://microapp?version=v2&app_id={}&scene=0&version_type=current&start_page=pages%2Fdetail%2Fdetail%3Fid%3D123",
            mini.appid
        )
    );
    // douyinlite, empty path (home page) and empty query.
    let v = legacy(
        &app,
        Some(&token),
        legacy_body(
            &mini.appid,
            json!({"app_name": "douyinlite", "path": "", "query": ""}),
        ),
    )
    .await;
    let res = get(
        &app,
        &format!("/{}", code_of(v["url_link"].as_str().unwrap())),
        None,
    )
    .await;
    assert_eq!(
        res.headers()["location"],
        format!(
            "snssdk2329://microapp?version=v2&app_id={}&scene=0&version_type=current&start_page=pages%2Findex%2Findex",
            mini.appid
        )
    );
    // Explicit routes still win over /{code}.
    assert_eq!(get(&app, "/healthz", None).await.status(), 200);
}

async fn browsers_get_a_landing_page_with_qr_code(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let v = legacy(&app, Some(&token), legacy_body(&mini.appid, json!({}))).await;
    let url = v["url_link"].as_str().unwrap();
    let res = get(
        &app,
        &format!("/{}", code_of(url)),
        Some("text/html,application/xhtml+xml"),
    )
    .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("test app"), "{html}");
    assert!(html.contains("pages/detail/detail"));
    assert!(html.contains("<svg"), "QR code missing");
    assert!(html.contains("href=\"snssdk1128://microapp?version=v2&amp;app_id="));
    assert!(
        html.contains("2024-05-01 09:00 <span class=\"tz\">北京时间</span>"),
        "expiry in Beijing time missing: {html}"
    );
    assert!(!html.contains("2024-05-01T01:00:00Z"), "no raw UTC expiry");
    assert!(html.contains(url));
}

async fn legacy_rejections_follow_the_seed_codes_in_order(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let t = Some(token.as_str());
    // 12018: not JSON, wrong types, expire_time neither integer nor decimal string.
    let (_, _, text) = app
        .post_raw(
            LEGACY,
            &[("content-type", "application/json")],
            b"{nope".to_vec(),
        )
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        legacy_err(12018, "参数解析失败,请检查参数格式")
    );
    for bad in [
        json!({"query": {}}),
        json!({"expire_time": 1.5}),
        json!({"expire_time": "soon"}),
        json!({"path": 3}),
    ] {
        let v = legacy(&app, t, legacy_body(&mini.appid, bad.clone())).await;
        assert_eq!(v, legacy_err(12018, "参数解析失败,请检查参数格式"), "{bad}");
    }
    let body = legacy_body(&mini.appid, json!({}));
    let other = app.create_app(&["pages/index/index"]).await;
    let with = |extra: Value| legacy_body(&mini.appid, extra);
    let out_of_range = |et: i64| {
        let body = with(json!({"expire_time": et}));
        (t, body, legacy_err(12019, "到期时间不在范围内"))
    };
    let table = [
        // 1: missing fields and hosts, before the token is even looked at.
        (
            None,
            json!({"app_name": "douyin", "expire_time": T0 + HOUR}),
            legacy_err(1, "参数填写错误:ma_app_id不能为空"),
        ),
        (
            None,
            with(json!({"app_name": "toutiao"})),
            legacy_err(1, "参数填写错误:app_name不合法"),
        ),
        (
            None,
            with(json!({"expire_time": null})),
            legacy_err(1, "参数填写错误:expire_time不能为空"),
        ),
        // 12024 / 12025: token absent or malformed, expired, or not allowed for the app.
        (None, body.clone(), legacy_err(12024, "access_token错误")),
        (
            Some("08abc"),
            body.clone(),
            legacy_err(12024, "access_token错误"),
        ),
        (
            t,
            legacy_body(&other.appid, json!({})),
            legacy_err(12025, "access_token过期或无权限"),
        ),
        // 1: path with a query, path not published; both before query and expiry.
        (
            t,
            with(json!({"path": "pages/detail/detail?id=1", "query": "x", "expire_time": 1})),
            legacy_err(1, "参数填写错误:path不能携带query"),
        ),
        (
            t,
            with(json!({"path": "pages/nope", "expire_time": 1})),
            legacy_err(1, "参数填写错误:path不是已发布的页面"),
        ),
        // 12019: not after now, or beyond 180 days.
        out_of_range(T0),
        out_of_range(T0 - 1),
        out_of_range(T0 + 180 * 86_400 + 1),
    ];
    for (token, body, want) in table {
        assert_eq!(legacy(&app, token, body.clone()).await, want, "{body}");
    }
    let v = legacy(
        &app,
        t,
        legacy_body(&mini.appid, json!({"expire_time": T0 + 180 * 86_400})),
    )
    .await;
    assert_eq!(v["err_no"], 0, "{v}");
    // 2: banned apps, after the token and before the path; existing links keep redirecting.
    let live = v["url_link"].as_str().unwrap().to_owned();
    let (s, _) = app
        .admin(
            Method::PATCH,
            &format!("/apps/{}", mini.appid),
            Some(json!({"status": "banned"})),
        )
        .await;
    assert_eq!(s, 200);
    let v = legacy(
        &app,
        t,
        legacy_body(&mini.appid, json!({"path": "pages/nope"})),
    )
    .await;
    assert_eq!(v, legacy_err(2, "权限被封禁"));
    assert_eq!(
        get(&app, &format!("/{}", code_of(&live)), None)
            .await
            .status(),
        302
    );
    // 12025 for an expired token (checked before the ban).
    app.advance(7_200);
    assert_eq!(
        legacy(&app, t, body).await,
        legacy_err(12025, "access_token过期或无权限")
    );
}
