//! query_task_info, query_app_task_id and the admin list: paging, search, windows, order.

use super::*;

backend_tests!(
    query_task_info_pages_and_searches,
    query_app_task_id_covers_at_most_seven_days,
    admin_lists_tasks_with_talent_counts,
);

async fn query_task_info_pages_and_searches(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let mut ids = vec![];
    for i in 0..7 {
        app.advance(1);
        let extra = if i % 2 == 0 {
            json!({"task_name": format!("任务{i}"), "start_page": "pages/detail/detail"})
        } else {
            json!({"task_name": format!("活动{i}"), "task_type": 2})
        };
        ids.push(create_task(&app, &token, extra).await);
    }
    let q = |body: Value| {
        let token = token.clone();
        let app = &app;
        async move { app.post(QUERY_INFO, Some(&token), &body).await.1 }
    };
    let v = q(
        json!({"page_no": 2, "page_size": 3, "query_params_type": 2, "query_params_content": ""}),
    )
    .await;
    assert_eq!(
        (
            v["data"]["total"].as_str(),
            v["data"]["page_count"].as_str()
        ),
        (Some("7"), Some("3")),
        "{v}"
    );
    assert_eq!(v["data"]["app_id"], mini.appid);
    let got: Vec<&str> = v["data"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [ids[3].as_str(), ids[2].as_str(), ids[1].as_str()],
        "newest first"
    );
    let v = q(json!({"page_no": 1, "page_size": 50, "query_params_type": 2, "query_params_content": "活动"})).await;
    assert_eq!(v["data"]["total"], "3");
    let v = q(json!({"page_no": "1", "page_size": "50", "query_params_type": 3, "query_params_content": "pages/detail/detail", "task_category": 1})).await;
    assert_eq!(v["data"]["total"], "4");
    let v = q(json!({"page_no": 1, "page_size": 50, "query_params_type": 2, "query_params_content": "", "task_category": 2, "appid": mini.appid})).await;
    assert_eq!(v["data"]["total"], "3");
    let v = q(json!({"page_no": 9, "page_size": 50, "query_params_type": 2})).await;
    assert_eq!(
        (
            v["data"]["total"].as_str(),
            v["data"]["tasks"].as_array().map(Vec::len)
        ),
        (Some("7"), Some(0))
    );
    let v = q(json!({"page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": "7218760632718443557"})).await;
    assert_eq!(
        (v["err_no"].as_i64(), v["data"]["total"].as_str()),
        (Some(0), Some("0"))
    );
    for (bad, field) in [
        (
            json!({"page_no": 0, "page_size": 10, "query_params_type": 2}),
            "page_no",
        ),
        (
            json!({"page_no": 1, "page_size": 51, "query_params_type": 2}),
            "page_size",
        ),
        (
            json!({"page_no": 1, "page_size": 10, "query_params_type": 4}),
            "query_params_type",
        ),
        (
            json!({"page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": "x"}),
            "query_params_content",
        ),
        (
            json!({"page_no": 1, "page_size": 10, "query_params_type": 2, "task_category": 3}),
            "task_category",
        ),
    ] {
        open_err(
            &q(bad).await,
            28005001,
            &format!("参数解析失败:{field}参数不合法"),
        );
    }
    // Another app's appid without a grant.
    let other = app.create_app(&["pages/index/index"]).await;
    let v = q(json!({"appid": other.appid, "page_no": 1, "page_size": 10, "query_params_type": 2}))
        .await;
    open_err(&v, 28001018, "应用未获得该能力");
}

