//! The console and `/metrics` over HTTP (the browser flow is `crates/dyopen/tests/console.rs`):
//! daily visit buckets across a Shanghai day boundary on the emulator clock, `/metrics` behind
//! the admin token with counters that move, and the console's refusals without a session or a
//! CSRF token.

use dyopen_core::app::AppId;
use dyopen_core::link::LinkCode;
use dyopen_testkit::{backend_tests, Backend, TestApp, ADMIN_TOKEN, T0};
use serde_json::json;

async fn link(app: &TestApp, token: &str, appid: &str, hours: i64) -> String {
    let body = json!({"ma_app_id": appid, "app_name": "douyin", "path": "pages/index/index",
        "query": "", "expire_time": app.now() + hours * 3600});
    let (_, v) = app
        .post("/api/apps/url_link/generate", Some(token), &body)
        .await;
    let url = v["url_link"].as_str().unwrap_or_else(|| panic!("{v}"));
    url.rsplit('/').next().expect("code").to_owned()
}

async fn visit(app: &TestApp, code: &str) {
    let res = app
        .http
        .get(format!("{}/{code}", app.base_url))
        .send()
        .await
        .expect("visit");
    assert_eq!(res.status(), 302);
}

async fn visits_fall_into_shanghai_days_on_the_emulator_clock(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let code = link(&app, &token, &mini.appid, 72).await;
    // T0 is 2024-05-01 08:00 in Shanghai: one visit, then two at 23:59, then two at 00:01.
    visit(&app, &code).await;
    app.advance(15 * 3600 + 59 * 60);
    visit(&app, &code).await;
    visit(&app, &code).await;
    app.advance(2 * 60);
    visit(&app, &code).await;
    visit(&app, &code).await;
    let state = &app.state;
    state.links.visits.settle(state.store.as_ref()).await;
    let may_first = dyopen_core::Timestamp::from_secs(T0).shanghai_day();
    let appid = AppId::parse(&mini.appid).expect("appid");
    let code = LinkCode::parse(&code).expect("code");
    let per_link = state
        .store
        .visits_by_day(&appid, Some(&code), may_first - 29, may_first + 1)
        .await
        .expect("buckets");
    assert_eq!(per_link, vec![(may_first, 3), (may_first + 1, 2)]);
    let per_app = state
        .store
        .visits_by_day(&appid, None, may_first, may_first + 1)
        .await
        .expect("buckets");
    assert_eq!(per_app, per_link);
    let stored = state
        .store
        .get_link(&code)
        .await
        .expect("get")
        .expect("link");
    assert_eq!(stored.visits, 5);
}

