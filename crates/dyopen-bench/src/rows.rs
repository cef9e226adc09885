//! The measured rows, in order: redirect over the stored links (after one sequential pass that
//! warms the cache), durable v1 URL-link generation, city-binding adds, talents updates; then
//! latency at half of dyopen's peak rate. Each throughput row alternates the baseline and dyopen
//! for `rounds` rounds and reports the median of the per-round ratios. Exactness is checked on
//! the way: visit totals equal the 302s answered, every acknowledged link is counted.

mod checks;

use crate::load::{self, Latency, OhaRequest, WrkRun};
use crate::process::Server;
use crate::seed::{self, Sizes};
use crate::Settings;
use anyhow::Context;
use checks::{quota_used, sequential_pass, visits_exact};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const ADMIN: &str = "bench-admin-token-0123456789abcdef";
/// Tasks per talents round (each gets ten chunks of ten talents).
const TASKS_PER_ROUND: usize = 50;
/// Links of the visit-exactness check.
const EXACT_LINKS: usize = 1_000;
/// Requests of the visit-exactness check.
const EXACT_REQUESTS: usize = 20_000;

/// One throughput row.
#[derive(Debug, Serialize)]
struct Row {
    name: &'static str,
    target: f64,
    baseline: Vec<WrkRun>,
    dyopen: Vec<WrkRun>,
    ratios: Vec<f64>,
    median_ratio: f64,
    dyopen_median_rate: f64,
    baseline_median_rate: f64,
}

