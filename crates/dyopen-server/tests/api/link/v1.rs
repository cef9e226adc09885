//! The v1 endpoints in the open dialect: query checks, expiry rounding, info, quota, providers.

use super::*;

backend_tests!(
    query_errors_name_the_character_and_position,
    seed_expiry_example_rounds_up_and_410s_at_the_deadline,
    v1_endpoints_answer_in_the_open_dialect,
    providers_may_generate_for_the_granting_app,
);

async fn query_errors_name_the_character_and_position(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let t = Some(token.as_str());
    let cases = [
        (
            r#"{"a": 1}"#,
            "参数填写错误:query第5个字符' '不合法(位置从0开始)",
        ),
        (
            r#"{"a":"<"}"#,
            "参数填写错误:query第6个字符'<'不合法(位置从0开始)",
        ),
        ("{xxx:xxxx}", "参数填写错误:query不是JSON对象(位置1)"),
        (r#""x""#, "参数填写错误:query不是JSON对象(位置0)"),
    ];
    for (query, tips) in cases {
        let v = legacy(&app, t, legacy_body(&mini.appid, json!({"query": query}))).await;
        assert_eq!(v, legacy_err(1, tips), "{query}");
    }
    let long = format!(r#"{{"k":"{}"}}"#, "a".repeat(1017));
    let v = legacy(&app, t, legacy_body(&mini.appid, json!({"query": long}))).await;
    assert_eq!(v, legacy_err(1, "参数填写错误:query超过1024个字符(1025)"));
    // Every character of the seed's list (plus the double quote) is accepted inside a string.
    let all = r#"{"k":"09AZaz{}!#$&'()*+,/:;=?@-._~%"}"#;
    let v = legacy(&app, t, legacy_body(&mini.appid, json!({"query": all}))).await;
    assert_eq!(v["err_no"], 0, "{v}");
    let v = open(
        &app,
        GENERATE,
        t,
        json!({"app_id": mini.appid, "app_name": "douyin", "query": "{a}", "expire_time": T0 + 1}),
    )
    .await;
    assert_eq!(
        v,
        open_err(28005001, "参数解析失败:query不是JSON对象(位置1)")
    );
}

async fn seed_expiry_example_rounds_up_and_410s_at_the_deadline(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // 2022-02-02 16:23 in Shanghai; expire_time 18:00 → expires 18:23.
    let now = 1_643_790_180;
    app.clock.set(dyopen_core::Timestamp::from_secs(now));
    let (mini, token) = app.app_with_token().await;
    let v = legacy(
        &app,
        Some(&token),
        legacy_body(&mini.appid, json!({"expire_time": 1_643_796_000})),
    )
    .await;
    let url = v["url_link"].as_str().unwrap().to_owned();
    let v = open(
        &app,
        INFO,
        Some(&token),
        json!({"app_id": mini.appid, "url_link": url}),
    )
    .await;
    assert_eq!(v["data"]["expire_time"], now + 2 * HOUR, "{v}");
    assert_eq!(v["data"]["create_time"], now);
    let path = format!("/{}", code_of(&url));
    app.advance(2 * HOUR - 1);
    assert_eq!(get(&app, &path, None).await.status(), 302);
    app.advance(1);
    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), 410);
    assert_eq!(get(&app, &path, Some("text/html")).await.status(), 410);
}

