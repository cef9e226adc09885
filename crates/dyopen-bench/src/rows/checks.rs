//! The exactness checks of a bench run, over HTTP against the measured dyopen: visit totals grow
//! by exactly the 302s answered (read through the admin listing, which flushes and settles
//! first), and `url_link_used` covers every acknowledged generation. Also the sequential pass
//! that warms the link cache.

use crate::seed::Seeded;
use anyhow::Context;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::{ADMIN, EXACT_REQUESTS};

/// GETs every code once, in order, over `conns` connections; how many answered 302.
pub(super) async fn sequential_pass(
    client: &reqwest::Client,
    base: &str,
    codes: &[String],
    conns: u32,
) -> anyhow::Result<usize> {
    let next = Arc::new(AtomicUsize::new(0));
    let found = Arc::new(AtomicUsize::new(0));
    let codes: Arc<Vec<String>> = Arc::new(codes.to_vec());
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..conns {
        let (client, base, next, found, codes) = (
            client.clone(),
            base.to_owned(),
            next.clone(),
            found.clone(),
            codes.clone(),
        );
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(code) = codes.get(i) else { break };
                let res = client.get(format!("{base}/{code}")).send().await?;
                if res.status() == reqwest::StatusCode::FOUND {
                    found.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok::<_, reqwest::Error>(())
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    Ok(found.load(Ordering::Relaxed))
}

/// The visits of the exactness app's links (the admin listing flushes pending visits first).
async fn exact_visits(client: &reqwest::Client, base: &str, appid: &str) -> anyhow::Result<i64> {
    let mut total = 0;
    for page in 1.. {
        let v: Value = client
            .get(format!(
                "{base}/admin/v1/apps/{appid}/links?page={page}&page_size=200"
            ))
            .bearer_auth(ADMIN)
            .send()
            .await?
            .json()
            .await?;
        let items = v["items"].as_array().context("links page")?;
        total += items
            .iter()
            .filter_map(|l| l["visits"].as_i64())
            .sum::<i64>();
        if items.len() < 200 {
            break;
        }
    }
    Ok(total)
}

/// Visits are exact: after a flush, the stored totals grew by exactly the 302s answered.
pub(super) async fn visits_exact(
    client: &reqwest::Client,
    base: &str,
    seeded: &Seeded,
) -> anyhow::Result<Value> {
    let before = exact_visits(client, base, &seeded.exact_app).await?;
    let codes: Vec<String> = (0..EXACT_REQUESTS)
        .map(|i| seeded.exact_codes[i % seeded.exact_codes.len()].clone())
        .collect();
    let answered = sequential_pass(client, base, &codes, 64).await?;
    let after = exact_visits(client, base, &seeded.exact_app).await?;
    let ok = i64::try_from(answered)? == after - before;
    anyhow::ensure!(
        ok,
        "visits grew by {} for {answered} redirects",
        after - before
    );
    Ok(json!({"redirects_answered": answered, "visits_counted": after - before, "ok": ok}))
}

/// `url_link_used` of the generation app today.
pub(super) async fn quota_used(
    client: &reqwest::Client,
    base: &str,
    seeded: &Seeded,
) -> anyhow::Result<u64> {
    let v: Value = client
        .post(format!("{base}/api/apps/v1/url_link/query_quota/"))
        .header("access-token", &seeded.gen_token)
        .json(&json!({"app_id": seeded.gen_app}))
        .send()
        .await?
        .json()
        .await?;
    v["data"]["url_link_used"]
        .as_u64()
        .with_context(|| format!("query_quota: {v}"))
}
