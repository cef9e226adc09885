//! URL links (seed 002, SPEC §6): generation in both dialects with every error code in its
//! order, expiry rounding on the emulator clock, qps and daily limits (also across two
//! instances, with Redis), and links that resolve: 302, landing page, 410, 404, visit counts.

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

backend_tests!(
    legacy_generate_gives_a_link_that_redirects_to_the_douyin_scheme,
    browsers_get_a_landing_page_with_qr_code,
    legacy_rejections_follow_the_seed_codes_in_order,
    query_errors_name_the_character_and_position,
    seed_expiry_example_rounds_up_and_410s_at_the_deadline,
    v1_endpoints_answer_in_the_open_dialect,
    qps_limit_counts_every_request_in_the_clock_second,
    daily_quota_is_per_shanghai_day_and_reported_by_query_quota,
    expired_links_stay_listed_with_visit_counts,
    unknown_codes_are_404_and_other_instances_resolve_new_links,
    providers_may_generate_for_the_granting_app,
    daily_quota_is_exact_across_two_instances_under_concurrency,
    qps_is_shared_through_redis_by_two_instances,
    graceful_shutdown_flushes_pending_visits,
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
    // 1: missing fields and hosts, before the token is even looked at.
    let v = legacy(
        &app,
        None,
        json!({"app_name": "douyin", "expire_time": T0 + HOUR}),
    )
    .await;
    assert_eq!(v, legacy_err(1, "参数填写错误:ma_app_id不能为空"));
    let v = legacy(
        &app,
        None,
        legacy_body(&mini.appid, json!({"app_name": "toutiao"})),
    )
    .await;
    assert_eq!(v, legacy_err(1, "参数填写错误:app_name不合法"));
    let v = legacy(
        &app,
        None,
        legacy_body(&mini.appid, json!({"expire_time": null})),
    )
    .await;
    assert_eq!(v, legacy_err(1, "参数填写错误:expire_time不能为空"));
    // 12024 / 12025: token absent or malformed, expired, or not allowed for the app.
    let body = legacy_body(&mini.appid, json!({}));
    assert_eq!(
        legacy(&app, None, body.clone()).await,
        legacy_err(12024, "access_token错误")
    );
    assert_eq!(
        legacy(&app, Some("08abc"), body.clone()).await,
        legacy_err(12024, "access_token错误")
    );
    let other = app.create_app(&["pages/index/index"]).await;
    let v = legacy(&app, t, legacy_body(&other.appid, json!({}))).await;
    assert_eq!(v, legacy_err(12025, "access_token过期或无权限"));
    // 1: path with a query, path not published; both before query and expiry.
    let v = legacy(
        &app,
        t,
        legacy_body(
            &mini.appid,
            json!({"path": "pages/detail/detail?id=1", "query": "x", "expire_time": 1}),
        ),
    )
    .await;
    assert_eq!(v, legacy_err(1, "参数填写错误:path不能携带query"));
    let v = legacy(
        &app,
        t,
        legacy_body(&mini.appid, json!({"path": "pages/nope", "expire_time": 1})),
    )
    .await;
    assert_eq!(v, legacy_err(1, "参数填写错误:path不是已发布的页面"));
    // 12019: not after now, or beyond 180 days.
    for et in [T0, T0 - 1, T0 + 180 * 86_400 + 1] {
        let v = legacy(
            &app,
            t,
            legacy_body(&mini.appid, json!({"expire_time": et})),
        )
        .await;
        assert_eq!(v, legacy_err(12019, "到期时间不在范围内"), "{et}");
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

async fn qps_limit_counts_every_request_in_the_clock_second(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let t = Some(token.as_str());
    app.admin(
        Method::PATCH,
        &format!("/apps/{}", mini.appid),
        Some(json!({"qps_limit": 3})),
    )
    .await;
    // Requests failing earlier checks do not count.
    for _ in 0..5 {
        let v = legacy(
            &app,
            t,
            legacy_body(&mini.appid, json!({"path": "pages/nope"})),
        )
        .await;
        assert_eq!(v["err_no"], 1);
    }
    for _ in 0..3 {
        assert_eq!(
            legacy(&app, t, legacy_body(&mini.appid, json!({}))).await["err_no"],
            0
        );
    }
    assert_eq!(
        legacy(&app, t, legacy_body(&mini.appid, json!({}))).await,
        legacy_err(12020, "生成URL_Link频率过快")
    );
    let v = open(
        &app,
        GENERATE,
        t,
        json!({"app_id": mini.appid, "app_name": "douyin", "expire_time": T0 + 60}),
    )
    .await;
    assert_eq!(v, open_err(28005020, "生成URL_Link频率过快"));
    app.advance(1);
    assert_eq!(
        legacy(&app, t, legacy_body(&mini.appid, json!({}))).await["err_no"],
        0
    );
}

async fn daily_quota_is_per_shanghai_day_and_reported_by_query_quota(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let t = Some(token.as_str());
    app.admin(
        Method::PATCH,
        &format!("/apps/{}", mini.appid),
        Some(json!({"daily_link_quota": 2})),
    )
    .await;
    for _ in 0..2 {
        assert_eq!(
            legacy(&app, t, legacy_body(&mini.appid, json!({}))).await["err_no"],
            0
        );
        app.advance(1);
    }
    assert_eq!(
        legacy(&app, t, legacy_body(&mini.appid, json!({}))).await,
        legacy_err(12021, "生成URL_Link数量超过上限")
    );
    app.advance(1);
    let v = open(
        &app,
        GENERATE,
        t,
        json!({"app_id": mini.appid, "app_name": "douyin", "expire_time": T0 + HOUR}),
    )
    .await;
    assert_eq!(v, open_err(28005021, "生成URL_Link数量超过上限"));
    let v = open(&app, QUOTA, t, json!({})).await;
    assert_eq!(v["data"], json!({"url_link_used": 2, "url_link_limit": 2}));
    // T0 is 08:00 in Shanghai: the day turns 16 h later.
    app.advance(16 * HOUR);
    let token = app.client_token(&mini).await;
    let v = open(&app, QUOTA, Some(&token), json!({})).await;
    assert_eq!(v["data"]["url_link_used"], 0);
    let body = legacy_body(&mini.appid, json!({"expire_time": app.now() + HOUR}));
    assert_eq!(legacy(&app, Some(&token), body).await["err_no"], 0);
}

async fn expired_links_stay_listed_with_visit_counts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let v = legacy(&app, Some(&token), legacy_body(&mini.appid, json!({}))).await;
    let url = v["url_link"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        assert_eq!(
            get(&app, &format!("/{}", code_of(&url)), None)
                .await
                .status(),
            302
        );
    }
    app.advance(HOUR);
    assert_eq!(
        get(&app, &format!("/{}", code_of(&url)), None)
            .await
            .status(),
        410
    );
    let (status, page) = app
        .admin(
            Method::GET,
            &format!("/apps/{}/links?page=1&page_size=10", mini.appid),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 1);
    let item = &page["items"][0];
    assert_eq!(item["url_link"], url);
    assert_eq!(item["visits"], 3, "{item}");
    assert_eq!(item["expired"], true);
    assert_eq!(item["expires_at"], "2024-05-01T01:00:00Z");
    let (status, _) = app
        .admin(Method::GET, "/apps/tt0000000000000000/links", None)
        .await;
    assert_eq!(status, 404);
}

async fn unknown_codes_are_404_and_other_instances_resolve_new_links(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    // `login` is a denylisted word (never a code) and no top-level route.
    for path in ["/AAAAAAA", "/toolongcode", "/login"] {
        assert_eq!(get(&app, path, None).await.status(), 404, "{path}");
    }
    // `/console` is the console's own route (it sends a browser on to its pages).
    assert_eq!(get(&app, "/console", None).await.status(), 303);
    assert_eq!(get(&app, "/AAAAAAA", Some("text/html")).await.status(), 404);
    let res = app
        .http
        .post(format!("{}/AAAAAAA", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let other = app.second_instance().await;
    let (mini, token) = app.app_with_token().await;
    let v = legacy(&app, Some(&token), legacy_body(&mini.appid, json!({}))).await;
    let url = v["url_link"].as_str().unwrap();
    assert_eq!(
        get(&other, &format!("/{}", code_of(url)), None)
            .await
            .status(),
        302
    );
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

async fn daily_quota_is_exact_across_two_instances_under_concurrency(backend: Backend) {
    let Some(a) = TestApp::spawn(backend).await else {
        return;
    };
    let b = a.second_instance().await;
    let (mini, token) = a.app_with_token().await;
    a.admin(
        Method::PATCH,
        &format!("/apps/{}", mini.appid),
        Some(json!({"daily_link_quota": 50, "qps_limit": 1000})),
    )
    .await;
    let calls = (0..80).map(|i| {
        let (app, body, token) = (
            if i % 2 == 0 { &a } else { &b },
            legacy_body(&mini.appid, json!({})),
            token.clone(),
        );
        async move {
            legacy(app, Some(&token), body).await["err_no"]
                .as_i64()
                .unwrap()
        }
    });
    let codes = futures::future::join_all(calls).await;
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 50, "{codes:?}");
    assert_eq!(
        codes.iter().filter(|c| **c == 12021).count(),
        30,
        "{codes:?}"
    );
    let v = open(&b, QUOTA, Some(&token), json!({})).await;
    assert_eq!(v["data"]["url_link_used"], 50);
}

async fn qps_is_shared_through_redis_by_two_instances(backend: Backend) {
    // This test is about sharing, not the fallback: on a loaded machine a Redis answer may take
    // longer than the default 250 ms, and a request would then (rightly) use its own window.
    let Some(a) = TestApp::spawn_with_redis_adjusted(backend, |c| {
        c.limits.redis_timeout = std::time::Duration::from_secs(10);
    })
    .await
    else {
        return;
    };
    let b = a.second_instance().await;
    // Both instances connected (each connects in the background, at most 2 s waited at start).
    for app in [&a, &b] {
        let mut redis = Value::Null;
        for _ in 0..100 {
            let res = app
                .http
                .get(format!("{}/readyz", app.base_url))
                .send()
                .await
                .unwrap();
            redis = res.json::<Value>().await.unwrap()["redis"].clone();
            if redis == "ok" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(redis, "ok");
    }
    let (mini, token) = a.app_with_token().await;
    let calls = (0..200).map(|i| {
        let (app, body, token) = (
            if i % 2 == 0 { &a } else { &b },
            legacy_body(&mini.appid, json!({})),
            token.clone(),
        );
        async move {
            legacy(app, Some(&token), body).await["err_no"]
                .as_i64()
                .unwrap()
        }
    });
    let codes = futures::future::join_all(calls).await;
    assert_eq!(
        codes.iter().filter(|c| **c == 0).count(),
        100,
        "100/s in total, not per instance"
    );
    assert_eq!(codes.iter().filter(|c| **c == 12020).count(), 100);
}

async fn graceful_shutdown_flushes_pending_visits(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let v = legacy(&app, Some(&token), legacy_body(&mini.appid, json!({}))).await;
    let code = code_of(v["url_link"].as_str().unwrap()).to_owned();
    // A second instance we can stop: it serves two visits, then drains and flushes on shutdown.
    let built = app.build_instance().await;
    let base = format!("http://127.0.0.1:{}", built.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(built.run_until(async move {
        let _ = stopped.await;
    }));
    for _ in 0..2 {
        let res = app.http.get(format!("{base}/{code}")).send().await.unwrap();
        assert_eq!(res.status(), 302);
    }
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    let (_, page) = app
        .admin(Method::GET, &format!("/apps/{}/links", mini.appid), None)
        .await;
    assert_eq!(page["items"][0]["visits"], 2, "{page}");
}
