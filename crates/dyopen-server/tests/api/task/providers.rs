//! Providers managing a granting app's task, submissions, and the talent cap under concurrency.

use super::*;

backend_tests!(
    provider_grant_lets_a_provider_manage_the_task,
    submissions_mark_talents_submitted,
    thirty_concurrent_requests_end_with_exactly_200_talents,
);

async fn provider_grant_lets_a_provider_manage_the_task(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let owner = app.create_app(&["pages/index/index"]).await;
    let owner_token = app.v2_token(&owner).await;
    let id = exclusive_task(&app, &owner_token).await;
    let provider = app.create_app(&["pages/index/index"]).await;
    let ptoken = app.v2_token(&provider).await;
    let send = |third: Option<&str>| {
        let mut body = json!({"access_token": ptoken, "appid": owner.appid, "task_id": id, "op_type": 1, "douyin_ids": ["lw1352552"]});
        if let Some(t) = third {
            body["third_appid"] = json!(t);
        }
        let app = &app;
        async move { app.post(TALENTS, None, &body).await.1 }
    };
    talents_err(
        &send(Some(&provider.appid)).await,
        5503,
        "appID与token不一致",
    );
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            &format!("/apps/{}/providers", owner.appid),
            Some(json!({"provider_appid": provider.appid})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(texts(&send(Some(&provider.appid)).await), [ADDED]);
    assert_eq!(texts(&send(None).await), [DUP_ADD]);
    // third_appid must be the token's app.
    talents_err(&send(Some(&owner.appid)).await, 5503, "appID与token不一致");
    // The provider can also query the owner's tasks.
    let (_, v) = app
        .post(QUERY_INFO, Some(&ptoken), &json!({"appid": owner.appid, "page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": id}))
        .await;
    assert_eq!(v["data"]["total"], "1", "{v}");
    let (status, _) = app
        .admin(
            reqwest::Method::DELETE,
            &format!("/apps/{}/providers/{}", owner.appid, provider.appid),
            None,
        )
        .await;
    assert_eq!(status, 204);
    talents_err(
        &send(Some(&provider.appid)).await,
        5503,
        "appID与token不一致",
    );
}

async fn submissions_mark_talents_submitted(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let id = create_task(&app, &token, json!({"douyin_ids": ["coop", "gone"]})).await;
    assert_eq!(
        texts(&talents(&app, &token, &mini.appid, &id, 2, &["gone"]).await),
        [CANCELLED]
    );
    let submit = |douyin_id: &str| {
        let path = format!("/tasks/{id}/submissions");
        let body = json!({"douyin_id": douyin_id, "video_id": "7300000000000000001"});
        let app = &app;
        async move { app.admin(reqwest::Method::POST, &path, Some(body)).await }
    };
    let (status, v) = submit("coop").await;
    assert_eq!(
        (
            status,
            v["cooperation_state"].as_i64(),
            v["video_id"].as_str()
        ),
        (201, Some(3), Some("7300000000000000001")),
        "{v}"
    );
    for who in ["coop", "gone", "stranger"] {
        let (status, v) = submit(who).await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("conflict")),
            "{who}: {v}"
        );
    }
    let (status, v) = submit("bad id").await;
    assert_eq!(status, 400, "{v}");
    let (status, v) = app
        .admin(
            reqwest::Method::POST,
            "/tasks/7218760632718443557/submissions",
            Some(json!({"douyin_id": "coop"})),
        )
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            "/tasks/abc/submissions",
            Some(json!({"douyin_id": "coop"})),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        rel(&query_one(&app, &token, &id).await),
        [("coop".into(), 3, 0), ("gone".into(), 2, 1)]
    );
    // Terminated tasks take no submissions.
    let id2 = create_task(&app, &token, json!({"douyin_ids": ["coop"]})).await;
    app.post(
        UPDATE_STATUS,
        Some(&token),
        &json!({"task_id": id2, "task_status": 3}),
    )
    .await;
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            &format!("/tasks/{id2}/submissions"),
            Some(json!({"douyin_id": "coop"})),
        )
        .await;
    assert_eq!(status, 409);
}

async fn thirty_concurrent_requests_end_with_exactly_200_talents(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let id = exclusive_task(&app, &token).await;
    let calls = (0..30).map(|r| {
        let target = if r % 2 == 0 { &app } else { &other };
        let ids: Vec<String> = (0..10).map(|i| format!("r{r}_{i}")).collect();
        let (token, appid, id) = (token.clone(), mini.appid.clone(), id.clone());
        async move {
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            talents(target, &token, &appid, &id, 1, &refs).await
        }
    });
    let answers = futures::future::join_all(calls).await;
    let all: Vec<String> = answers.iter().flat_map(texts).collect();
    let added = all.iter().filter(|t| *t == ADDED).count();
    let capped = all.iter().filter(|t| *t == CAP).count();
    assert_eq!((added, capped), (200, 100));
    let (_, detail) = app
        .admin(reqwest::Method::GET, &format!("/tasks/{id}"), None)
        .await;
    assert_eq!(detail["talents"].as_array().map(Vec::len), Some(200));
}
