//! Wire conventions (SPEC §2): routing tolerance, chunked bodies, header case, log ids, body
//! limits, bad input answered in each endpoint's dialect, 404/405 JSON.

use dyopen_testkit::*;
use serde_json::{json, Value};

/// Each open endpoint with the parameter-error answer of its dialect (log ids redacted).
fn endpoints() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/api/product/v1/app_region_add/",
            json!({"err_no": 10001, "err_msg": "参数不合法:请求体参数不合法", "log_id": "[log_id]", "data_id": ""}),
        ),
        (
            "/api/product/v1/app_region_delete/",
            json!({"err_no": 10001, "err_msg": "参数不合法:请求体参数不合法", "log_id": "[log_id]"}),
        ),
        (
            "/api/product/v1/app_region_modify/",
            json!({"err_no": 10001, "err_msg": "参数不合法:请求体参数不合法", "log_id": "[log_id]"}),
        ),
        (
            "/api/apps/v2/token",
            json!({"err_no": 40014, "err_tips": "参数错误", "data": {}}),
        ),
        (
            "/oauth/client_token/",
            json!({"data": {"access_token": "", "description": "参数错误", "error_code": 10002, "expires_in": 0}, "message": "error"}),
        ),
    ]
}

backend_tests!(
    paths_tolerate_double_and_trailing_slashes,
    bad_bodies_get_the_dialects_parameter_error,
);

#[tokio::test]
async fn every_response_carries_a_53_char_log_id_in_header_and_envelope() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, headers, text) = app
        .post_raw("/api/product/v1/app_region_add", &[], b"{}".to_vec())
        .await;
    let header = headers
        .get("x-tt-logid")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(header.len(), 53);
    assert!(header.starts_with(&format!("02{}", T0 * 1000)), "{header}");
    assert_eq!(&header[15..35], "0".repeat(20));
    assert_eq!(&header[35..47], "ffff7f000001");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["log_id"], header.as_str());
    let res = app
        .http
        .get(format!("{}/healthz", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("x-tt-logid").unwrap().len(), 53);
}

#[tokio::test]
async fn header_names_are_case_insensitive() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, token) = app.app_with_token().await;
    for name in ["access-token", "Access-Token", "ACCESS-TOKEN"] {
        let (_, _, text) = app
            .post_raw(
                "/api/product/v1/app_region_delete",
                &[(name, &token), ("CONTENT-TYPE", "application/json")],
                br#"{"region_id":"440300"}"#.to_vec(),
            )
            .await;
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["err_msg"], "待删除的数据不存在", "{name}");
    }
}

#[tokio::test]
async fn chunked_bodies_are_accepted() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mini = app.create_app(&["pages/index/index"]).await;
    let body = json!({"client_key": mini.appid, "client_secret": mini.secret, "grant_type": "client_credential"}).to_string().into_bytes();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(7).map(|c| Ok(c.to_vec())).collect();
    let res = app
        .http
        .post(format!("{}/oauth/client_token/", app.base_url))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["message"], "success", "{v}");
}

#[tokio::test]
async fn missing_or_wrong_content_type_is_parsed_as_json() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mini = app.create_app(&["pages/index/index"]).await;
    let body =
        json!({"appid": mini.appid, "secret": mini.secret, "grant_type": "client_credential"})
            .to_string();
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let headers: Vec<(&str, &str)> = ct.map(|c| vec![("content-type", c)]).unwrap_or_default();
        let (status, _, text) = app
            .post_raw("/api/apps/v2/token", &headers, body.clone().into())
            .await;
        assert_eq!(status, 200);
        assert!(text.contains("\"err_no\":0"), "{ct:?}: {text}");
    }
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_in_json() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let res = app
        .http
        .post(format!("{}/api/nope", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"error": {"code": "not_found", "message": "no such route"}})
    );
    let res = app
        .http
        .get(format!("{}/api/product/v1/app_region_add/", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "method_not_allowed"
    );
}

#[tokio::test]
async fn bodies_over_one_mib_get_413_in_the_dialect() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let huge = format!("{{\"path\":\"{}\"}}", "a".repeat((1 << 20) + 10));
    for (path, mut want) in endpoints() {
        let (status, _, text) = app
            .post_raw(
                path,
                &[("content-type", "application/json")],
                huge.clone().into(),
            )
            .await;
        assert_eq!(status, 413, "{path}");
        if let Some(o) = want.as_object_mut() {
            if o.contains_key("err_msg") {
                o.insert("err_msg".into(), json!("参数不合法:请求体参数不合法"));
            }
        }
        assert_eq!(redact(serde_json::from_str(&text).unwrap()), want, "{path}");
    }
    // Exactly 1 MiB is accepted (and then judged on its content).
    let at_limit = format!("{{\"x\":\"{}\"}}", "a".repeat((1 << 20) - 8));
    assert_eq!(at_limit.len(), 1 << 20);
    let (status, _, _) = app
        .post_raw("/api/apps/v2/token", &[], at_limit.into())
        .await;
    assert_eq!(status, 200);
}

async fn paths_tolerate_double_and_trailing_slashes(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let mini = app.create_app(&["pages/index/index"]).await;
    let body = json!({"client_key": mini.appid, "client_secret": mini.secret, "grant_type": "client_credential"});
    for path in [
        "/oauth/client_token",
        "/oauth/client_token/",
        "//oauth//client_token//",
        "/oauth/client_token?x=1",
    ] {
        let (status, v) = app.post(path, None, &body).await;
        assert_eq!(
            (status, v["message"].as_str()),
            (200, Some("success")),
            "{path}"
        );
    }
}

async fn bad_bodies_get_the_dialects_parameter_error(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, token) = app.app_with_token().await;
    let bad: [&[u8]; 7] = [
        b"",
        b"{",
        b"not json",
        b"[1,2]",
        b"\xff\xfe\xfd",
        b"{\"a\":1} trailing",
        b"null",
    ];
    for (path, want) in endpoints() {
        for body in bad {
            let (status, _, text) = app
                .post_raw(
                    path,
                    &[
                        ("content-type", "application/json"),
                        ("access-token", &token),
                    ],
                    body.to_vec(),
                )
                .await;
            assert_eq!(status, 200, "{path} {body:?}");
            let v: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path} {body:?}: {text}"));
            assert_eq!(redact(v), want, "{path} {body:?}");
        }
    }
    // Unknown fields are ignored.
    let (_, v) = app
        .post(
            "/api/product/v1/app_region_add/",
            Some(&token),
            &json!({"bind_type": 1, "region_id": "440300", "unknown": {"x": [1]}}),
        )
        .await;
    assert_eq!(v["err_no"], 0, "{v}");
}
