//! Running the real `dyopen` binary from tests: start it on a SQLite file, read what it printed
//! up to `listening on`, and the few HTTP calls most tests need.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const ADMIN: &str = "serve-test-admin";

/// A running `dyopen serve` and the lines it printed up to `listening on`.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// What it printed on stdout up to `listening on`.
    pub lines: Vec<String>,
}

/// `dyopen serve` on a SQLite file with the test admin token and a free port (unless `extra`
/// names `--listen`).
pub fn start(db: &std::path::Path, extra: &[&str]) -> Server {
    let mut cmd = dyopen();
    cmd.arg("serve");
    if !extra.contains(&"--listen") {
        cmd.args(["--listen", "127.0.0.1:0"]);
    }
    cmd.args(["--admin-token", ADMIN, "--database-url"])
        .arg(format!("sqlite://{}", db.display()))
        .args(extra);
    spawn(cmd)
}

/// The `dyopen` binary with none of the `DYOPEN_*` variables of the caller's environment.
pub fn dyopen() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dyopen"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DYOPEN_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Spawns a prepared `dyopen serve` command and waits for its `listening on` line.
pub fn spawn(mut cmd: Command) -> Server {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn dyopen");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("dyopen printed `listening on` in time");
        let done = line.contains("listening on");
        lines.push(line);
        if done {
            break;
        }
    }
    let last = lines.last().expect("a line");
    let url = last[last.find("http://").expect("url in the listening line")..]
        .trim()
        .to_owned();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || while rx.recv().is_ok() {});
    Server {
        child,
        base_url: url,
        lines,
    }
}

pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::new()
}

pub fn admin_create_app(base: &str) -> (String, String) {
    let v: Value = http()
        .post(format!("{base}/admin/v1/apps"))
        .bearer_auth(ADMIN)
        .json(&json!({"name": "durable", "pages": ["pages/index/index"]}))
        .send()
        .expect("create app")
        .json()
        .expect("json");
    (
        v["appid"].as_str().expect("appid").into(),
        v["secret"].as_str().expect("secret").into(),
    )
}

pub fn token(base: &str, appid: &str, secret: &str) -> String {
    let v: Value = http()
        .post(format!("{base}/oauth/client_token/"))
        .json(&json!({"client_key": appid, "client_secret": secret, "grant_type": "client_credential"}))
        .send()
        .expect("token")
        .json()
        .expect("json");
    v["data"]["access_token"].as_str().expect("token").into()
}

impl Server {
    /// The `demo app: appid … secret …` line's credentials, if it printed one.
    pub fn demo(&self) -> Option<(String, String)> {
        self.printed_credentials("demo app:").into_iter().next()
    }

    /// The credentials of every line starting with `prefix` and shaped `… appid A secret S`.
    pub fn printed_credentials(&self, prefix: &str) -> Vec<(String, String)> {
        self.lines
            .iter()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                let at = |k: &str| words.iter().position(|w| *w == k).map(|i| words[i + 1]);
                Some((at("appid")?.to_owned(), at("secret")?.to_owned()))
            })
            .collect()
    }

    /// Stops the process (SIGKILL) and waits for it.
    pub fn stop(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
