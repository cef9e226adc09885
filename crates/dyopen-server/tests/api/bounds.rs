//! SPEC §8 data bounds over HTTP: free-text limits answered with each route's parameter error,
//! at most 1 000 published pages, dead tokens told from unknown ones up to the retention limit,
//! and the emulator clock's range.

use dyopen_core::app::{MAX_APP_NAME_CHARS, MAX_PUBLISHED_PAGES};
use dyopen_core::clock::{MAX_SETTABLE_SECS, MIN_SETTABLE_SECS};
use dyopen_core::task::{
    MAX_ANCHOR_TITLE_CHARS, MAX_MIX_RATIO_ENTRIES, MAX_MIX_RATIO_TEXT_CHARS, MAX_REFER_ITEMS,
    MAX_REFER_ITEM_CHARS, MAX_TASK_DESC_CHARS, MAX_TASK_ICON_CHARS, MAX_TASK_NAME_CHARS,
    MAX_TASK_TAGS, MAX_TASK_TAG_CHARS, MAX_VIDEO_ID_CHARS,
};
use dyopen_core::token::DEAD_TOKENS_KEPT;
use dyopen_testkit::*;
use reqwest::Method;
use serde_json::{json, Map, Value};

const ADD_TASK: &str = "/api/match/v2/taskbox/add_task/";
const QUERY_INFO: &str = "/api/match/v2/taskbox/query_task_info/";
const LEGACY_LINK: &str = "/api/apps/url_link/generate";

backend_tests!(
    task_texts_at_their_limits_are_stored_and_echoed,
    dead_tokens_answer_expired_until_a_hundred_newer_ones_exist,
    published_pages_stop_at_one_thousand,
);

fn s(n: usize) -> String {
    "字".repeat(n)
}

/// `count` distinct items of `chars` characters each (`count` ≤ 26).
fn items(count: usize, chars: usize) -> Vec<String> {
    (b'a'..=b'z')
        .take(count)
        .map(|c| format!("{}{}", char::from(c), s(chars - 1)))
        .collect()
}

fn ratio_map(entries: usize) -> Value {
    let m: Map<String, Value> = (0..entries)
        .map(|i| {
            let key = format!("{i:0>w$}", w = MAX_MIX_RATIO_TEXT_CHARS);
            (key, json!("9".repeat(MAX_MIX_RATIO_TEXT_CHARS)))
        })
        .collect();
    Value::Object(m)
}

/// An add_task body with every free-text field at its limit.
fn task_at_limits() -> Value {
    json!({
        "task_name": s(MAX_TASK_NAME_CHARS),
        "start_page": "pages/index/index",
        "task_start_time": T0,
        "task_end_time": T0 + 86_400,
        "anchor_title": s(MAX_ANCHOR_TITLE_CHARS),
        "task_icon": s(MAX_TASK_ICON_CHARS),
        "task_desc": s(MAX_TASK_DESC_CHARS),
        "task_tags": items(MAX_TASK_TAGS, MAX_TASK_TAG_CHARS),
        "refer_videos": items(MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS),
        "refer_gids": items(MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS),
        "refer_ma_captures": items(MAX_REFER_ITEMS, MAX_REFER_ITEM_CHARS),
        "mix_payment_allocate_ratio": ratio_map(MAX_MIX_RATIO_ENTRIES),
        "talent_mix_payment_allocate_ratio": ratio_map(MAX_MIX_RATIO_ENTRIES),
    })
}

async fn task_texts_at_their_limits_are_stored_and_echoed(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = app.app_with_token().await;
    let body = task_at_limits();
    let (_, v) = app.post(ADD_TASK, Some(&token), &body).await;
    assert_eq!(v["err_no"], 0, "{v}");
    let query = json!({"page_no": 1, "page_size": 10, "query_params_type": 2});
    let (_, v) = app.post(QUERY_INFO, Some(&token), &query).await;
    let echoed = &v["data"]["tasks"][0];
    for field in [
        "task_name",
        "anchor_title",
        "task_icon",
        "task_desc",
        "task_tags",
        "refer_videos",
        "refer_gids",
        "refer_ma_captures",
        "mix_payment_allocate_ratio",
        "talent_mix_payment_allocate_ratio",
    ] {
        assert_eq!(echoed[field], body[field], "{field}");
    }
}

