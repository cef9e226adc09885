//! update_orient_talents: the seed's requests, its checks in order, every row of its table and
//! the cap of 200.

use super::*;

backend_tests!(
    seed_curl_examples_work_verbatim,
    talents_checks_run_in_the_seed_order,
    talents_add_and_cancel_follow_every_row_of_the_table,
    talents_cap_of_200_counts_cancelled_talents,
);

async fn seed_curl_examples_work_verbatim(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let task_id = exclusive_task(&app, &token).await;
    let seed = |op: i64| {
        format!(
            r#"{{ "access_token": "0801121846315443627a326645433874682b7347326", "appid": "ttf31985a46c214faf", "douyin_ids": [ "lw1352552", "9423515316" ], "op_type": {op}, "task_id": 7218760632718443557 }}"#
        )
        .replace("0801121846315443627a326645433874682b7347326", &token)
        .replace("ttf31985a46c214faf", &mini.appid)
        .replace("7218760632718443557", &task_id)
    };
    let send = |body: String| async {
        let (status, _, text) = app
            .post_raw(
                "/api/apps/taskbox/update_orient_talents/",
                &[("Content-Type", "application/json")],
                body.into_bytes(),
            )
            .await;
        assert_eq!(status, 200);
        serde_json::from_str::<Value>(&text).unwrap()
    };
    let v = send(seed(1)).await;
    assert_eq!(
        redact(v.clone()),
        json!({"error": 0, "message": "success", "log_id": "[log_id]", "data": {"update_info_list": [
            {"douyin_id": "lw1352552", "update_result": ADDED},
            {"douyin_id": "9423515316", "update_result": ADDED}]}})
    );
    let v = send(seed(2)).await;
    assert_eq!(texts(&v), [CANCELLED, CANCELLED]);
    // The seed's error example: cancelling again.
    let v = send(seed(2)).await;
    assert_eq!(
        results(&v)[0],
        ("lw1352552".to_owned(), DUP_CANCEL.to_owned())
    );
}