async fn v1_endpoints_answer_in_the_open_dialect(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let t = Some(token.as_str());
    let body = json!({"app_id": mini.appid, "app_name": "toutiao", "path": "pages/detail/detail",
        "query": r#"{"id":7,"s":"x"}"#, "expire_time": (T0 + 90).to_string()});
    let v = open(&app, GENERATE, t, body.clone()).await;
    assert_eq!(v["err_no"], 0, "{v}");
    assert_eq!(v["err_msg"], "");
    assert_eq!(v["log_id"], "[log_id]");
    let url = v["data"]["url_link"].as_str().unwrap().to_owned();
    let res = get(&app, &format!("/{}", code_of(&url)), None).await;
    let location = res.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("snssdk143://microapp?"), "{location}");
    assert!(
        location.ends_with("start_page=pages%2Fdetail%2Fdetail%3Fid%3D7%26s%3Dx"),
        "{location}"
    );
    let v = open(
        &app,
        INFO,
        t,
        json!({"app_id": mini.appid, "url_link": url}),
    )
    .await;
    assert_eq!(
        v,
        json!({"err_no": 0, "err_msg": "", "log_id": "[log_id]", "data": {"app_id": mini.appid,
            "app_name": "toutiao", "path": "pages/detail/detail", "query": r#"{"id":7,"s":"x"}"#,
            "create_time": T0, "expire_time": T0 + HOUR}})
    );
    let v = open(&app, QUOTA, t, json!({"app_id": mini.appid})).await;
    assert_eq!(
        v["data"],
        json!({"url_link_used": 1, "url_link_limit": 500_000})
    );
    // Errors.
    let v = open(
        &app,
        INFO,
        t,
        json!({"app_id": mini.appid, "url_link": "http://x/AAAAAAA"}),
    )
    .await;
    assert_eq!(v, open_err(28005001, "参数解析失败:url_link不存在或已失效"));
    let v = open(
        &app,
        GENERATE,
        t,
        json!({"app_id": mini.appid, "app_name": "douyin"}),
    )
    .await;
    assert_eq!(v, open_err(28005001, "参数解析失败:expire_time不能为空"));
    let v = open(&app, GENERATE, t, json!({"app_id": 5})).await;
    assert_eq!(v["err_no"], 28005001, "{v}");
    let v = open(&app, GENERATE, None, body.clone()).await;
    assert_eq!(v, open_err(28001003, "access_token无效"));
    let other = app.create_app(&["pages/index/index"]).await;
    let v = open(&app, QUOTA, t, json!({"app_id": other.appid})).await;
    assert_eq!(v, open_err(28001018, "应用未获得该能力"));
    let v = open(
        &app,
        GENERATE,
        t,
        json!({"app_id": mini.appid, "app_name": "douyin", "expire_time": T0}),
    )
    .await;
    assert_eq!(v, open_err(28005022, "到期时间不在范围内"));
    app.admin(
        Method::PATCH,
        &format!("/apps/{}", mini.appid),
        Some(json!({"status": "banned"})),
    )
    .await;
    let v = open(&app, GENERATE, t, body).await;
    assert_eq!(v, open_err(28005015, "权限被封禁"));
    // The link expires: query_info no longer finds it.
    app.advance(HOUR);
    let token = app.client_token(&mini).await;
    let v = open(&app, INFO, Some(&token), json!({"url_link": url})).await;
    assert_eq!(v, open_err(28005001, "参数解析失败:url_link不存在或已失效"));
}

async fn providers_may_generate_for_the_granting_app(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (provider, token) = app.app_with_token().await;
    let owner = app.create_app(&["pages/shop/index"]).await;
    let (s, _) = app
        .admin(
            Method::POST,
            &format!("/apps/{}/providers", owner.appid),
            Some(json!({"provider_appid": provider.appid})),
        )
        .await;
    assert_eq!(s, 201);
    let v = legacy(
        &app,
        Some(&token),
        legacy_body(&owner.appid, json!({"path": "", "query": ""})),
    )
    .await;
    assert_eq!(v["err_no"], 0, "{v}");
    let res = get(
        &app,
        &format!("/{}", code_of(v["url_link"].as_str().unwrap())),
        None,
    )
    .await;
    let location = res.headers()["location"].to_str().unwrap();
    assert!(
        location.contains(&format!("app_id={}&", owner.appid)),
        "{location}"
    );
    assert!(
        location.ends_with("start_page=pages%2Fshop%2Findex"),
        "{location}"
    );
}
