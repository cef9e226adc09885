//! The token manager (single-flight, refresh on a token error) and retries (system errors,
//! connection failures, timeouts), counted through a proxy in front of a real server.

use crate::helpers::{client, fast_retry, Fault, Proxy, TestServer};
use dyopen_client::{Client, Error, RegionTarget};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "/api/apps/v2/token";
const ADD: &str = "/api/product/v1/app_region_add/";
const MODIFY: &str = "/api/product/v1/app_region_modify/";

const LOG_ID: &str = "021714521600000000000000000000000000ffff7f0000011234ab";

fn city_system_error() -> Fault {
    Fault::Body(json!({"err_no": 10000, "err_msg": "系统错误", "log_id": LOG_ID}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_calls_fetch_one_token() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    let mut calls = Vec::new();
    for _ in 0..100 {
        let c = c.clone();
        calls.push(tokio::spawn(async move {
            c.region_modify(&RegionTarget::Whole, "440300", "440400")
                .await
        }));
    }
    for call in calls {
        let err = call.await.expect("join").expect_err("nothing bound");
        assert_eq!(err.code(), Some(10001), "{err}");
    }
    assert_eq!(proxy.count(TOKEN), 1);
    assert_eq!(proxy.count(MODIFY), 100);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_retried() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    c.region_add(&RegionTarget::page("pages/a"), "440300")
        .await
        .expect("add");
    server.clock.advance(dyopen_core::clock::Seconds::hours(2)); // the server now rejects the cached token (10100)
    c.region_add(&RegionTarget::page("pages/b"), "440300")
        .await
        .expect("add after refresh");
    assert_eq!(proxy.count(TOKEN), 2);
    assert_eq!(proxy.count(ADD), 3);
}

#[tokio::test]
async fn a_token_error_that_persists_is_returned_after_one_refresh() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    let auth =
        Fault::Body(json!({"err_no": 10100, "err_msg": "鉴权失败,access_token非法", "log_id": ""}));
    proxy.inject(ADD, [auth.clone(), auth]);
    let err = c
        .region_add(&RegionTarget::Whole, "440300")
        .await
        .expect_err("still rejected");
    assert_eq!(err.code(), Some(10100));
    assert_eq!(proxy.count(TOKEN), 2);
    assert_eq!(proxy.count(ADD), 2);
}

#[tokio::test]
async fn with_token_refresh_off_a_token_error_is_returned_as_it_came() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = Client::builder()
        .base_url(&proxy.base_url)
        .credentials(&app.appid, &app.secret)
        .retry(dyopen_client::RetryPolicy::none())
        .token_refresh(false)
        .build()
        .expect("client");
    let auth =
        Fault::Body(json!({"err_no": 10100, "err_msg": "鉴权失败,access_token非法", "log_id": ""}));
    proxy.inject(ADD, [auth]);
    let err = c
        .region_add(&RegionTarget::Whole, "440300")
        .await
        .expect_err("rejected");
    assert_eq!(err.code(), Some(10100));
    assert_eq!(proxy.count(TOKEN), 1);
    assert_eq!(proxy.count(ADD), 1);
}

#[tokio::test]
async fn raw_requests_are_sent_once_and_answered_as_received() {
    use dyopen_client::raw::{RawBody, RawRequest};
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let c = client(&proxy.base_url, &server.app().await);
    proxy.inject(ADD, [city_system_error()]);
    let req = RawRequest::post(
        ADD,
        RawBody::Json(json!({"bind_type": 1, "region_id": "440300"})),
    )
    .header("access-token", "clt.unknown");
    let answer = c.send_raw(&req).await.expect("an answer");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json().expect("json")["err_no"], 10000);
    assert_eq!(proxy.count(ADD), 1, "a system error is not retried");
    assert_eq!(proxy.count(TOKEN), 0, "no managed token");
    let answer = c
        .send_raw(&RawRequest::post("/api/nothing/here/", RawBody::Empty))
        .await
        .expect("an answer");
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn each_path_goes_to_the_host_the_table_names() {
    use dyopen_client::raw::{RawBody, RawRequest};
    use dyopen_wire::paths::{PlatformHost, OPEN_API_PATHS};
    let server = TestServer::spawn().await;
    let douyin = Proxy::start(&server.base_url).await;
    let toutiao = Proxy::start(&server.base_url).await;
    let c = Client::builder()
        .douyin_base_url(&douyin.base_url)
        .toutiao_base_url(&toutiao.base_url)
        .build()
        .expect("client");
    for (path, host) in OPEN_API_PATHS {
        c.send_raw(&RawRequest::post(path, RawBody::Json(json!({}))))
            .await
            .expect("an answer");
        let (here, there) = match host {
            PlatformHost::Douyin => (&douyin, &toutiao),
            PlatformHost::Toutiao => (&toutiao, &douyin),
        };
        assert_eq!((here.count(path), there.count(path)), (1, 0), "{path}");
    }
}

#[tokio::test]
async fn system_errors_are_retried_until_success() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    proxy.inject(ADD, [city_system_error(), city_system_error()]);
    proxy.inject(
        TOKEN,
        [Fault::Body(
            json!({"err_no": -1, "err_tips": "系统错误", "data": {}}),
        )],
    );
    let data_id = c
        .region_add(&RegionTarget::Whole, "440300")
        .await
        .expect("third try");
    assert!(data_id.starts_with("region_"));
    assert_eq!(proxy.count(ADD), 3);
    assert_eq!(proxy.count(TOKEN), 2);
}

