//! add_task: what a created task echoes, and the order of its field, token and page checks.

use super::*;

backend_tests!(
    add_task_creates_public_and_exclusive_tasks_and_echoes_fields,
    add_task_checks_fields_then_token_then_start_page,
);

async fn add_task_creates_public_and_exclusive_tasks_and_echoes_fields(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = app.app_with_token().await;
    let public = create_task(&app, &token, json!({})).await;
    let t = query_one(&app, &token, &public).await;
    assert_eq!(
        (t["task_type"].as_i64(), t["status"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(t["task_id"], public);
    assert_eq!(t["task_start_time"], T0.to_string());
    assert_eq!(t["task_end_time"], (T0 + 30 * DAY).to_string());
    for (k, want) in [
        ("task_name", json!("春节推广")),
        ("start_page", json!("pages/index/index")),
        ("anchor_title", json!("来玩")),
        ("task_icon", json!("https://example.com/i.png")),
        ("task_desc", json!("desc")),
        ("task_tags", json!(["a", "b"])),
        ("task_settle_type", json!(1)),
        ("page_type", json!(1)),
        ("payment_allocate_ratio", json!(50)),
        ("talent_payment_allocate_ratio", json!(30)),
        ("reject_reason", json!("")),
        ("oriented_talent_rel_list", json!([])),
    ] {
        assert_eq!(t[k], want, "{k}: {t}");
    }
    // Times as JSON integers, talents make it exclusive.
    let ex = create_task(
        &app,
        &token,
        json!({"task_start_time": T0, "task_end_time": T0 + DAY, "douyin_ids": ["lw1352552", "9423515316"]}),
    )
    .await;
    let t = query_one(&app, &token, &ex).await;
    assert_eq!(t["task_type"], 2);
    assert_eq!(
        rel(&t),
        [("lw1352552".into(), 1, 0), ("9423515316".into(), 1, 0)]
    );
    // An exclusive task with no talents yet (dyopen extension).
    let empty = exclusive_task(&app, &token).await;
    assert_eq!(query_one(&app, &token, &empty).await["task_type"], 2);
}

async fn add_task_checks_fields_then_token_then_start_page(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = app.app_with_token().await;
    let cases = [
        (json!({"task_name": ""}), "参数解析失败:task_name参数不合法"),
        (json!({"task_name": 5}), "参数解析失败:"),
        (
            json!({"start_page": null}),
            "参数解析失败:start_page参数不合法",
        ),
        (json!({"task_start_time": "soon"}), "参数解析失败:"),
        (
            json!({"task_end_time": null}),
            "参数解析失败:task_end_time参数不合法",
        ),
        (
            json!({"task_start_time": T0 + 30 * DAY}),
            "参数解析失败:task_start_time必须早于task_end_time",
        ),
        (
            json!({"task_start_time": T0 - 2 * DAY, "task_end_time": T0}),
            "参数解析失败:task_end_time必须晚于当前时间",
        ),
        (
            json!({"douyin_ids": ["a b"]}),
            "参数解析失败:douyin_ids参数不合法",
        ),
        (
            json!({"douyin_ids": (0..11).map(|i| format!("u{i}")).collect::<Vec<_>>()}),
            "参数解析失败:douyin_ids参数不合法",
        ),
        (
            json!({"task_type": 1, "douyin_ids": ["a"]}),
            "参数解析失败:公开任务不能指定douyin_ids",
        ),
        (json!({"task_type": 3}), "参数解析失败:task_type参数不合法"),
    ];
    for (extra, msg) in cases {
        // Field errors come before the token: no token sent.
        let (status, v) = app.post(ADD_TASK, None, &task_body(extra.clone())).await;
        assert_eq!(status, 200);
        open_err(&v, 28005001, msg);
    }
    let (_, v) = app.post(ADD_TASK, None, &task_body(json!({}))).await;
    open_err(&v, 28001003, "access_token无效");
    let (_, v) = app
        .post(ADD_TASK, Some("08nope"), &task_body(json!({})))
        .await;
    open_err(&v, 28001003, "access_token无效");
    let (_, v) = app
        .post(
            ADD_TASK,
            Some(&token),
            &task_body(json!({"start_page": "pages/other/other"})),
        )
        .await;
    open_err(&v, 28005001, "参数解析失败:start_page不是已发布的页面");
    let (_, _, text) = app
        .post_raw(ADD_TASK, &[("access-token", &token)], b"{not json".to_vec())
        .await;
    open_err(
        &serde_json::from_str(&text).unwrap(),
        28005001,
        "参数解析失败",
    );
}
