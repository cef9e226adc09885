//! The qps limit and the daily quota, on one instance, across two, and through Redis.

use super::*;

backend_tests!(
    qps_limit_counts_every_request_in_the_clock_second,
    daily_quota_is_per_shanghai_day_and_reported_by_query_quota,
    daily_quota_is_exact_across_two_instances_under_concurrency,
    qps_is_shared_through_redis_by_two_instances,
);

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