#[tokio::test]
async fn system_errors_give_up_after_the_policy_and_keep_code_and_log_id() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    proxy.inject(ADD, std::iter::repeat_n(city_system_error(), 10));
    match c.region_add(&RegionTarget::Whole, "440300").await {
        Err(Error::Api { code, log_id, .. }) => {
            assert_eq!(code, 10000);
            assert_eq!(log_id.as_deref(), Some(LOG_ID));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(proxy.count(ADD), 1 + fast_retry().max_retries as usize);
}

#[tokio::test]
async fn business_errors_are_never_retried() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    let err = c
        .region_add(&RegionTarget::Whole, "999999")
        .await
        .expect_err("bad city");
    assert_eq!(err.code(), Some(10001));
    assert_eq!(proxy.count(ADD), 1);
}

fn timing_out_client(base_url: &str, app: &crate::helpers::Creds) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(&app.appid, &app.secret)
        .retry(fast_retry())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_non_idempotent_call_is_not_retried_after_a_timeout() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = timing_out_client(&proxy.base_url, &app);
    c.access_token().await.expect("token first");
    proxy.inject(ADD, [Fault::Hang]);
    match c.region_add(&RegionTarget::Whole, "440300").await {
        Err(Error::Transport(e)) => assert!(e.is_timeout(), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(proxy.count(ADD), 1, "sent once");
    // The server did act on it: exactly one binding, not two.
    assert_eq!(
        server
            .admin
            .list_regions(&app.appid)
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn an_idempotent_call_is_retried_after_a_timeout_or_a_5xx() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = timing_out_client(&proxy.base_url, &app);
    proxy.inject(TOKEN, [Fault::Hang, Fault::Status(502)]);
    assert!(c.access_token().await.expect("third try").starts_with("08"));
    assert_eq!(proxy.count(TOKEN), 3);
    proxy.inject(ADD, [Fault::Status(500)]);
    let err = c
        .region_add(&RegionTarget::Whole, "440300")
        .await
        .expect_err("5xx, maybe sent");
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err:?}");
    assert_eq!(proxy.count(ADD), 1);
}

/// Resolves the test host to a closed address on the lookups listed in `refuse`, else to the
/// server. With pooling off, every request makes a new connection and so a new lookup.
struct FlakyResolver {
    good: SocketAddr,
    refuse: Vec<usize>,
    lookups: AtomicUsize,
}

impl reqwest::dns::Resolve for FlakyResolver {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let n = self.lookups.fetch_add(1, Ordering::SeqCst);
        let addr = if self.refuse.contains(&n) {
            SocketAddr::from(([127, 0, 0, 2], self.good.port())) // nobody listens there
        } else {
            self.good
        };
        Box::pin(async move {
            let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(addr));
            Ok(addrs)
        })
    }
}

#[tokio::test]
async fn connection_failures_before_sending_are_retried_even_for_writes() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    // Lookups: 0, 1 token (refused twice), 2 token ok, 3 add refused, 4 add ok.
    let resolver = Arc::new(FlakyResolver {
        good: SocketAddr::from(([127, 0, 0, 1], server.port)),
        refuse: vec![0, 1, 3],
        lookups: AtomicUsize::new(0),
    });
    let http = reqwest::Client::builder()
        .dns_resolver(resolver.clone())
        .pool_max_idle_per_host(0)
        .build()
        .expect("http");
    let c = Client::builder()
        .base_url(format!("http://dyopen.test:{}", server.port))
        .credentials(&app.appid, &app.secret)
        .retry(fast_retry())
        .http_client(http)
        .build()
        .expect("client");
    c.access_token()
        .await
        .expect("token after two refused connections");
    assert_eq!(resolver.lookups.load(Ordering::SeqCst), 3);
    c.region_add(&RegionTarget::Whole, "440300")
        .await
        .expect("add after a refused connection");
    assert_eq!(resolver.lookups.load(Ordering::SeqCst), 5);
    assert_eq!(
        server
            .admin
            .list_regions(&app.appid)
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn an_unreachable_server_gives_a_transport_error_after_the_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let c = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .credentials("tt0000000000000000", "x")
        .retry(fast_retry())
        .build()
        .expect("client");
    match c.region_add(&RegionTarget::Whole, "440300").await {
        Err(Error::Transport(e)) => assert!(e.is_connect(), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_client_side_limiter_paces_calls() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = Client::builder()
        .base_url(&server.base_url)
        .credentials(&app.appid, &app.secret)
        .rate_limit(1000)
        .build()
        .expect("client");
    for _ in 0..5 {
        let err = c
            .region_modify(&RegionTarget::Whole, "440300", "440400")
            .await
            .expect_err("none bound");
        assert_eq!(err.code(), Some(10001));
    }
}

#[tokio::test]
async fn emulator_injected_system_errors_are_retried_and_seen_in_the_journal() {
    use dyopen_wire::emulator::FaultRequest;
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    for (path, count) in [(TOKEN, 1), (ADD, 2)] {
        server
            .admin
            .emulator_fault(&FaultRequest {
                path: path.into(),
                err_kind: "system_error".into(),
                count,
                delay_ms: None,
            })
            .await
            .expect("inject");
    }
    c.region_add(&RegionTarget::Whole, "440300")
        .await
        .expect("add after two system errors");
    let journal = |path: &'static str| {
        let admin = server.admin.clone();
        let appid = app.appid.clone();
        async move {
            admin
                .emulator_journal(Some(&appid), Some(path), Some(100))
                .await
                .expect("journal")
                .entries
        }
    };
    let tokens = journal("/api/apps/v2/token").await;
    assert_eq!(tokens.len(), 2);
    assert!(tokens[0].injected_fault && !tokens[1].injected_fault);
    let adds = journal("/api/product/v1/app_region_add").await;
    assert_eq!(
        adds.iter().map(|e| e.injected_fault).collect::<Vec<_>>(),
        [true, true, false]
    );
}
