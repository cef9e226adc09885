//! URL links through the SDK: v1 and legacy generate, query_info, query_quota, their errors,
//! token refresh (12025 / 28001003) and system-error retries in the legacy dialect.

use crate::helpers::{client, TestServer, T0};
use dyopen_client::wire::emulator::FaultRequest;
use dyopen_client::{Error, NewUrlLink};

const HOUR: i64 = 3600;

#[tokio::test]
async fn links_are_generated_queried_and_counted() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    let v1 = c
        .url_link_generate(
            &NewUrlLink::new("pages/detail/detail", T0 + HOUR + 60).query(r#"{"id":"42"}"#),
        )
        .await
        .expect("v1");
    assert!(v1.starts_with(&server.base_url), "{v1}");
    let legacy = c
        .url_link_generate_legacy(&NewUrlLink::new("", T0 + HOUR))
        .await
        .expect("legacy");
    assert_ne!(legacy, v1);
    let info = c.url_link_query_info(&v1).await.expect("info");
    assert_eq!(
        (info.path.as_str(), info.query.as_str()),
        ("pages/detail/detail", r#"{"id":"42"}"#)
    );
    assert_eq!(info.expire_time, T0 + 2 * HOUR, "rounded up to whole hours");
    let home = c.url_link_query_info(&legacy).await.expect("info");
    assert_eq!(home.path, "pages/index/index", "empty path = home page");
    let quota = c.url_link_query_quota().await.expect("quota");
    assert_eq!((quota.url_link_used, quota.url_link_limit), (2, 500_000));
    let listed = server
        .admin
        .list_links(&app.appid, 1, 50)
        .await
        .expect("admin list");
    assert_eq!(listed.total, 2);
}

#[tokio::test]
async fn link_errors_carry_each_dialects_code() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    match c
        .url_link_generate_legacy(&NewUrlLink::new("pages/nope", T0 + HOUR))
        .await
    {
        Err(Error::Api { code, message, .. }) => {
            assert_eq!(
                (code, message.as_str()),
                (1, "参数填写错误:path不是已发布的页面")
            )
        }
        other => panic!("{other:?}"),
    }
    let err = c
        .url_link_generate(&NewUrlLink::new("pages/nope", T0 + HOUR))
        .await
        .expect_err("v1");
    assert_eq!(err.code(), Some(28005001));
    let err = c
        .url_link_generate_legacy(&NewUrlLink::new("", T0 + 200 * 86_400))
        .await
        .expect_err("range");
    assert_eq!(err.code(), Some(12019));
    let err = c
        .url_link_query_info("http://127.0.0.1:1/zzzzzzz")
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), Some(28005001));
}

#[tokio::test]
async fn legacy_links_refresh_the_token_and_retry_system_errors_with_the_token_in_the_body() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    c.url_link_generate_legacy(&NewUrlLink::new("", T0 + 10 * HOUR))
        .await
        .expect("first");
    server.clock.advance(dyopen_core::clock::Seconds::hours(2)); // the cached token is expired: 12025
    server
        .admin
        .emulator_fault(&FaultRequest {
            path: "/api/apps/url_link/generate".into(),
            err_kind: "system_error".into(),
            count: 1,
            delay_ms: None,
        })
        .await
        .expect("fault");
    c.url_link_generate_legacy(&NewUrlLink::new("", T0 + 10 * HOUR))
        .await
        .expect("after refresh");
    let entries = server
        .admin
        .emulator_journal(
            Some(&app.appid),
            Some("/api/apps/url_link/generate"),
            Some(50),
        )
        .await
        .expect("journal")
        .entries;
    let codes: Vec<i64> = entries
        .iter()
        .map(|e| e.response["err_no"].as_i64().unwrap_or(99))
        .collect();
    assert_eq!(codes, [0, -1, 12025, 0]);
    assert!(
        entries.iter().all(|e| e.request["access_token"] == "***"),
        "token sent in the body"
    );
    assert_eq!(
        server
            .admin
            .emulator_journal(Some(&app.appid), Some("/api/apps/v2/token"), Some(50))
            .await
            .expect("journal")
            .entries
            .len(),
        2
    );
}