#[tokio::test]
async fn task_texts_over_their_limits_are_parameter_errors_before_the_token() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, token) = app.app_with_token().await;
    let over: Vec<(&str, Value, String)> = vec![
        (
            "task_name",
            json!(s(MAX_TASK_NAME_CHARS + 1)),
            "参数解析失败:task_name参数不合法".into(),
        ),
        (
            "anchor_title",
            json!(s(MAX_ANCHOR_TITLE_CHARS + 1)),
            format!("参数解析失败:anchor_title不能超过{MAX_ANCHOR_TITLE_CHARS}个字符"),
        ),
        (
            "task_icon",
            json!(s(MAX_TASK_ICON_CHARS + 1)),
            format!("参数解析失败:task_icon不能超过{MAX_TASK_ICON_CHARS}个字符"),
        ),
        (
            "task_desc",
            json!(s(MAX_TASK_DESC_CHARS + 1)),
            "参数解析失败:task_desc不能超过2000个字符".into(),
        ),
        (
            "task_tags",
            json!(items(MAX_TASK_TAGS + 1, 1)),
            format!("参数解析失败:task_tags最多{MAX_TASK_TAGS}项"),
        ),
        (
            "task_tags",
            json!([s(MAX_TASK_TAG_CHARS + 1)]),
            format!("参数解析失败:task_tags的每一项不能超过{MAX_TASK_TAG_CHARS}个字符"),
        ),
        (
            "refer_videos",
            json!(items(MAX_REFER_ITEMS + 1, 1)),
            format!("参数解析失败:refer_videos最多{MAX_REFER_ITEMS}项"),
        ),
        (
            "refer_gids",
            json!([s(MAX_REFER_ITEM_CHARS + 1)]),
            format!("参数解析失败:refer_gids的每一项不能超过{MAX_REFER_ITEM_CHARS}个字符"),
        ),
        (
            "refer_ma_captures",
            json!([s(MAX_REFER_ITEM_CHARS + 1)]),
            format!(
                "参数解析失败:refer_ma_captures的每一项不能超过{MAX_REFER_ITEM_CHARS}个字符"
            ),
        ),
        (
            "mix_payment_allocate_ratio",
            ratio_map(MAX_MIX_RATIO_ENTRIES + 1),
            format!("参数解析失败:mix_payment_allocate_ratio最多{MAX_MIX_RATIO_ENTRIES}项"),
        ),
        (
            "talent_mix_payment_allocate_ratio",
            json!({"k": "9".repeat(MAX_MIX_RATIO_TEXT_CHARS + 1)}),
            format!(
                "参数解析失败:talent_mix_payment_allocate_ratio的每一项不能超过{MAX_MIX_RATIO_TEXT_CHARS}个字符"
            ),
        ),
    ];
    for (field, value, msg) in over {
        let mut body = task_at_limits();
        body[field] = value;
        for t in [Some(token.as_str()), None] {
            let (status, v) = app.post(ADD_TASK, t, &body).await;
            assert_eq!(status, 200);
            assert_eq!(
                (v["err_no"].as_i64(), v["err_msg"].as_str(), &v["data"]),
                (Some(28_005_001), Some(msg.as_str()), &json!({})),
                "{field}"
            );
        }
    }
    // Fixture tasks obey the same limits (admin-style 400).
    let mut task = task_at_limits();
    task["task_desc"] = json!(s(MAX_TASK_DESC_CHARS + 1));
    let fixture = json!({"apps": [{"name": "f", "pages": ["pages/index/index"], "tasks": [task]}]});
    let res = app
        .http
        .post(format!("{}/_emulator/v1/seed", app.base_url))
        .json(&fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let v: Value = res.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("task_desc不能超过2000个字符"),
        "{v}"
    );
}

