//! Links under SPEC §8's bounds: the byte-bounded cache obeys the Clock whatever it holds, the
//! visit flush is exact across many codes and two instances, and a link batch whose COMMIT
//! answer is lost (a TCP proxy between the server and PostgreSQL drops it) is written once.

use dyopen_testkit::*;
use futures::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LEGACY: &str = "/api/apps/url_link/generate";
const QUOTA: &str = "/api/apps/v1/url_link/query_quota/";
const HOUR: i64 = 3_600;

backend_tests!(
    a_cached_link_answers_as_the_clock_says_in_both_directions,
    visit_totals_are_exact_after_flushes_across_many_codes_and_two_instances,
);

async fn status_of(app: &TestApp, path: &str) -> u16 {
    app.http
        .get(format!("{}{path}", app.base_url))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

async fn generate(app: &TestApp, appid: &str, token: &str, expire_time: i64) -> String {
    let body = json!({"ma_app_id": appid, "app_name": "douyin", "expire_time": expire_time});
    let (status, v) = app.post(LEGACY, Some(token), &body).await;
    assert_eq!((status, &v["err_no"]), (200, &json!(0)), "{v}");
    let url = v["url_link"].as_str().expect("url_link");
    format!("/{}", url.rsplit('/').next().expect("code"))
}

async fn a_cached_link_answers_as_the_clock_says_in_both_directions(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, token) = app.app_with_token().await;
    let path = generate(&app, &mini.appid, &token, T0 + HOUR).await;
    // The generating instance cached the link at once; another one caches it on first use.
    let other = app.second_instance().await;
    assert_eq!(status_of(&app, &path).await, 302);
    assert_eq!(status_of(&other, &path).await, 302);
    app.advance(HOUR);
    assert_eq!(
        status_of(&app, &path).await,
        410,
        "cached, but expired by the Clock"
    );
    assert_eq!(status_of(&other, &path).await, 410);
    // An instance that first meets the link after its expiry caches it too.
    let third = app.second_instance().await;
    assert_eq!(status_of(&third, &path).await, 410);
    // The emulator clock moved back: the same cached entries resolve again.
    app.clock.set(dyopen_core::Timestamp::from_secs(T0 + 10));
    for instance in [&app, &other, &third] {
        assert_eq!(status_of(instance, &path).await, 302);
    }
}

/// An app with `n` links made by a fixture; their paths (`/code`).
async fn seeded_links(app: &TestApp, n: usize) -> (String, Vec<String>) {
    let links: Vec<Value> = (0..n).map(|_| json!({"expire_time": T0 + HOUR})).collect();
    let fixture =
        json!({"apps": [{"name": "visits", "pages": ["pages/index/index"], "links": links}]});
    let res = app
        .http
        .post(format!("{}/_emulator/v1/seed", app.base_url))
        .json(&fixture)
        .send()
        .await
        .expect("seed");
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.expect("json");
    let appid = v["apps"][0]["appid"].as_str().expect("appid").to_owned();
    let paths = v["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            let url = l["url_link"].as_str().expect("url");
            format!("/{}", url.rsplit('/').next().expect("code"))
        })
        .collect();
    (appid, paths)
}

