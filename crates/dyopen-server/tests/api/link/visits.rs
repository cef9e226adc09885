//! Links being visited: expired and unknown codes, other instances, visit counts flushed at
//! shutdown, and the same answers whether the link cache holds the link (the fast path, answered
//! before routing) or not (the route).

use super::*;

backend_tests!(
    expired_links_stay_listed_with_visit_counts,
    unknown_codes_are_404_and_other_instances_resolve_new_links,
    graceful_shutdown_flushes_pending_visits,
    cached_and_uncached_redirects_answer_alike,
);

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

/// What a redirect answer shows a client: status, `Location`, `Cache-Control`, and whether a
/// log id of the right shape came with it.
fn shown(res: &reqwest::Response) -> (u16, String, String, bool) {
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    (
        res.status().as_u16(),
        header("location"),
        header("cache-control"),
        header("x-tt-logid").len() == 53,
    )
}

async fn cached_and_uncached_redirects_answer_alike(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let v = legacy(&app, Some(&token), legacy_body(&mini.appid, json!({}))).await;
    let path = format!("/{}", code_of(v["url_link"].as_str().unwrap()));
    // A second instance has not cached the link: its first answer comes from the route (a
    // cache miss that reads the store), the next ones from the fast path.
    let other = app.second_instance().await;
    let scrape = || async {
        let text = other
            .http
            .get(format!("{}/metrics", other.base_url))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let value = |series: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok()))
                .unwrap_or(0.0)
        };
        (
            value(r#"dyopen_http_requests_total{route="/{code}",method="GET",outcome="ok"}"#),
            value("dyopen_link_cache_hits_total"),
            value("dyopen_link_cache_misses_total"),
        )
    };
    let before = scrape().await;
    let routed = shown(&get(&other, &path, None).await);
    let fast = shown(&get(&other, &path, None).await);
    assert_eq!(routed.0, 302);
    assert!(routed.1.starts_with("snssdk"), "{routed:?}");
    assert_eq!(routed.2, "no-store");
    assert!(routed.3, "a 53-character X-Tt-Logid: {routed:?}");
    assert_eq!(fast, routed, "the fast path answers as the route does");
    let head = other
        .http
        .head(format!("{}{path}", other.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(shown(&head), routed, "HEAD");
    // A browser gets the landing page from the route, cached or not.
    let page = get(&other, &path, Some("text/html")).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(&path[1..]));
    let after = scrape().await;
    assert_eq!(
        after.0 - before.0,
        3.0,
        "GETs counted under /{{code}}: {after:?}"
    );
    assert_eq!(after.1 - before.1, 3.0, "cache hits: {after:?}");
    assert_eq!(after.2 - before.2, 1.0, "cache misses: {after:?}");
    // Every visit counted once, on either path: GET ×2, HEAD and the landing page.
    let (_, page) = other
        .admin(Method::GET, &format!("/apps/{}/links", mini.appid), None)
        .await;
    assert_eq!(page["items"][0]["visits"], 4, "{page}");
    assert_eq!(
        shown(&get(&app, &path, None).await),
        routed,
        "the generating instance, which cached the link when it made it"
    );
    app.advance(HOUR);
    for instance in [&app, &other] {
        assert_eq!(
            get(instance, &path, None).await.status(),
            410,
            "expired, though cached"
        );
    }
}
