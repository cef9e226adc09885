//! Tasks and talents (seed 001, SPEC §5): the v2 task APIs, every code and every row of the
//! update_orient_talents table over HTTP, providers, submissions and the cap under concurrency.

use dyopen_testkit::*;
use serde_json::{json, Value};

const ADD_TASK: &str = "/api/match/v2/taskbox/add_task/";
const UPDATE_STATUS: &str = "/api/match/v2/taskbox/update_status/";
const QUERY_INFO: &str = "/api/match/v2/taskbox/query_task_info/";
const QUERY_IDS: &str = "/api/match/v2/taskbox/query_app_task_id/";
const TALENTS: &str = "/api/apps/taskbox/update_orient_talents/";
const DAY: i64 = 86_400;

const ADDED: &str = "请求成功,已添加";
const CANCELLED: &str = "请求成功,已取消";
const CAP: &str = "请求失败,专属任务关联达人数量已达上限";
const DUP_ADD: &str = "请求失败,该达人已添加,无法重复添加";
const DUP_CANCEL: &str = "请求失败,和该达人的合作已取消,无法重复取消";
const SUBMITTED: &str = "请求失败,达人已投稿,无法取消合作";
const NOT_ON_TASK: &str = "请求失败,该达人未关联此任务";
const BAD_ID: &str = "请求失败,抖音号不合法";

fn task_body(extra: Value) -> Value {
    let mut body = json!({
        "task_name": "春节推广",
        "task_settle_type": 1,
        "page_type": 1,
        "start_page": "pages/index/index",
        "anchor_title": "来玩",
        "task_icon": "https://example.com/i.png",
        "task_desc": "desc",
        "task_tags": ["a", "b"],
        "task_start_time": T0.to_string(),
        "task_end_time": (T0 + 30 * DAY).to_string(),
        "payment_allocate_ratio": 50,
        "talent_payment_allocate_ratio": 30
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    body
}

/// Creates a task; returns its id as the string the API emits.
async fn create_task(app: &TestApp, token: &str, extra: Value) -> String {
    let (status, v) = app.post(ADD_TASK, Some(token), &task_body(extra)).await;
    assert_eq!((status, v["err_no"].as_i64()), (200, Some(0)), "{v}");
    assert_eq!(v["err_msg"], "");
    let id = v["data"]["task_id"].as_str().expect("task_id is a string");
    assert!(
        id.len() == 19 && id.bytes().all(|b| b.is_ascii_digit()),
        "{id}"
    );
    id.to_owned()
}

async fn exclusive_task(app: &TestApp, token: &str) -> String {
    create_task(app, token, json!({"task_type": 2})).await
}

/// Calls update_orient_talents with the token in the body, the task id as a JSON integer.
async fn talents(
    app: &TestApp,
    token: &str,
    appid: &str,
    task_id: &str,
    op: i64,
    ids: &[&str],
) -> Value {
    let body = format!(
        r#"{{"access_token": "{token}", "appid": "{appid}", "task_id": {task_id}, "op_type": {op}, "douyin_ids": {}}}"#,
        serde_json::to_string(ids).unwrap()
    );
    let (status, _, text) = app
        .post_raw(
            TALENTS,
            &[("content-type", "application/json")],
            body.into_bytes(),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// POSTs a raw body to update_orient_talents.
async fn raw(app: &TestApp, body: String) -> Value {
    let (status, _, text) = app
        .post_raw(
            TALENTS,
            &[("content-type", "application/json")],
            body.into_bytes(),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn results(v: &Value) -> Vec<(String, String)> {
    assert_eq!(
        (v["error"].as_i64(), v["message"].as_str()),
        (Some(0), Some("success")),
        "{v}"
    );
    v["data"]["update_info_list"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|r| {
            (
                r["douyin_id"].as_str().unwrap().to_owned(),
                r["update_result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn texts(v: &Value) -> Vec<String> {
    results(v).into_iter().map(|(_, t)| t).collect()
}

fn talents_err(v: &Value, code: i64, msg: &str) {
    assert_eq!(v["error"], code, "{v}");
    assert!(v["message"].as_str().unwrap().starts_with(msg), "{v}");
    assert_eq!(v["data"], json!({}), "{v}");
    assert_eq!(v["log_id"].as_str().map(str::len), Some(53), "{v}");
}

fn open_err(v: &Value, code: i64, msg: &str) {
    assert_eq!(v["err_no"], code, "{v}");
    assert!(v["err_msg"].as_str().unwrap().starts_with(msg), "{v}");
    assert_eq!(v["data"], json!({}), "{v}");
}

async fn query_one(app: &TestApp, token: &str, task_id: &str) -> Value {
    let body = json!({"page_no": 1, "page_size": 10, "query_params_type": 1, "query_params_content": task_id});
    let (_, v) = app.post(QUERY_INFO, Some(token), &body).await;
    assert_eq!(v["err_no"], 0, "{v}");
    assert_eq!(v["data"]["total"], "1", "{v}");
    v["data"]["tasks"][0].clone()
}

fn rel(task: &Value) -> Vec<(String, i64, i64)> {
    task["oriented_talent_rel_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["douyin_id"].as_str().unwrap().to_owned(),
                r["cooperation_state"].as_i64().unwrap(),
                r["cancel_operator"].as_i64().unwrap(),
            )
        })
        .collect()
}

backend_tests!(
    seed_curl_examples_work_verbatim,
    add_task_creates_public_and_exclusive_tasks_and_echoes_fields,
    add_task_checks_fields_then_token_then_start_page,
    update_status_runs_pauses_and_terminates_for_good,
    end_time_terminates_a_task,
    query_task_info_pages_and_searches,
    query_app_task_id_covers_at_most_seven_days,
    talents_checks_run_in_the_seed_order,
    talents_add_and_cancel_follow_every_row_of_the_table,
    talents_cap_of_200_counts_cancelled_talents,
    provider_grant_lets_a_provider_manage_the_task,
    submissions_mark_talents_submitted,
    admin_lists_tasks_with_talent_counts,
    thirty_concurrent_requests_end_with_exactly_200_talents,
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
    for bad in [
        json!({"task_id": id, "task_status": 4}),
        json!({"task_id": id}),
        json!({"task_status": 1}),
        json!({"task_id": 1.5, "task_status": 1}),
    ] {
        let (_, v) = app.post(UPDATE_STATUS, Some(&token), &bad).await;
        open_err(&v, 28005001, "参数解析失败:");
    }
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": "7218760632718443557", "task_status": 1}),
        )
        .await;
    open_err(&v, 28005001, "参数不合法:task_id不存在");
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&token),
            &json!({"task_id": "18446744073709551615", "task_status": 1}),
        )
        .await;
    open_err(&v, 28005001, "参数不合法:task_id不存在");
    // Another app's task is unknown to this token.
    let (_, other) = app.app_with_token().await;
    let (_, v) = app
        .post(
            UPDATE_STATUS,
            Some(&other),
            &json!({"task_id": id, "task_status": 2}),
        )
        .await;
    open_err(&v, 28005001, "参数不合法:task_id不存在");
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