async fn query_app_task_id_covers_at_most_seven_days(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let first = create_task(&app, &token, json!({"task_type": 2})).await;
    app.advance(3 * DAY);
    let token = app.client_token(&mini).await;
    let a = create_task(&app, &token, json!({})).await;
    app.advance(DAY);
    let token = app.client_token(&mini).await;
    let b = create_task(&app, &token, json!({"task_type": 2})).await;
    let now = app.now();
    let q = |body: Value| {
        let token = token.clone();
        let app = &app;
        async move { app.post(QUERY_IDS, Some(&token), &body).await.1 }
    };
    let v =
        q(json!({"create_start_time": now - 7 * DAY, "create_end_time": now.to_string()})).await;
    assert_eq!(v["data"]["task_ids"], json!([b, a, first]), "{v}");
    let v = q(json!({"create_start_time": now - DAY, "create_end_time": now})).await;
    assert_eq!(v["data"]["task_ids"], json!([b, a]), "{v}");
    let v =
        q(json!({"create_start_time": now - 7 * DAY, "create_end_time": now, "task_category": 2}))
            .await;
    assert_eq!(v["data"]["task_ids"], json!([b, first]), "{v}");
    let v =
        q(json!({"create_start_time": now - DAY, "create_end_time": now - 1, "task_category": 1}))
            .await;
    assert_eq!(v["data"]["task_ids"], json!([a]), "{v}");
    let v =
        q(json!({"create_start_time": now - DAY, "create_end_time": now, "task_category": "2"}))
            .await;
    assert_eq!(v["data"]["task_ids"], json!([b]), "{v}");
    open_err(
        &q(json!({"create_start_time": now - 7 * DAY - 1, "create_end_time": now})).await,
        28005001,
        "参数解析失败:查询时间范围不能超过7天",
    );
    open_err(
        &q(json!({"create_start_time": now, "create_end_time": now - 1})).await,
        28005001,
        "参数解析失败:create_start_time不能晚于create_end_time",
    );
    open_err(
        &q(json!({"create_end_time": now})).await,
        28005001,
        "参数解析失败:create_start_time参数不合法",
    );
}

async fn admin_lists_tasks_with_talent_counts(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let public = create_task(&app, &token, json!({})).await;
    app.advance(1);
    let ex = create_task(&app, &token, json!({"douyin_ids": ["a", "b", "c"]})).await;
    let v2 = app.v2_token(&mini).await;
    talents(&app, &v2, &mini.appid, &ex, 2, &["b"]).await;
    let (status, v) = app
        .admin(
            reqwest::Method::GET,
            &format!("/apps/{}/tasks?page=1&page_size=1", mini.appid),
            None,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["total"].as_u64(), v["items"].as_array().map(Vec::len)),
        (Some(2), Some(1))
    );
    let item = &v["items"][0];
    assert_eq!(item["task_id"], ex);
    assert_eq!(
        (
            item["talents_total"].as_u64(),
            item["talents_cooperating"].as_u64(),
            item["talents_cancelled"].as_u64(),
            item["talents_submitted"].as_u64()
        ),
        (Some(3), Some(2), Some(1), Some(0))
    );
    assert_eq!(
        (item["task_type"].as_i64(), item["status"].as_i64()),
        (Some(2), Some(1))
    );
    let (_, v) = app
        .admin(
            reqwest::Method::GET,
            &format!("/apps/{}/tasks?page=2&page_size=1", mini.appid),
            None,
        )
        .await;
    assert_eq!(v["items"][0]["task_id"], public);
    let (status, v) = app
        .admin(reqwest::Method::GET, &format!("/tasks/{ex}"), None)
        .await;
    assert_eq!(status, 200);
    let names: Vec<&str> = v["talents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["douyin_id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(v["talents"][1]["cancel_operator"], 1);
    let (status, v) = app.admin(reqwest::Method::GET, "/tasks/1", None).await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = app
        .admin(reqwest::Method::GET, "/apps/tt0000000000000000/tasks", None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn tasks_made_at_one_frozen_instant_list_newest_first_in_creation_order() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let (_, token) = app.app_with_token().await;
    let mut made = Vec::new();
    for _ in 0..8 {
        made.push(create_task(&app, &token, json!({})).await);
    }
    made.reverse();
    let now = app.now();
    let (_, v) = app
        .post(
            QUERY_IDS,
            Some(&token),
            &json!({"create_start_time": now - DAY, "create_end_time": now}),
        )
        .await;
    assert_eq!(v["data"]["task_ids"], json!(made), "{v}");
}
