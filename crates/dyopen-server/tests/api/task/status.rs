//! update_status and the end time: running, paused and terminated for good.

use super::*;

backend_tests!(
    update_status_runs_pauses_and_terminates_for_good,
    end_time_terminates_a_task,
);

async fn update_status_runs_pauses_and_terminates_for_good(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let id = exclusive_task(&app, &token).await;
    // task_id as a string and task_status as a string (the SDK's types).
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": id, "task_status": "2"}),
        )
        .await;
    assert_eq!(
        (v["err_no"].as_i64(), v["data"]["task_id"].as_str()),
        (Some(0), Some(id.as_str())),
        "{v}"
    );
    assert_eq!(query_one(&app, &token, &id).await["status"], 2);
    // task_id as a JSON integer, parsed without f64.
    let raw = format!(r#"{{"task_id": {id}, "task_status": 1}}"#);
    let (_, _, text) = app
        .post_raw(UPDATE_STATUS, &[("access-token", &token)], raw.into_bytes())
        .await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["data"]["task_id"],
        id
    );
    assert_eq!(query_one(&app, &token, &id).await["status"], 1);
    // Same status again is accepted.
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": id, "task_status": 1}),
        )
        .await;
    assert_eq!(v["err_no"], 0);
    // Bad bodies, then task ids that do not exist for this token.
    let (_, other) = app.app_with_token().await;
    let parse = "参数解析失败:";
    let unknown = "参数不合法:task_id不存在";
    let table = [
        (&token, json!({"task_id": id, "task_status": 4}), parse),
        (&token, json!({"task_id": id}), parse),
        (&token, json!({"task_status": 1}), parse),
        (&token, json!({"task_id": 1.5, "task_status": 1}), parse),
        (
            &token,
            json!({"task_id": "7218760632718443557", "task_status": 1}),
            unknown,
        ),
        (
            &token,
            json!({"task_id": "18446744073709551615", "task_status": 1}),
            unknown,
        ),
        // Another app's task is unknown to this token.
        (&other, json!({"task_id": id, "task_status": 2}), unknown),
    ];
    for (token, body, msg) in table {
        let (_, v) = app.post(UPDATE_STATUS, Some(token), &body).await;
        open_err(&v, 28005001, msg);
    }
    // Terminate; then every update is refused and talents answer 5591.
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": id, "task_status": 3}),
        )
        .await;
    assert_eq!(v["err_no"], 0);
    for s in [1, 2, 3] {
        let (_, v) = app
            .post(
                UPDATE_STATUS,
                Some(&token),
                &json!({"task_id": id, "task_status": s}),
            )
            .await;
        open_err(&v, 28005001, "参数解析失败:任务已终止,无法修改状态");
    }
    assert_eq!(query_one(&app, &token, &id).await["status"], 3);
    talents_err(
        &talents(&app, &token, &mini.appid, &id, 1, &["a"]).await,
        5591,
        "任务已终止,请重新创建",
    );
}

async fn end_time_terminates_a_task(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let id = create_task(
        &app,
        &token,
        json!({"task_type": 2, "task_end_time": T0 + 100}),
    )
    .await;
    app.advance(99);
    assert_eq!(
        texts(&talents(&app, &token, &mini.appid, &id, 1, &["a"]).await),
        [ADDED]
    );
    app.advance(1);
    talents_err(
        &talents(&app, &token, &mini.appid, &id, 1, &["b"]).await,
        5591,
        "任务已终止,请重新创建",
    );
    assert_eq!(query_one(&app, &token, &id).await["status"], 3);
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": id, "task_status": 1}),
        )
        .await;
    open_err(&v, 28005001, "参数解析失败:任务已终止,无法修改状态");
    let (status, _) = app
        .admin(
            reqwest::Method::POST,
            &format!("/tasks/{id}/submissions"),
            Some(json!({"douyin_id": "a"})),
        )
        .await;
    assert_eq!(status, 409);
}
