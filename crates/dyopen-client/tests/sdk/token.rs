//! Tokens: both endpoints, their errors, and the managed token.

use crate::helpers::{client, TestServer};
use dyopen_client::{Client, Error, TokenKind};

#[tokio::test]
async fn v2_and_client_tokens_are_issued() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    let v2 = c.v2_token(&app.appid, &app.secret).await.expect("v2");
    assert!(v2.access_token.starts_with("08"), "{v2:?}");
    assert_eq!(v2.expires_in, 7200);
    let clt = c.client_token(&app.appid, &app.secret).await.expect("clt");
    assert!(clt.access_token.starts_with("clt."), "{clt:?}");
    assert_eq!(clt.expires_in, 7200);
}

#[tokio::test]
async fn token_errors_carry_the_platform_code_and_text() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    match c.v2_token(&app.appid, "wrong").await {
        Err(Error::Api { code, message, .. }) => {
            assert_eq!((code, message.as_str()), (40017, "secret 错误"))
        }
        other => panic!("{other:?}"),
    }
    match c.v2_token("tt0000000000000000", &app.secret).await {
        Err(Error::Api {
            code,
            message,
            log_id,
        }) => {
            assert_eq!((code, message.as_str()), (40015, "appid 错误"));
            assert_eq!(
                log_id.map(|l| l.len()),
                Some(53),
                "log id from the X-Tt-Logid header"
            );
        }
        other => panic!("{other:?}"),
    }
    match c.client_token("tt0000000000000000", &app.secret).await {
        Err(Error::Api { code, message, .. }) => {
            assert_eq!((code, message.as_str()), (10003, "client_key 不存在"))
        }
        other => panic!("{other:?}"),
    }
    match c.client_token(&app.appid, "wrong").await {
        Err(e) => assert_eq!(e.code(), Some(10013)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn managed_token_is_cached_and_of_the_chosen_kind() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let v2 = client(&server.base_url, &app);
    let t = v2.access_token().await.expect("token");
    assert!(t.starts_with("08"));
    assert_eq!(v2.access_token().await.expect("again"), t);
    let clt = Client::builder()
        .base_url(&server.base_url)
        .credentials(&app.appid, &app.secret)
        .token_kind(TokenKind::Client)
        .build()
        .expect("client");
    assert!(clt.access_token().await.expect("token").starts_with("clt."));
}

#[tokio::test]
async fn calls_without_credentials_fail_with_a_config_error() {
    let server = TestServer::spawn().await;
    let c = Client::builder()
        .base_url(&server.base_url)
        .build()
        .expect("client");
    assert!(matches!(c.access_token().await, Err(Error::Config(_))));
}

#[tokio::test]
async fn each_api_gets_the_token_kind_the_platform_expects() {
    let server = TestServer::spawn().await;
    let proxy = crate::helpers::Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    // City binding takes the v2 (mini-program) token; v1 URL links the client token.
    c.region_add(&dyopen_client::RegionTarget::Whole, "440300")
        .await
        .expect("region add");
    c.url_link_query_quota().await.expect("quota");
    c.region_delete(&dyopen_client::RegionTarget::Whole, "440300")
        .await
        .expect("region delete");
    c.url_link_query_quota().await.expect("quota again");
    assert_eq!(proxy.count("/api/apps/v2/token"), 1, "one v2 token, cached");
    assert_eq!(
        proxy.count("/oauth/client_token/"),
        1,
        "one client token, cached"
    );
}

#[tokio::test]
async fn a_failed_token_fetch_is_shared_by_every_waiting_call() {
    let server = TestServer::spawn().await;
    let proxy = crate::helpers::Proxy::start(&server.base_url).await;
    let mut app = server.app().await;
    app.secret = "wrong".into();
    let c = client(&proxy.base_url, &app);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let c = c.clone();
        set.spawn(async move {
            c.region_add(&dyopen_client::RegionTarget::Whole, "440300")
                .await
        });
    }
    let results = set.join_all().await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(Error::Api { code: 40017, .. }))),
        "{results:?}"
    );
    assert_eq!(
        proxy.count("/api/apps/v2/token"),
        1,
        "one fetch, its failure shared"
    );
}
