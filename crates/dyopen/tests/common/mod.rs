//! Running the real `dyopen` binary from tests through the kit's [`process`]: start it on a
//! SQLite file with the test admin token, and the few HTTP calls most tests need.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use dyopen_testkit::process;
pub use dyopen_testkit::process::Server;
use serde_json::{json, Value};
use std::process::Command;

pub const ADMIN: &str = "serve-test-admin";

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
    Server::spawn(cmd)
}

/// The `dyopen` binary with none of the `DYOPEN_*` variables of the caller's environment.
pub fn dyopen() -> Command {
    process::dyopen(env!("CARGO_BIN_EXE_dyopen"))
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