/// One latency row: both servers at the same fixed rate.
#[derive(Debug, Serialize)]
struct LatencyRow {
    name: &'static str,
    baseline: Latency,
    dyopen: Latency,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Which tools are missing, with how to get them.
fn check_tools(s: &Settings) -> anyhow::Result<()> {
    let works = |prog: &str, arg: &str| {
        Command::new(prog)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
    };
    anyhow::ensure!(
        works(&s.wrk, "--version"),
        "wrk not found at {:?}: apt-get install wrk (scripts/bench does)",
        s.wrk
    );
    anyhow::ensure!(
        works(&s.oha, "--version"),
        "oha not found at {:?}: cargo install oha --locked (scripts/bench does)",
        s.oha
    );
    anyhow::ensure!(
        std::path::Path::new(&s.dyopen).exists(),
        "{} not found: cargo build --release -p dyopen",
        s.dyopen
    );
    Ok(())
}

/// Runs `measure` while `perf record` samples `pid` (call graphs, software CPU clock) into
/// `DIR/NAME.data`, when profiling is on.
fn profiled<T>(
    s: &Settings,
    pid: u32,
    name: &str,
    measure: impl FnOnce() -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let Some(dir) = &s.perf else {
        return measure();
    };
    std::fs::create_dir_all(dir)?;
    let file = dir.join(format!(
        "{}.data",
        name.split_whitespace().next().unwrap_or(name)
    ));
    let mut perf = Command::new("perf")
        .args([
            "record",
            "-q",
            "-e",
            "cpu-clock",
            "-F",
            "499",
            "--call-graph",
            "dwarf,16384",
            "-p",
            &pid.to_string(),
            "-o",
        ])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("perf record (apt-get install linux-perf)")?;
    let result = measure();
    Command::new("kill")
        .args(["-INT", &perf.id().to_string()])
        .status()?;
    perf.wait()?;
    eprintln!("  profile written to {}", file.display());
    result
}

/// Alternates baseline and dyopen runs (A B, B A, …).
fn alternate(
    s: &Settings,
    pid: u32,
    name: &'static str,
    target: f64,
    mut run: impl FnMut(bool, usize) -> anyhow::Result<WrkRun>,
) -> anyhow::Result<Row> {
    let rounds = s.rounds;
    // The bare baseline answers every request the same way, all of them counted (its fixed
    // JSON is no success to the scripts' checks); a `--versus` build is counted like dyopen.
    let baseline_rate = |b: &WrkRun| {
        if s.versus.is_some() {
            b.success_rate()
        } else {
            b.rps
        }
    };
    let (mut baseline, mut dyopen, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut run = |is_dyopen: bool, round: usize| {
        if is_dyopen && round + 1 == rounds {
            profiled(s, pid, name, || run(true, round))
        } else {
            run(is_dyopen, round)
        }
    };
    for round in 0..rounds {
        let (b, d) = if round % 2 == 0 {
            let b = run(false, round)?;
            (b, run(true, round)?)
        } else {
            let d = run(true, round)?;
            (run(false, round)?, d)
        };
        let ratio = d.success_rate() / baseline_rate(&b).max(1.0);
        eprintln!(
            "  {name} round {round}: baseline {:>9.0}/s  dyopen {:>9.0}/s  ratio {ratio:.2}",
            baseline_rate(&b),
            d.success_rate()
        );
        baseline.push(b);
        dyopen.push(d);
        ratios.push(ratio);
    }
    let dyopen_median_rate = median(dyopen.iter().map(WrkRun::success_rate).collect());
    let baseline_median_rate = median(baseline.iter().map(baseline_rate).collect());
    Ok(Row {
        name,
        target,
        median_ratio: median(ratios.clone()),
        baseline,
        dyopen,
        ratios,
        dyopen_median_rate,
        baseline_median_rate,
    })
}

/// `BIN serve` on `db` with default flags, logging only warnings and its start-up lines.
fn serve(bin: impl AsRef<std::ffi::OsStr>, db: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--admin-token", ADMIN])
        .args(["--database-url", db])
        .env("DYOPEN_LOG", "warn,dyopen::serve=info");
    cmd
}

/// Runs the benchmark and writes the report.
pub fn run(s: &Settings) -> anyhow::Result<()> {
    check_tools(s)?;
    let dir = tempfile::tempdir()?;
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let scripts: std::collections::HashMap<&str, PathBuf> =
        load::write_scripts(dir.path())?.into_iter().collect();
    let city_apps = usize::try_from(
        (s.rounds as u64 * u64::from(s.secs) * 20_000).div_ceil(seed::CITY_PATHS_PER_APP as u64),
    )?;
    let sizes = Sizes {
        links: s.links,
        exact_links: EXACT_LINKS,
        city_apps: if s.runs("city") { city_apps } else { 0 },
        tasks_per_round: if s.runs("talents") {
            TASKS_PER_ROUND
        } else {
            0
        },
        rounds: s.rounds,
    };
    eprintln!("seeding {db} …");
    let seeded = seed::seed(&db, dir.path(), sizes)?;

    let dyopen = Server::spawn(serve(&s.dyopen, &db), "dyopen")?;
    let bare = match &s.versus {
        None => {
            let mut cmd = Command::new(std::env::current_exe()?);
            cmd.arg("bare");
            Server::spawn(cmd, "the baseline server")?
        }
        Some(versus) => {
            let copy = dir.path().join("versus.db");
            std::fs::copy(dir.path().join("bench.db"), &copy)?;
            let wal = dir.path().join("bench.db-wal");
            if wal.exists() {
                std::fs::copy(wal, dir.path().join("versus.db-wal"))?;
            }
            let copy = format!("sqlite://{}", copy.display());
            eprintln!("baseline: {} (--versus)", versus.display());
            Server::spawn(serve(versus, &copy), "the versus build")?
        }
    };
    let rt = tokio::runtime::Runtime::new()?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    let mut rows = Vec::new();
    let mut latency = Vec::new();
    let mut checks = serde_json::Map::new();
    let mut memory = serde_json::Map::new();
    let url = |server: &Server, path: &str| format!("{}{path}", server.base);

    if s.runs("redirect") {
        let codes: Vec<String> = std::fs::read_to_string(&seeded.codes_file)?
            .lines()
            .map(str::to_owned)
            .collect();
        memory.insert("rss_mib_before_warm".into(), json!(dyopen.rss_mib()?));
        let warmed = rt.block_on(sequential_pass(&client, &dyopen.base, &codes, s.conns))?;
        anyhow::ensure!(
            warmed == codes.len(),
            "warm pass: {warmed} of {} answered 302",
            codes.len()
        );
        if s.versus.is_some() {
            let warmed = rt.block_on(sequential_pass(&client, &bare.base, &codes, s.conns))?;
            anyhow::ensure!(
                warmed == codes.len(),
                "versus warm pass: {warmed} answered 302"
            );
        }
        memory.insert("links".into(), json!(codes.len()));
        memory.insert("rss_mib_after_warm".into(), json!(dyopen.rss_mib()?));
        eprintln!(
            "warmed {} links; rss {:.0} MiB",
            codes.len(),
            dyopen.rss_mib()?
        );
        let script = &scripts["redirect"];
        let codes_arg = vec![seeded.codes_file.display().to_string(), "1".into()];
        let row = alternate(s, dyopen.pid(), "redirect", 0.9, |is_dyopen, _| {
            let target = if is_dyopen { &dyopen } else { &bare };
            let run = load::wrk(
                &s.wrk,
                &url(target, "/"),
                script,
                s.conns,
                s.secs,
                &codes_arg,
            )?;
            anyhow::ensure!(run.non_2xx_3xx == 0, "redirects that were not 302: {run:?}");
            Ok(run)
        })?;
        memory.insert("rss_mib_after_redirects".into(), json!(dyopen.rss_mib()?));
        let rate = row.dyopen_median_rate / 2.0;
        let urls_of = |server: &Server, name: &str| -> anyhow::Result<PathBuf> {
            let file = dir.path().join(name);
            let text: String = codes
                .iter()
                .step_by((codes.len() / 100_000).max(1))
                .map(|c| format!("{}/{c}\n", server.base))
                .collect();
            std::fs::write(&file, text)?;
            Ok(file)
        };
        let (bare_urls, dyopen_urls) = (
            urls_of(&bare, "bare-urls.txt")?,
            urls_of(&dyopen, "dyopen-urls.txt")?,
        );
        latency.push(LatencyRow {
            name: "redirect",
            baseline: load::oha(
                &s.oha,
                &OhaRequest::get_each(&bare_urls),
                rate,
                s.conns,
                s.latency_secs,
            )?,
            dyopen: load::oha(
                &s.oha,
                &OhaRequest::get_each(&dyopen_urls),
                rate,
                s.conns,
                s.latency_secs,
            )?,
        });
        rows.push(row);
        checks.insert(
            "visits_exact".into(),
            rt.block_on(visits_exact(&client, &dyopen.base, &seeded))?,
        );
    }

    if s.runs("generate") {
        let path = "/api/apps/v1/url_link/generate/";
        let body =
            json!({"app_id": seeded.gen_app, "app_name": "douyin", "path": "pages/index/index",
            "query": "{\"id\":\"1\"}", "expire_time": now_secs() + 86_400})
            .to_string();
        let used_before = rt.block_on(quota_used(&client, &dyopen.base, &seeded))?;
        let args = vec![seeded.gen_token.clone(), body.clone()];
        let script = &scripts["generate"];
        let row = alternate(
            s,
            dyopen.pid(),
            "generate (v1, durable)",
            0.3,
            |is_dyopen, _| {
                let target = if is_dyopen { &dyopen } else { &bare };
                load::wrk(&s.wrk, &url(target, path), script, s.conns, s.secs, &args)
            },
        )?;
        let used = rt.block_on(quota_used(&client, &dyopen.base, &seeded))? - used_before;
        let acked: u64 = row.dyopen.iter().filter_map(|r| r.successes).sum();
        let unread_bound = u64::from(s.conns) * s.rounds as u64;
        checks.insert(
            "every_acknowledged_link_counted".into(),
            json!({"acknowledged": acked, "url_link_used": used,
                "ok": used >= acked && used - acked <= unread_bound,
                "note": "url_link_used may exceed the acknowledged answers by the requests in flight when wrk stopped (at most connections × rounds)"}),
        );
        anyhow::ensure!(
            used >= acked,
            "only {used} links counted for {acked} acknowledged generations"
        );
        let rate = row.dyopen_median_rate / 2.0;
        let headers = vec![format!("access-token: {}", seeded.gen_token)];
        let (bare_url, dyopen_url) = (url(&bare, path), url(&dyopen, path));
        let req = |u| OhaRequest::post(u, &headers, &body);
        latency.push(LatencyRow {
            name: "generate",
            baseline: load::oha(&s.oha, &req(&bare_url), rate, s.conns, s.latency_secs)?,
            dyopen: load::oha(&s.oha, &req(&dyopen_url), rate, s.conns, s.latency_secs)?,
        });
        rows.push(row);
    }

    if s.runs("city") {
        let path = "/api/product/v1/app_region_add/";
        let script = &scripts["city"];
        let used = AtomicUsize::new(1);
        let row = alternate(
            s,
            dyopen.pid(),
            "city binding adds",
            0.05,
            |is_dyopen, _| {
                let target = if is_dyopen { &dyopen } else { &bare };
                let from = used.load(Ordering::Relaxed);
                let args = vec![seeded.city_file.display().to_string(), from.to_string()];
                let run = load::wrk(&s.wrk, &url(target, path), script, s.conns, s.secs, &args)?;
                // Targets a dyopen build has bound are not offered again (each build has its
                // own database; the bare baseline binds nothing).
                if is_dyopen || s.versus.is_some() {
                    used.fetch_add(run.requests as usize + s.conns as usize, Ordering::Relaxed);
                    anyhow::ensure!(
                        used.load(Ordering::Relaxed) <= seeded.city_lines,
                        "city binding ran out of fresh targets: raise the seeded apps"
                    );
                }
                Ok(run)
            },
        )?;
        rows.push(row);
    }

    if s.runs("talents") {
        let path = "/api/apps/taskbox/update_orient_talents/";
        let script = &scripts["talents"];
        let row = alternate(
            s,
            dyopen.pid(),
            "talents updates",
            0.05,
            |is_dyopen, round| {
                let target = if is_dyopen { &dyopen } else { &bare };
                let args = vec![
                    seeded.talents_token.clone(),
                    seeded.talents_app.clone(),
                    seeded.task_files[round].display().to_string(),
                ];
                load::wrk(&s.wrk, &url(target, path), script, s.conns, s.secs, &args)
            },
        )?;
        rows.push(row);
    }

    memory.insert("rss_mib_at_end".into(), json!(dyopen.rss_mib()?));
    dyopen.stop()?;
    drop(bare);
    print(&rows, &latency, &memory, &checks);
    let report = json!({
        "settings": {"links": s.links, "rounds": s.rounds, "secs": s.secs, "conns": s.conns,
            "latency_secs": s.latency_secs, "versus": s.versus, "cores": std::thread::available_parallelism()?.get()},
        "rows": rows, "latency": latency, "memory": memory, "checks": checks,
    });
    if let Some(parent) = s.report.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&s.report, serde_json::to_string_pretty(&report)?)?;
    eprintln!("report written to {}", s.report.display());
    Ok(())
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn print(
    rows: &[Row],
    latency: &[LatencyRow],
    memory: &serde_json::Map<String, Value>,
    checks: &serde_json::Map<String, Value>,
) {
    println!(
        "\n{:<26} {:>12} {:>12} {:>8} {:>8}",
        "row", "baseline/s", "dyopen/s", "ratio", "target"
    );
    for r in rows {
        println!(
            "{:<26} {:>12.0} {:>12.0} {:>7.2}x {:>7.2}x",
            r.name, r.baseline_median_rate, r.dyopen_median_rate, r.median_ratio, r.target
        );
    }
    println!(
        "\n{:<12} {:>10} {:>14} {:>14}",
        "latency", "rate/s", "baseline p50/p99", "dyopen p50/p99"
    );
    for l in latency {
        println!(
            "{:<12} {:>10.0} {:>7.2}/{:<6.2}ms {:>7.2}/{:<6.2}ms",
            l.name,
            l.dyopen.rate,
            l.baseline.p50_ms,
            l.baseline.p99_ms,
            l.dyopen.p50_ms,
            l.dyopen.p99_ms
        );
    }
    println!("\nmemory: {}", Value::Object(memory.clone()));
    println!("checks: {}", Value::Object(checks.clone()));
}
