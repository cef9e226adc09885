//! The external load generators: `wrk` (one thread, a Lua script choosing each request) for
//! throughput, `oha` (a fixed rate with latency correction) for latency percentiles. They run as
//! their own processes, so the load generator's CPU is visible to the OS scheduler like the
//! servers' and the ratio is not flattered by sharing a runtime with the server.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Lua scripts; `success.lua` is prepended to the POST scripts (it counts successes).
const SUCCESS: &str = include_str!("../lua/success.lua");
const SCRIPTS: [(&str, &str); 4] = [
    ("redirect", include_str!("../lua/redirect.lua")),
    ("generate", include_str!("../lua/generate.lua")),
    ("city", include_str!("../lua/city.lua")),
    ("talents", include_str!("../lua/talents.lua")),
];

/// Writes the scripts into `dir`; the path of each by name.
pub fn write_scripts(dir: &Path) -> anyhow::Result<Vec<(&'static str, PathBuf)>> {
    SCRIPTS
        .iter()
        .map(|(name, body)| {
            let path = dir.join(format!("{name}.lua"));
            let text = if *name == "redirect" {
                (*body).to_owned()
            } else {
                format!("{SUCCESS}\n{body}")
            };
            std::fs::write(&path, text)?;
            Ok((*name, path))
        })
        .collect()
}

/// What one wrk run measured.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct WrkRun {
    /// Completed requests per second.
    pub rps: f64,
    /// Completed requests.
    pub requests: u64,
    /// Answers with a status outside 2xx/3xx.
    pub non_2xx_3xx: u64,
    /// Socket errors (connect, read, write, timeout).
    pub socket_errors: u64,
    /// Successes counted by the script (`None` for scripts that count none).
    pub successes: Option<u64>,
    /// Seconds it ran.
    pub secs: f64,
}

impl WrkRun {
    /// Successes per second, or completed requests per second when the script counts none.
    pub fn success_rate(&self) -> f64 {
        match self.successes {
            Some(n) => n as f64 / self.secs.max(1e-9),
            None => self.rps,
        }
    }
}

/// Runs `wrk -t1 -cCONNS -dSECS -s SCRIPT URL -- ARGS`.
pub fn wrk(
    wrk: &str,
    url: &str,
    script: &Path,
    conns: u32,
    secs: u32,
    args: &[String],
) -> anyhow::Result<WrkRun> {
    let out = Command::new(wrk)
        .args([
            "-t1",
            &format!("-c{conns}"),
            &format!("-d{secs}s"),
            "--timeout",
            "10s",
        ])
        .arg("-s")
        .arg(script)
        .arg(url)
        .arg("--")
        .args(args)
        .output()
        .with_context(|| format!("running {wrk} (install it: apt-get install wrk)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        out.status.success(),
        "wrk failed: {}{}",
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    parse_wrk(&text, f64::from(secs))
}

fn number_after(text: &str, label: &str) -> Option<f64> {
    let at = text.find(label)? + label.len();
    text[at..]
        .split_whitespace()
        .next()?
        .trim_end_matches(',')
        .parse()
        .ok()
}

fn parse_wrk(text: &str, secs: f64) -> anyhow::Result<WrkRun> {
    let rps = number_after(text, "Requests/sec:").context("no Requests/sec in wrk's output")?;
    // "123456 requests in 5.00s, …"
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .context("no request count in wrk's output")?;
    let socket_errors = text
        .lines()
        .find(|l| l.contains("Socket errors:"))
        .map(|l| {
            l.split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Ok(WrkRun {
        rps,
        requests,
        non_2xx_3xx: number_after(text, "Non-2xx or 3xx responses:").unwrap_or(0.0) as u64,
        socket_errors,
        successes: number_after(text, "successes:").map(|n| n as u64),
        secs,
    })
}

/// Latency percentiles of one oha run, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Latency {
    /// The rate held, requests per second.
    pub rate: f64,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Share of answers that were successful (2xx/3xx).
    pub success_rate: f64,
}

/// A request for oha.
pub struct OhaRequest<'a> {
    /// The URL.
    pub url: &'a str,
    /// `GET` or `POST`.
    pub method: &'a str,
    /// Extra headers (`name: value`).
    pub headers: &'a [String],
    /// A body, for POST.
    pub body: Option<&'a str>,
}

impl<'a> OhaRequest<'a> {
    /// `GET url`.
    pub fn get(url: &'a str) -> Self {
        Self {
            url,
            method: "GET",
            headers: &[],
            body: None,
        }
    }
    /// `POST url` with a JSON body.
    pub fn post(url: &'a str, headers: &'a [String], body: &'a str) -> Self {
        Self {
            url,
            method: "POST",
            headers,
            body: Some(body),
        }
    }
}

/// Holds `rate` requests per second for `secs` over `conns` connections with latency correction
/// (coordinated omission), and reads p50/p99 from oha's JSON.
pub fn oha(
    oha: &str,
    req: &OhaRequest<'_>,
    rate: f64,
    conns: u32,
    secs: u32,
) -> anyhow::Result<Latency> {
    let mut cmd = Command::new(oha);
    cmd.args([
        "--no-tui",
        "-j",
        "-z",
        &format!("{secs}s"),
        "-c",
        &conns.to_string(),
        "-q",
        &format!("{}", rate.max(1.0).round()),
        "--latency-correction",
        "-r",
        "0",
        "-m",
        req.method,
    ]);
    for h in req.headers {
        cmd.args(["-H", h]);
    }
    if let Some(body) = req.body {
        cmd.args(["-d", body, "-T", "application/json"]);
    }
    let out = cmd
        .arg(req.url)
        .output()
        .with_context(|| format!("running {oha} (install it: cargo install oha)"))?;
    anyhow::ensure!(
        out.status.success(),
        "oha failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).context("oha's JSON")?;
    let pct = |key: &str| {
        v["latencyPercentiles"][key]
            .as_f64()
            .map(|secs| secs * 1000.0)
            .with_context(|| format!("no latencyPercentiles.{key} in oha's JSON"))
    };
    Ok(Latency {
        rate,
        p50_ms: pct("p50")?,
        p99_ms: pct("p99")?,
        success_rate: v["summary"]["successRate"].as_f64().unwrap_or(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let text = "Running 5s test @ http://127.0.0.1:1/\n  1 threads and 64 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency   601.53us  137.31us   5.37ms   83.70%\n    Req/Sec   106.27k     4.17k  110.91k    88.00%\n  528839 requests in 5.00s, 103.89MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 7\nRequests/sec: 105743.11\nTransfer/sec:     20.77MB\nsuccesses: 528832\n";
        let run = parse_wrk(text, 5.0).expect("parse");
        assert_eq!(run.requests, 528_839);
        assert_eq!(run.non_2xx_3xx, 7);
        assert_eq!(run.socket_errors, 3);
        assert_eq!(run.successes, Some(528_832));
        assert!((run.rps - 105_743.11).abs() < 0.01);
    }
}
