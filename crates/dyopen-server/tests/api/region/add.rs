//! Adding bindings: the seed's verbatim requests, field checks, which codes bind, and the
//! whole/page exclusivity and limits.

use super::*;

backend_tests!(
    seed_curl_requests_work_verbatim,
    add_checks_bind_type_path_coupling,
    add_rejects_provinces_districts_and_abolished_codes,
    whole_and_page_bindings_are_exclusive,
    whole_app_binds_one_city,
    page_binds_one_city_per_path_and_at_most_ten_paths,
);

async fn seed_curl_requests_work_verbatim(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = app.app_with_token().await;
    let send = |path: &'static str, body: &'static str| {
        let headers = [
            ("Content-Type", "application/json"),
            ("access-token", token.as_str()),
        ];
        let app = &app;
        async move {
            let (status, _, text) = app.post_raw(path, &headers, body.into()).await;
            assert_eq!(status, 200, "{text}");
            serde_json::from_str::<Value>(&text).unwrap()
        }
    };
    // Seed 000's add example, double slash included.
    let body = r#"{ "bind_type": 2, "region_id": "130400", "path": "page/test/index" }"#;
    let v = send("//api/product/v1/app_region_add/", body).await;
    assert_eq!(redact(v.clone()), ok_add());
    let data_id = v["data_id"].as_str().unwrap();
    assert!(
        data_id.starts_with("region_")
            && data_id.len() == 26
            && data_id[7..].bytes().all(|b| b.is_ascii_digit()),
        "{data_id}"
    );
    // The same request again: the seed's error example.
    let v = send("//api/product/v1/app_region_add/", body).await;
    assert_eq!(redact(v), err_add(10001, "当前小程序或页面已绑定该区域"));
    // Seed's modify example shape (its own example has a broken quote; this is the intended body).
    steps(
        &app,
        &token,
        vec![(MODIFY, modify("130400", "440400", "page/test/index"), ok())],
    )
    .await;
    // Seed's delete example: that path has no binding.
    let body = r#"{ "region_id": "440300", "path": "path/test/index" }"#;
    let v = send("//api/product/v1/app_region_delete/", body).await;
    assert_eq!(redact(v), err(10001, "待删除的数据不存在"));
}

async fn add_checks_bind_type_path_coupling(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let path = "参数不合法:path参数不合法";
    let bind_type = "参数不合法:bind_type参数不合法";
    let region_id = "参数不合法:region_id参数不合法";
    let cases = [
        (
            json!({"bind_type": 1, "region_id": "440300", "path": "a/b"}),
            path,
        ),
        (json!({"bind_type": 2, "region_id": "440300"}), path),
        (
            json!({"bind_type": 2, "region_id": "440300", "path": ""}),
            path,
        ),
        (
            json!({"bind_type": 2, "region_id": "440300", "path": "/abs"}),
            path,
        ),
        (
            json!({"bind_type": 2, "region_id": "440300", "path": "a?x=1"}),
            path,
        ),
        (json!({"bind_type": 3, "region_id": "440300"}), bind_type),
        (json!({"region_id": "440300"}), bind_type),
        (json!({"bind_type": "1", "region_id": "440300"}), bind_type),
        (json!({"bind_type": 1}), region_id),
        (
            json!({"bind_type": 1, "path": "x", "region_id": "abc"}),
            region_id,
        ),
        (
            json!({"bind_type": 1, "path": "x", "region_id": "440000"}),
            path,
        ),
        (json!({"bind_type": 1, "region_id": 440300}), region_id),
        (
            json!({"bind_type": 1, "region_id": "440300", "path": 5}),
            path,
        ),
    ];
    let mut table: Vec<Step> = cases
        .into_iter()
        .map(|(body, msg)| (ADD, body, err_add(10001, msg)))
        .collect();
    table.push((
        ADD,
        json!({"bind_type": 1, "region_id": "440300", "path": ""}),
        ok_add(),
    ));
    steps(&app, &t, table).await;
}

async fn add_rejects_provinces_districts_and_abolished_codes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let bad = [
        "440000", "440303", "371200", "419000", "810000", "12345", "abcdef", "",
    ];
    let good = ["440300", "419001", "429004", "469001", "659001", "110100"];
    let mut table: Vec<Step> = bad
        .into_iter()
        .map(|code| {
            let msg = "参数不合法:region_id参数不合法";
            (ADD, page(code, "p/x"), err_add(10001, msg))
        })
        .collect();
    table.extend(
        good.into_iter()
            .enumerate()
            .map(|(i, code)| (ADD, page(code, &format!("p/{i}")), ok_add())),
    );
    // 110100 is stored as 110000.
    table.push((DELETE, delete("110000", "p/5"), ok()));
    steps(&app, &t, table).await;
}

async fn whole_and_page_bindings_are_exclusive(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let by_page = "参数不合法:小程序已按页面维度绑定城市";
    steps(
        &app,
        &t,
        vec![
            (ADD, page("440300", "p/a"), ok_add()),
            (ADD, whole("440300"), err_add(10001, by_page)),
        ],
    )
    .await;
    let (_, t2) = app.app_with_token().await;
    let by_whole = "参数不合法:小程序已按整体维度绑定城市";
    steps(
        &app,
        &t2,
        vec![
            (ADD, whole("440300"), ok_add()),
            (ADD, page("440300", "p/a"), err_add(10001, by_whole)),
        ],
    )
    .await;
}

async fn whole_app_binds_one_city(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let only_one = "参数不合法:小程序整体仅可绑定1个城市,请使用修改接口";
    steps(
        &app,
        &t,
        vec![
            (ADD, whole("440300"), ok_add()),
            (
                ADD,
                whole("440300"),
                err_add(10001, "当前小程序或页面已绑定该区域"),
            ),
            (ADD, whole("130400"), err_add(10001, only_one)),
        ],
    )
    .await;
}

async fn page_binds_one_city_per_path_and_at_most_ten_paths(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let mut table: Vec<Step> = (0..10)
        .map(|i| (ADD, page("440300", &format!("p/{i}")), ok_add()))
        .collect();
    let use_modify = "参数不合法:该页面已绑定城市,请使用修改接口";
    table.extend([
        (
            ADD,
            page("440300", "p/10"),
            err_add(10001, "参数不合法:页面维度最多绑定10个页面"),
        ),
        (
            ADD,
            page("440300", "p/3"),
            err_add(10001, "当前小程序或页面已绑定该区域"),
        ),
        (ADD, page("130400", "p/3"), err_add(10001, use_modify)),
        // Deleting one frees a slot.
        (DELETE, delete("440300", "p/0"), ok()),
        (ADD, page("440300", "p/10"), ok_add()),
    ]);
    steps(&app, &t, table).await;
}
