//! `cargo run --release -p dyopen-bench`: redirect and generation throughput of dyopen, each as
//! a ratio to a minimal axum server measured in the same run with the same load generator.
//!
//! Settings (environment): `BENCH_ROUNDS` alternating rounds (default 6) of `BENCH_SECS` per
//! server (default 1), `BENCH_CONNS` concurrent (default 128)
//! connections (default 64), `BENCH_LINKS` stored links (default 100000). See `docs/bench.md`.

use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use dyopen_core::link::{GenerateLink, Host};
use dyopen_server::{Application, Config};
use dyopen_wire::admin::CreateAppRequest;
use rand::Rng;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `conns` workers for `secs`, each calling `call(i)` in a loop; returns successes per second.
async fn drive<F, Fut>(conns: u64, secs: u64, call: F) -> f64
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let ok = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let workers: Vec<_> = (0..conns)
        .map(|w| {
            let (call, ok) = (call.clone(), ok.clone());
            tokio::spawn(async move {
                let mut i = w;
                while Instant::now() < deadline {
                    if call(i).await {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    i += conns;
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    ok.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// Measures `baseline` and `subject` in alternating rounds (A B, then B A, …) so that drift in
/// the machine's speed hits both alike; returns the mean rates and the median per-round ratio.
async fn compare<A, AF, B, BF>(rounds: u64, baseline: A, subject: B) -> (f64, f64, f64)
where
    A: Fn() -> AF,
    AF: std::future::Future<Output = f64>,
    B: Fn() -> BF,
    BF: std::future::Future<Output = f64>,
{
    let (mut base_sum, mut subject_sum, mut ratios) = (0.0, 0.0, Vec::new());
    for round in 0..rounds.max(1) {
        let (b, s) = if round % 2 == 0 {
            let b = baseline().await;
            (b, subject().await)
        } else {
            let s = subject().await;
            (baseline().await, s)
        };
        base_sum += b;
        subject_sum += s;
        ratios.push(s / b.max(1.0));
    }
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len() as f64;
    (base_sum / n, subject_sum / n, ratios[ratios.len() / 2])
}

fn baseline() -> Router {
    Router::new()
        .route(
            "/{code}",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [
                        (header::LOCATION, "snssdk1128://microapp?version=v2&app_id=tt0123456789abcdef&scene=0&version_type=current&start_page=pages%2Findex%2Findex"),
                        (header::CACHE_CONTROL, "no-store"),
                    ],
                )
            }),
        )
        .route(
            "/json",
            post(|Json(_body): Json<Value>| async {
                Json(json!({"err_no": 0, "err_tips": "", "url_link": "http://127.0.0.1/AAAAAAA"}))
            }),
        )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (secs, conns, links, rounds) = (
        env_or("BENCH_SECS", 1),
        env_or("BENCH_CONNS", 128),
        env_or("BENCH_LINKS", 100_000),
        env_or("BENCH_ROUNDS", 6),
    );
    let dir = tempfile::tempdir()?;
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let app = Application::build(Config::new(&db, "bench-admin")).await?;
    let base = format!("http://{}", app.addr());
    let state = app.state().clone();
    let req = CreateAppRequest {
        name: "bench".into(),
        pages: vec!["pages/index/index".into()],
        qps_limit: Some(1 << 40),
        daily_link_quota: Some(1 << 40),
    };
    let demo = dyopen_server::admin::create_app(&state, req)
        .await
        .map_err(|e| anyhow::anyhow!("creating the bench app: {e:?}"))?;
    let appid = demo.app.appid.clone();

    // Store the links through the same group-commit writer generation uses.
    let seeded = Instant::now();
    let stored_app = state
        .store
        .get_app(&dyopen_core::app::AppId::parse(&appid).map_err(anyhow::Error::msg)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("bench app vanished"))?;
    let now = state.clock.now();
    let cmd = GenerateLink {
        named_app: appid.clone(),
        host: Host::Douyin,
        path: String::new(),
        query: r#"{"id":"1"}"#.into(),
        expire_time: now.secs() + 86_400,
    };
    let new = cmd
        .plan(&stored_app, now)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut codes = Vec::with_capacity(links as usize);
    for chunk in 0..links.div_ceil(1_000) {
        let n = (links - chunk * 1_000).min(1_000);
        let inserts = (0..n).map(|_| state.store.insert_link(&new, now.shanghai_day(), 1 << 40));
        for link in futures::future::join_all(inserts).await {
            codes.push(link.map_err(|e| anyhow::anyhow!("{e}"))?.code.to_string());
        }
    }
    println!(
        "stored {} links in {:.1} s",
        codes.len(),
        seeded.elapsed().as_secs_f64()
    );
    // Warm the redirect cache in process (one store read per link); the measured phase then
    // shows the warm path, which does no database query.
    let warmed = Instant::now();
    for chunk in codes.chunks(1_000) {
        let loads = chunk
            .iter()
            .filter_map(|c| dyopen_core::link::LinkCode::parse(c))
            .map(|code| {
                let state = state.clone();
                async move {
                    state
                        .links
                        .cache
                        .resolve(&state, &code)
                        .await
                        .map(|l| l.is_some())
                }
            });
        for found in futures::future::join_all(loads).await {
            anyhow::ensure!(found?, "a stored link did not resolve");
        }
    }
    println!(
        "warmed the link cache in {:.1} s",
        warmed.elapsed().as_secs_f64()
    );
    tokio::spawn(app.run_until_stopped());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_min = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, baseline()).await });

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(conns as usize)
        .build()?;
    let codes = Arc::new(codes);

    let redirect = |target: String| {
        let (client, codes) = (client.clone(), codes.clone());
        move |i: u64| {
            let url = format!("{target}/{}", codes[(i as usize * 7919) % codes.len()]);
            let client = client.clone();
            async move {
                matches!(client.get(url).send().await, Ok(r) if r.status() == StatusCode::FOUND)
            }
        }
    };
    let (minimal_redirect, dyopen_redirect, redirect_ratio) = compare(
        rounds,
        || drive(conns, secs, redirect(base_min.clone())),
        || drive(conns, secs, redirect(base.clone())),
    )
    .await;

    let (body_app, now_secs) = (appid.clone(), now.secs());
    let body = move |i: u64| {
        json!({"ma_app_id": body_app, "app_name": "douyin", "path": "pages/index/index",
            "query": format!("{{\"n\":{i}}}"), "expire_time": now_secs + 3_600 + rand::thread_rng().gen_range(0..3_600)})
    };
    let token: Value = client
        .post(format!("{base}/api/apps/v2/token"))
        .json(&json!({"appid": appid, "secret": demo.secret, "grant_type": "client_credential"}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["data"]["access_token"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no token: {token}"))?
        .to_owned();
    let post_json = |url: String, token: String| {
        let (client, body) = (client.clone(), body.clone());
        move |i: u64| {
            let req = client
                .post(&url)
                .header("access-token", token.as_str())
                .json(&body(i));
            async move {
                match req.send().await {
                    Ok(r) => matches!(r.json::<Value>().await, Ok(v) if v["err_no"] == 0),
                    Err(_) => false,
                }
            }
        }
    };
    let (minimal_json, dyopen_generate, generate_ratio) = compare(
        rounds,
        || {
            drive(
                conns,
                secs,
                post_json(format!("{base_min}/json"), token.clone()),
            )
        },
        || {
            drive(
                conns,
                secs,
                post_json(format!("{base}/api/apps/url_link/generate"), token.clone()),
            )
        },
    )
    .await;

    println!(
        "connections {conns}, {rounds} rounds of {secs} s per server, {} stored links",
        codes.len()
    );
    println!("redirect:   minimal axum {minimal_redirect:>9.0}/s   dyopen {dyopen_redirect:>9.0}/s   median ratio {redirect_ratio:.2}x (target >= 0.8x)");
    println!("generation: minimal axum {minimal_json:>9.0}/s   dyopen {dyopen_generate:>9.0}/s   median ratio {generate_ratio:.2}x (target >= 0.3x, SQLite, durable)");
    Ok(())
}