async fn metrics_need_the_admin_token_and_count_requests_per_route(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let url = format!("{}/metrics", app.base_url);
    let refused = app.http.get(&url).send().await.expect("metrics");
    assert_eq!(refused.status(), 401);
    let scrape = || async {
        let res = app
            .http
            .get(&url)
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .expect("metrics");
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain"));
        res.text().await.expect("text")
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find_map(|l| {
                l.strip_prefix(series)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or(0.0)
    };
    let (mini, token) = app.app_with_token().await;
    let code = link(&app, &token, &mini.appid, 24).await;
    let before = scrape().await;
    visit(&app, &code).await;
    visit(&app, &code).await;
    let _ = app
        .post("/api/apps/url_link/generate", Some("bad-token"), &json!({}))
        .await;
    let after = scrape().await;
    let redirects = r#"dyopen_http_requests_total{route="/{code}",method="GET",outcome="ok"}"#;
    assert_eq!(
        value(&after, redirects) - value(&before, redirects),
        2.0,
        "{after}"
    );
    assert!(
        !after.contains(&format!("route=\"/{code}\"")),
        "the raw path never becomes a label"
    );
    let hits = "dyopen_link_cache_hits_total";
    assert!(value(&after, hits) >= value(&before, hits) + 2.0, "{after}");
    assert!(after.contains(
        r#"dyopen_http_requests_total{route="/api/apps/url_link/generate",method="POST",outcome="error"}"#
    ), "{after}");
    assert!(
        after.contains(
            r#"dyopen_http_requests_total{route="/admin/v1/apps",method="POST",outcome="ok"} 1"#
        ),
        "nested admin routes keep their templates: {after}"
    );
    for name in [
        "dyopen_http_request_duration_seconds_bucket",
        "dyopen_link_cache_bytes",
        "dyopen_link_writer_batch_size",
        "dyopen_link_writer_queue_depth",
        "dyopen_qps_limit_refusals_total",
        "dyopen_visit_flush_duration_seconds",
        "dyopen_db_pool_connections{pool=\"read\"}",
        "dyopen_redis_fallback 0",
    ] {
        assert!(after.contains(name), "{name} missing: {after}");
    }
}

async fn the_console_refuses_without_a_session_or_csrf_token(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let base = &app.base_url;
    let to_login = app
        .http
        .get(format!("{base}/console/apps"))
        .send()
        .await
        .expect("get");
    assert_eq!(to_login.status(), 303);
    assert_eq!(to_login.headers()["location"], "/console/login");
    let root = app.http.get(format!("{base}/")).send().await.expect("get");
    assert_eq!(root.headers()["location"], "/console/apps");
    let page = app
        .http
        .get(format!("{base}/console/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("html");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a csrf field")
        .to_owned();
    let login = |token: &'static str, csrf: String| {
        app.http
            .post(format!("{base}/console/login"))
            .form(&[("token", token), ("csrf", csrf.as_str())])
            .send()
    };
    let wrong = login("wrong", csrf.clone()).await.expect("login");
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let forged = login(ADMIN_TOKEN, format!("{csrf}0")).await.expect("login");
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().get("set-cookie").is_none());
    let ok = login(ADMIN_TOKEN, csrf).await.expect("login");
    assert_eq!(ok.status(), 303);
    let cookie = ok.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    for flag in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/console",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let session = cookie.split(';').next().expect("pair").to_owned();
    let post = |body: &'static str| {
        app.http
            .post(format!("{base}/console/apps"))
            .header("cookie", session.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    assert_eq!(post("name=x").await.expect("post").status(), 403);
    assert_eq!(post("name=x&csrf=nope").await.expect("post").status(), 403);
    // The console is not journaled.
    let journal: serde_json::Value = app
        .http
        .get(format!("{base}/_emulator/v1/journal"))
        .send()
        .await
        .expect("journal")
        .json()
        .await
        .expect("json");
    let paths: Vec<&str> = journal["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| !p.starts_with("/console") && *p != "/"),
        "{paths:?}"
    );
}

async fn metrics_listen_serves_metrics_without_a_token_and_only_metrics(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c| {
        c.metrics_listen = Some("127.0.0.1:0".parse().expect("addr"));
    })
    .await
    else {
        return;
    };
    let metrics = app.metrics_url.clone().expect("a metrics listener");
    let (mini, token) = app.app_with_token().await;
    let code = link(&app, &token, &mini.appid, 24).await;
    visit(&app, &code).await;
    let res = app
        .http
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status(), 200, "no token needed on its own listener");
    let text = res.text().await.expect("text");
    assert!(
        text.lines().any(|l| l.starts_with(
            r#"dyopen_http_requests_total{route="/{code}",method="GET",outcome="ok"}"#
        )),
        "the main listener's requests are counted: {text}"
    );
    let other = app
        .http
        .get(format!("{metrics}/healthz"))
        .send()
        .await
        .expect("other path");
    assert_eq!(
        other.status(),
        404,
        "the metrics listener serves /metrics only"
    );
    let main = app
        .http
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .expect("main");
    assert_eq!(
        main.status(),
        401,
        "the main listener still wants the token"
    );
}

backend_tests!(
    visits_fall_into_shanghai_days_on_the_emulator_clock,
    metrics_need_the_admin_token_and_count_requests_per_route,
    metrics_listen_serves_metrics_without_a_token_and_only_metrics,
    the_console_refuses_without_a_session_or_csrf_token,
);