#[tokio::test]
async fn admin_names_and_video_ids_have_limits() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let create = |name: String| json!({"name": name, "pages": ["pages/index/index"]});
    let (status, _) = app
        .admin(Method::POST, "/apps", Some(create(s(MAX_APP_NAME_CHARS))))
        .await;
    assert_eq!(status, 201);
    let (status, v) = app
        .admin(
            Method::POST,
            "/apps",
            Some(create(s(MAX_APP_NAME_CHARS + 1))),
        )
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (400, Some("invalid_request"))
    );
    assert_eq!(v["error"]["message"], "name must be 1 to 64 characters");
    let (mini, token) = app.app_with_token().await;
    let (status, _) = app
        .admin(
            Method::PATCH,
            &format!("/apps/{}", mini.appid),
            Some(json!({"name": s(MAX_APP_NAME_CHARS + 1)})),
        )
        .await;
    assert_eq!(status, 400);
    // A submission's video_id.
    let mut body = task_at_limits();
    body["douyin_ids"] = json!(["talent_1", "talent_2"]);
    let (_, v) = app.post(ADD_TASK, Some(&token), &body).await;
    let task_id = v["data"]["task_id"].as_str().unwrap().to_owned();
    let submit = |who: &str, video: String| json!({"douyin_id": who, "video_id": video});
    let path = format!("/tasks/{task_id}/submissions");
    let (status, v) = app
        .admin(
            Method::POST,
            &path,
            Some(submit("talent_1", "v".repeat(MAX_VIDEO_ID_CHARS + 1))),
        )
        .await;
    assert_eq!(
        (status, v["error"]["message"].as_str()),
        (400, Some("video_id must be at most 128 characters"))
    );
    let (status, v) = app
        .admin(
            Method::POST,
            &path,
            Some(submit("talent_1", "v".repeat(MAX_VIDEO_ID_CHARS))),
        )
        .await;
    assert_eq!(status, 201, "{v}");
}

