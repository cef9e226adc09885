//! Links being visited: expired and unknown codes, other instances, and visit counts flushed at
//! shutdown.

use super::*;

backend_tests!(
    expired_links_stay_listed_with_visit_counts,
    unknown_codes_are_404_and_other_instances_resolve_new_links,
    graceful_shutdown_flushes_pending_visits,
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