async fn talents_checks_run_in_the_seed_order(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let id = exclusive_task(&app, &token).await;
    let appid = mini.appid.as_str();
    // 1. 4001015: unparsable, missing or mistyped fields, op_type not 1/2 (even without a token).
    for body in [
        "{".to_owned(),
        format!(r#"{{"appid": "{appid}", "task_id": {id}, "douyin_ids": ["a"]}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": {id}, "op_type": 1}}"#),
        format!(r#"{{"task_id": {id}, "op_type": 1, "douyin_ids": ["a"]}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": 1.5, "op_type": 1, "douyin_ids": ["a"]}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": "12x", "op_type": 1, "douyin_ids": ["a"]}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": {id}, "op_type": "1", "douyin_ids": ["a"]}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": {id}, "op_type": 3, "douyin_ids": ["a"]}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": {id}, "op_type": 1, "douyin_ids": "a"}}"#),
        format!(r#"{{"appid": "{appid}", "task_id": {id}, "op_type": 1, "douyin_ids": [1]}}"#),
    ] {
        talents_err(&raw(&app, body).await, 4001015, "Request Paramter Error");
    }
    // 2. token: absent 5501, garbage 5502, expired 5502, other app 5503.
    let body = |token: &str, appid: &str, task: &str, ids: &str| {
        format!(
            r#"{{"access_token": "{token}", "appid": "{appid}", "task_id": {task}, "op_type": 1, "douyin_ids": {ids}}}"#
        )
    };
    talents_err(
        &raw(
            &app,
            format!(r#"{{"appid": "{appid}", "task_id": {id}, "op_type": 1, "douyin_ids": []}}"#),
        )
        .await,
        5501,
        "accessToken不存在",
    );
    talents_err(
        &raw(&app, body("", appid, &id, "[]")).await,
        5501,
        "accessToken不存在",
    );
    talents_err(
        &raw(&app, body("08deadbeef", appid, &id, "[]")).await,
        5502,
        "accessToken不合法",
    );
    let other = app.create_app(&["pages/index/index"]).await;
    let other_token = app.v2_token(&other).await;
    talents_err(
        &raw(&app, body(&other_token, appid, &id, "[]")).await,
        5503,
        "appID与token不一致",
    );
    talents_err(
        &raw(&app, body(&token, "not-an-appid", &id, "[]")).await,
        5503,
        "appID与token不一致",
    );
    // 3. 5442: unknown task, another app's task, a public task, an id beyond i64.
    talents_err(
        &raw(&app, body(&token, appid, "7218760632718443557", "[]")).await,
        5442,
        "任务不存在",
    );
    talents_err(
        &raw(&app, body(&token, appid, "18446744073709551615", "[]")).await,
        5442,
        "任务不存在",
    );
    let others_task = exclusive_task(&app, &other_token).await;
    talents_err(
        &raw(&app, body(&token, appid, &others_task, "[\"a\"]")).await,
        5442,
        "任务不存在",
    );
    let public = create_task(&app, &token, json!({})).await;
    talents_err(
        &raw(&app, body(&token, appid, &public, "[\"a\"]")).await,
        5442,
        "任务不存在",
    );
    // 5. 5592: empty or more than 10 ids (checked after the task).
    talents_err(
        &raw(&app, body(&token, appid, &id, "[]")).await,
        5592,
        "操作达人数量不合法,请调整后重试",
    );
    let eleven =
        serde_json::to_string(&(0..11).map(|i| format!("u{i}")).collect::<Vec<_>>()).unwrap();
    talents_err(
        &raw(&app, body(&token, appid, &id, &eleven)).await,
        5592,
        "操作达人数量不合法,请调整后重试",
    );
    // task_id as a decimal string, token in the header only.
    let (_, v) = app
        .post(
            TALENTS,
            Some(&token),
            &json!({"appid": appid, "task_id": id, "op_type": 1, "douyin_ids": ["a"]}),
        )
        .await;
    assert_eq!(texts(&v), [ADDED]);
    // Expired token.
    app.advance(7200);
    talents_err(
        &raw(&app, body(&token, appid, &id, "[\"b\"]")).await,
        5502,
        "accessToken不合法",
    );
}

async fn talents_add_and_cancel_follow_every_row_of_the_table(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let id = exclusive_task(&app, &token).await;
    let a = mini.appid.as_str();
    let v = talents(&app, &token, a, &id, 1, &["coop", "gone", "done", "x.y_Z9"]).await;
    assert_eq!(texts(&v), [ADDED; 4]);
    assert_eq!(
        texts(&talents(&app, &token, a, &id, 2, &["gone"]).await),
        [CANCELLED]
    );
    let (status, sub) = app
        .admin(
            reqwest::Method::POST,
            &format!("/tasks/{id}/submissions"),
            Some(json!({"douyin_id": "done", "video_id": "v1"})),
        )
        .await;
    assert_eq!(status, 201, "{sub}");
    // add: cooperating, submitted → duplicate; cancelled → re-added; invalid id; duplicate in list.
    let v = talents(
        &app,
        &token,
        a,
        &id,
        1,
        &[
            "coop",
            "done",
            "gone",
            "bad id",
            "new",
            "new",
            &"x".repeat(33),
        ],
    )
    .await;
    assert_eq!(
        results(&v),
        [
            ("coop", DUP_ADD),
            ("done", DUP_ADD),
            ("gone", ADDED),
            ("bad id", BAD_ID),
            ("new", ADDED),
            ("new", DUP_ADD),
            (&*"x".repeat(33), BAD_ID)
        ]
        .map(|(d, t)| (d.to_owned(), t.to_owned()))
    );
    // cancel: cooperating, cancelled twice (seed text), submitted, unknown, invalid.
    let v = talents(
        &app,
        &token,
        a,
        &id,
        2,
        &["coop", "coop", "done", "nobody", "抖音"],
    )
    .await;
    assert_eq!(
        texts(&v),
        [CANCELLED, DUP_CANCEL, SUBMITTED, NOT_ON_TASK, BAD_ID]
    );
    let t = query_one(&app, &token, &id).await;
    assert_eq!(
        rel(&t),
        [
            ("coop".into(), 2, 1),
            ("gone".into(), 1, 0),
            ("done".into(), 3, 0),
            ("x.y_Z9".into(), 1, 0),
            ("new".into(), 1, 0)
        ]
    );
    // Paused tasks still accept talents.
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": id, "task_status": 2}),
        )
        .await;
    assert_eq!(v["err_no"], 0);
    assert_eq!(
        texts(&talents(&app, &token, a, &id, 1, &["coop"]).await),
        [ADDED]
    );
}

async fn talents_cap_of_200_counts_cancelled_talents(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let token = app.v2_token(&mini).await;
    let id = exclusive_task(&app, &token).await;
    let a = mini.appid.as_str();
    for batch in 0..20 {
        let ids: Vec<String> = (0..10).map(|i| format!("t{batch}_{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(
            texts(&talents(&app, &token, a, &id, 1, &refs).await),
            [ADDED; 10]
        );
    }
    assert_eq!(
        texts(&talents(&app, &token, a, &id, 2, &["t0_0", "t0_1"]).await),
        [CANCELLED; 2]
    );
    // Cancelled talents still count: a new one is refused, a cancelled one may come back.
    let v = talents(&app, &token, a, &id, 1, &["fresh", "t0_0", "t0_0"]).await;
    assert_eq!(texts(&v), [CAP, ADDED, DUP_ADD]);
    let (_, detail) = app
        .admin(reqwest::Method::GET, &format!("/tasks/{id}"), None)
        .await;
    assert_eq!(
        (
            detail["talents_total"].as_u64(),
            detail["talents_cancelled"].as_u64()
        ),
        (Some(200), Some(1)),
        "{detail}"
    );
}
