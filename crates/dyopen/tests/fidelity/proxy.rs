//! `dyopen proxy` in front of two stand-in hosts: each path reaches the host the path-to-host
//! table names, answers (redirects included) come back unchanged, and every pair is recorded
//! with its secrets masked in bodies, forms, queries and headers.

use crate::common;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use dyopen_wire::recording::{Body as Recorded, Exchange};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// What a stand-in host received: path, query, `access-token` header, body.
type Seen = Arc<Mutex<Vec<(String, Option<String>, Option<String>, String)>>>;

/// A stand-in host: notes what it received, answers which host it is (with a token in the
/// answer, as the token endpoints do); `GET /{code}` redirects.
async fn host(State((name, seen)): State<(&'static str, Seen)>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.expect("body");
    let token = parts
        .headers
        .get("access-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    seen.lock().expect("lock").push((
        parts.uri.path().to_owned(),
        parts.uri.query().map(str::to_owned),
        token,
        String::from_utf8_lossy(&bytes).into_owned(),
    ));
    if parts.method == "GET" {
        return Response::builder()
            .status(StatusCode::FOUND)
            .header("location", "snssdk1128://microapp?app_id=tt1")
            .body(Body::empty())
            .expect("response");
    }
    let answer = json!({"host": name, "data": {"access_token": "clt.issued0123456789"}});
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(answer.to_string()))
        .expect("response")
}

async fn start_host(name: &'static str) -> (String, Seen) {
    let seen = Seen::default();
    let app = axum::Router::new()
        .fallback(host)
        .with_state((name, seen.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proxy_forwards_by_path_and_records_without_secrets() {
    let (douyin, douyin_seen) = start_host("douyin").await;
    let (toutiao, toutiao_seen) = start_host("toutiao").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("rec");
    let mut cmd = common::dyopen();
    cmd.args(["proxy", "--listen", "127.0.0.1:0", "--record"])
        .arg(&record)
        .args(["--douyin-upstream", &douyin, "--toutiao-upstream", &toutiao]);
    let proxy = tokio::task::spawn_blocking(move || common::Server::spawn(cmd))
        .await
        .expect("proxy");
    let base = proxy.base_url.clone();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let v2: Value = http
        .post(format!("{base}/api/apps/v2/token"))
        .json(&json!({"appid": "tt1", "secret": "s3cret-v2", "grant_type": "client_credential"}))
        .send()
        .await
        .expect("v2")
        .json()
        .await
        .expect("json");
    assert_eq!(v2["host"], "toutiao");
    let client: Value = http
        .post(format!("{base}//oauth/client_token/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_key=tt1&client%5Fsecret=s3cret-form")
        .send()
        .await
        .expect("client token")
        .json()
        .await
        .expect("json");
    assert_eq!(client["host"], "douyin");
    let talents: Value = http
        .post(format!(
            "{base}/api/apps/taskbox/update_orient_talents/?access_token=08querytoken&x=1"
        ))
        .header("access-token", "08headertoken")
        .json(&json!({"access_token": "08bodytoken", "appid": "tt1"}))
        .send()
        .await
        .expect("talents")
        .json()
        .await
        .expect("json");
    assert_eq!(talents["host"], "toutiao");
    let hop = http
        .get(format!("{base}/Ab3dE9x"))
        .send()
        .await
        .expect("link");
    assert_eq!(hop.status(), 302, "redirects are passed back, not followed");
    assert_eq!(
        hop.headers()["location"],
        "snssdk1128://microapp?app_id=tt1"
    );

    // Forwarded unchanged: path, query, token header and body.
    let got = toutiao_seen.lock().expect("lock").clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0, "/api/apps/taskbox/update_orient_talents/");
    assert_eq!(got[1].1.as_deref(), Some("access_token=08querytoken&x=1"));
    assert_eq!(got[1].2.as_deref(), Some("08headertoken"));
    assert!(got[1].3.contains("08bodytoken"));
    let got = douyin_seen.lock().expect("lock").clone();
    assert_eq!(got[0].0, "//oauth/client_token/");
    assert_eq!(got[0].3, "client_key=tt1&client%5Fsecret=s3cret-form");

    let mut exchanges = Vec::new();
    for entry in std::fs::read_dir(&record).expect("record dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        for secret in [
            "s3cret-v2",
            "s3cret-form",
            "08querytoken",
            "08headertoken",
            "08bodytoken",
            "clt.issued",
        ] {
            assert!(!text.contains(secret), "{secret} in a recording:\n{text}");
        }
        exchanges.push(serde_json::from_str::<Exchange>(&text).expect("a recording"));
    }
    exchanges.sort_by_key(|e| e.seq);
    let seen: Vec<(u64, &str, &str, u16)> = exchanges
        .iter()
        .map(|e| {
            (
                e.seq,
                e.request.path.as_str(),
                e.upstream.as_str(),
                e.response.status,
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, "/api/apps/v2/token", toutiao.as_str(), 200),
            (2, "//oauth/client_token/", douyin.as_str(), 200),
            (
                3,
                "/api/apps/taskbox/update_orient_talents/",
                toutiao.as_str(),
                200
            ),
            (4, "/Ab3dE9x", douyin.as_str(), 302),
        ]
    );
    let talents = &exchanges[2].request;
    assert_eq!(talents.query, "access_token=***&x=1");
    assert_eq!(talents.headers["access-token"], "***");
    assert_eq!(
        talents.body,
        Recorded::Json(json!({"access_token": "***", "appid": "tt1"}))
    );
    assert_eq!(
        exchanges[1].request.body,
        Recorded::Text("client_key=tt1&client%5Fsecret=***".into())
    );
}