async fn published_pages_stop_at_one_thousand(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let pages = |n: usize| {
        (0..n)
            .map(|i| format!("pages/p{i}/index"))
            .collect::<Vec<_>>()
    };
    let (status, created) = app
        .admin(
            Method::POST,
            "/apps",
            Some(json!({"name": "big", "pages": pages(MAX_PUBLISHED_PAGES)})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let appid = created["appid"].as_str().unwrap().to_owned();
    let too_many = format!(
        "an app has at most {MAX_PUBLISHED_PAGES} published pages ({} given)",
        MAX_PUBLISHED_PAGES + 1
    );
    let (status, v) = app
        .admin(
            Method::POST,
            "/apps",
            Some(json!({"name": "bigger", "pages": pages(MAX_PUBLISHED_PAGES + 1)})),
        )
        .await;
    assert_eq!(
        (status, v["error"]["message"].as_str()),
        (400, Some(too_many.as_str()))
    );
    let (status, v) = app
        .admin(
            Method::PATCH,
            &format!("/apps/{appid}"),
            Some(json!({"pages": pages(MAX_PUBLISHED_PAGES + 1)})),
        )
        .await;
    assert_eq!(
        (status, v["error"]["message"].as_str()),
        (400, Some(too_many.as_str()))
    );
    let (_, v) = app
        .admin(Method::GET, &format!("/apps/{appid}"), None)
        .await;
    assert_eq!(v["pages"].as_array().unwrap().len(), MAX_PUBLISHED_PAGES);
    let fixture = json!({"apps": [{"name": "f", "pages": pages(MAX_PUBLISHED_PAGES + 1)}]});
    let res = app
        .http
        .post(format!("{}/_emulator/v1/seed", app.base_url))
        .json(&fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // The last of the thousand pages is usable.
    let mini = TestMiniApp {
        appid: appid.clone(),
        secret: created["secret"].as_str().unwrap().into(),
    };
    let token = app.client_token(&mini).await;
    let body = json!({"ma_app_id": appid, "app_name": "douyin", "path": "pages/p999/index",
        "expire_time": T0 + 3_600});
    let (_, v) = app.post(LEGACY_LINK, Some(&token), &body).await;
    assert_eq!(v["err_no"], 0, "{v}");
}

async fn dead_tokens_answer_expired_until_a_hundred_newer_ones_exist(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let mut tokens = Vec::new();
    for _ in 0..105 {
        tokens.push(app.v2_token(&mini).await);
    }
    let n = tokens.len();
    // Rank among the dead tokens, 1 = the newest dead one (the two newest tokens are live).
    let dead = |rank: usize| tokens[n - 2 - rank].as_str();
    let body = json!({"ma_app_id": mini.appid, "app_name": "douyin", "expire_time": T0 + 3_600});
    let link = |t: &str| {
        let (app, body, t) = (&app, body.clone(), t.to_owned());
        async move { app.post(LEGACY_LINK, Some(&t), &body).await.1 }
    };
    assert_eq!(link(&tokens[n - 1]).await["err_no"], 0);
    assert_eq!(link(&tokens[n - 2]).await["err_no"], 0);
    let kept = DEAD_TOKENS_KEPT as usize;
    for (rank, code, tips) in [
        (1, 12025, "access_token过期或无权限"),
        (kept, 12025, "access_token过期或无权限"),
        (kept + 1, 12024, "access_token错误"),
        (kept + 3, 12024, "access_token错误"),
    ] {
        let v = link(dead(rank)).await;
        assert_eq!(
            (v["err_no"].as_i64(), v["err_tips"].as_str()),
            (Some(code), Some(tips)),
            "dead #{rank}"
        );
    }
}

async fn clock(app: &TestApp, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/_emulator/v1/clock", app.base_url);
    let req = match body {
        Some(b) => app.http.post(&url).json(&b),
        None => app.http.get(&url),
    };
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn clock_extremes_are_refused_and_leave_the_clock_unchanged() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let refused = |v: &Value| {
        assert_eq!(v["error"]["code"], "invalid_request", "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("2000-9999"),
            "{v}"
        );
    };
    for body in [
        json!({"now": i64::MAX}),
        json!({"now": i64::MIN}),
        json!({"now": MIN_SETTABLE_SECS - 1}), // 1999-12-31T23:59:59Z
        json!({"now": MAX_SETTABLE_SECS + 1}), // 10000-01-01T00:00:00Z
        json!({"advance_seconds": i64::MAX}),
        json!({"advance_seconds": i64::MIN}),
        json!({"advance_seconds": MAX_SETTABLE_SECS}),
    ] {
        let (status, v) = clock(&app, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        refused(&v);
        let (_, now) = clock(&app, None).await;
        assert_eq!(
            (now["now"].as_i64(), now["frozen"].as_bool()),
            (Some(T0), Some(true))
        );
    }
    let (status, v) = clock(&app, Some(json!({"now": MIN_SETTABLE_SECS}))).await;
    assert_eq!((status, v["now"].as_i64()), (200, Some(MIN_SETTABLE_SECS)));
    let (status, v) = clock(&app, Some(json!({"now": MAX_SETTABLE_SECS}))).await;
    assert_eq!((status, v["now"].as_i64()), (200, Some(MAX_SETTABLE_SECS)));
    let (status, v) = clock(&app, Some(json!({"advance_seconds": 1}))).await;
    assert_eq!(status, 400);
    refused(&v);
    // At the last second of year 9999, after resuming, the rules still answer normally.
    let (status, v) = clock(&app, Some(json!({"resume": true}))).await;
    assert_eq!((status, v["frozen"].as_bool()), (200, Some(false)));
    assert!(v["now"].as_i64().unwrap() >= MAX_SETTABLE_SECS);
    let (status, _) = clock(&app, None).await;
    assert_eq!(status, 200);
    let (mini, token) = app.app_with_token().await;
    let (_, v) = app
        .post(
            "/api/product/v1/app_region_add/",
            Some(&token),
            &json!({"bind_type": 1, "region_id": "440300"}),
        )
        .await;
    assert_eq!(v["err_no"], 0, "{v}");
    let expire = clock(&app, None).await.1["now"].as_i64().unwrap() + 3_600;
    let body = json!({"ma_app_id": mini.appid, "app_name": "douyin", "expire_time": expire});
    let (_, v) = app.post(LEGACY_LINK, Some(&token), &body).await;
    assert_eq!(v["err_no"], 0, "{v}");
    let (status, _) = app
        .admin(Method::GET, &format!("/apps/{}/regions", mini.appid), None)
        .await;
    assert_eq!(status, 200);
}