/// Visits per code as the admin listing reports them (which flushes that instance first).
async fn listed_visits(app: &TestApp, appid: &str) -> std::collections::HashMap<String, i64> {
    let mut out = std::collections::HashMap::new();
    for page in 1.. {
        let (status, v) = app
            .admin(
                Method::GET,
                &format!("/apps/{appid}/links?page={page}&page_size=200"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let items = v["items"].as_array().expect("items");
        if items.is_empty() {
            break;
        }
        for l in items {
            out.insert(
                format!("/{}", l["code"].as_str().expect("code")),
                l["visits"].as_i64().expect("visits"),
            );
        }
    }
    out
}

async fn visit_totals_are_exact_after_flushes_across_many_codes_and_two_instances(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    let (appid, paths) = seeded_links(&app, 300).await;
    let mut requests = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        for k in 0..(i % 4 + 1) {
            requests.push((if (i + k) % 2 == 0 { &app } else { &other }, path.clone()));
        }
    }
    let answered: Vec<u16> = futures::stream::iter(requests.iter())
        .map(|(instance, path)| status_of(instance, path))
        .buffer_unordered(32)
        .collect()
        .await;
    assert!(answered.iter().all(|s| *s == 302));
    // The second instance's counts reach the database through its own flush.
    listed_visits(&other, &appid).await;
    let listed = listed_visits(&app, &appid).await;
    assert_eq!(listed.len(), paths.len());
    for (i, path) in paths.iter().enumerate() {
        assert_eq!(
            listed[path],
            i64::try_from(i % 4 + 1).expect("small"),
            "{path}"
        );
    }
    let total: i64 = listed.values().sum();
    assert_eq!(total, i64::try_from(requests.len()).expect("small"));
}

/// A TCP proxy to PostgreSQL that, once armed, lets the next `COMMIT` through and then drops
/// the server's answer and closes both sides: the commit happened, the client cannot know.
struct CommitCutter {
    addr: std::net::SocketAddr,
    armed: Arc<AtomicBool>,
    cuts: Arc<AtomicUsize>,
}

/// A simple-query `COMMIT` message as sqlx sends it.
const COMMIT_MSG: &[u8] = b"Q\0\0\0\x0bCOMMIT\0";

impl CommitCutter {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("addr");
        let (armed, cuts) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicUsize::new(0)),
        );
        let (a, c) = (armed.clone(), cuts.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(pump(client, server, a.clone(), c.clone()));
            }
        });
        Self { addr, armed, cuts }
    }
}

async fn pump(
    client: TcpStream,
    server: TcpStream,
    armed: Arc<AtomicBool>,
    cuts: Arc<AtomicUsize>,
) {
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut server_rd, mut server_wr) = server.into_split();
    let cutting = Arc::new(AtomicBool::new(false));
    let to_server = {
        let cutting = cutting.clone();
        async move {
            let mut buf = vec![0u8; 64 << 10];
            loop {
                let n = match client_rd.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                let chunk = &buf[..n];
                if chunk.windows(COMMIT_MSG.len()).any(|w| w == COMMIT_MSG)
                    && armed.swap(false, Ordering::SeqCst)
                {
                    cutting.store(true, Ordering::SeqCst);
                }
                if server_wr.write_all(chunk).await.is_err() {
                    return;
                }
            }
        }
    };
    let to_client = async move {
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match server_rd.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if cutting.load(Ordering::SeqCst) {
                // COMMIT's answer (CommandComplete, ReadyForQuery) arrived: it committed. Drop it.
                cuts.fetch_add(1, Ordering::SeqCst);
                return;
            }
            if client_wr.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    // Whichever direction ends first ends the connection (both halves are dropped).
    tokio::select! {
        () = to_server => {}
        () = to_client => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_batch_whose_commit_answer_is_lost_is_written_once() {
    let Some(base) = skip_unless_set("DYOPEN_TEST_PG_URL", "DYOPEN_REQUIRE_PG", "PostgreSQL case")
    else {
        return;
    };
    // postgres://user@host:port/db…: the proxy stands in for host:port.
    let after_at = base.split_once('@').map_or(base.as_str(), |(_, rest)| rest);
    let host_port = after_at.split(['/', '?']).next().expect("host").to_owned();
    let cutter = CommitCutter::start(host_port.clone()).await;
    let proxied = cutter.addr.to_string();
    let app = TestApp::spawn_with(Backend::Postgres, move |c| {
        c.database_url = c.database_url.replacen(&host_port, &proxied, 1);
    })
    .await
    .expect("postgres configured");
    let (mini, token) = app.app_with_token().await;
    cutter.armed.store(true, Ordering::SeqCst);
    let path = generate(&app, &mini.appid, &token, T0 + HOUR).await;
    assert_eq!(
        cutter.cuts.load(Ordering::SeqCst),
        1,
        "the batch's COMMIT answer was dropped"
    );
    let listed = listed_visits(&app, &mini.appid).await;
    assert_eq!(
        listed.keys().collect::<Vec<_>>(),
        vec![&path],
        "one link, the one answered"
    );
    let (_, quota) = app
        .post(QUOTA, Some(&token), &json!({"app_id": mini.appid}))
        .await;
    assert_eq!(quota["data"]["url_link_used"], 1, "counted once: {quota}");
    assert_eq!(status_of(&app, &path).await, 302);
}
