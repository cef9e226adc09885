//! Property tests through the router (SPEC §11): no body, however malformed, makes an open API
//! answer 5xx or anything but JSON. The endpoints come from `/openapi.json`, so new routes are
//! covered automatically.

use axum::body::Body;
use axum::http::Request;
use dyopen_server::startup::app_service;
use dyopen_testkit::*;
use proptest::prelude::*;
use serde_json::Value;
use tower::ServiceExt;

/// Field names the open APIs read, so random objects reach past the first check.
const KEYS: &[&str] = &[
    "bind_type",
    "region_id",
    "path",
    "origin_region",
    "current_region",
    "access_token",
    "appid",
    "secret",
    "grant_type",
    "client_key",
    "client_secret",
    "task_id",
    "op_type",
    "douyin_ids",
    "third_appid",
    "ma_app_id",
    "app_id",
    "app_name",
    "query",
    "expire_time",
    "url_link",
    "task_name",
    "start_page",
    "task_start_time",
    "task_end_time",
    "task_status",
    "page_no",
    "page_size",
    "query_params_type",
    "query_params_content",
    "create_start_time",
    "create_end_time",
    "task_category",
    "task_type",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-zA-Z0-9_./?{}\"%: -]{0,40}".prop_map(Value::from),
        prop::sample::select(vec![
            "440300",
            "client_credential",
            "douyin",
            "pages/index/index",
            "1",
            "2",
            "{}",
            "7218760632718443557"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop::sample::select(KEYS).prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
    ]
}

#[test]
fn no_body_makes_an_open_api_fail_with_5xx() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_app, service, paths, token) = rt.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
        let (_, token) = app.app_with_token().await;
        let doc: Value = app
            .http
            .get(format!("{}/openapi.json", app.base_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let paths: Vec<String> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(p, ops)| {
                !p.starts_with("/admin")
                    && !p.starts_with("/_emulator")
                    && ops.get("post").is_some()
            })
            .map(|(p, _)| p.clone())
            .collect();
        let built = app.build_instance().await;
        let service = app_service(built.state().clone());
        (app, service, paths, token)
    });
    assert!(paths.len() >= 5, "{paths:?}");
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(which in 0..paths.len(), raw in body(), with_token in any::<bool>())| {
        let path = &paths[which];
        let mut req = Request::post(path.as_str()).header("content-type", "application/json");
        if with_token {
            req = req.header("access-token", token.as_str());
        }
        let req = req.body(Body::from(raw.clone())).unwrap();
        let res = rt.block_on(service.clone().oneshot(req)).unwrap();
        let status = res.status();
        let bytes = rt.block_on(axum::body::to_bytes(res.into_body(), usize::MAX)).unwrap();
        prop_assert!(status.as_u16() < 500, "{path} {status} for {:?}", String::from_utf8_lossy(&raw));
        prop_assert!(serde_json::from_slice::<Value>(&bytes).is_ok(), "{path}: not JSON: {:?}", String::from_utf8_lossy(&bytes));
    });
}
