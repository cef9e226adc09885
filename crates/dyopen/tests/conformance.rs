//! Conformance with the official clients: the npm SDK `@open-dy/open_api_sdk` and the PyPI
//! `bytedance` client, pointed at a real `dyopen serve --emulator`, must get the answers the seeds
//! document. The checks live in `conformance/npm/run.mjs` and `conformance/python/run.py`; this
//! test starts the server, creates one app per client and runs them.
//!
//! The clients are installed by `conformance/setup` (CI runs it). Without them the test prints
//! `skipped: run conformance/setup`, unless `DYOPEN_REQUIRE_CONFORMANCE=1`, when it fails.

use dyopen_testkit::process::{self, Server};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const ADMIN: &str = "conformance-admin";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn start(db: &Path) -> Server {
    let mut cmd = process::dyopen(env!("CARGO_BIN_EXE_dyopen"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--admin-token", ADMIN])
        .arg("--database-url")
        .arg(format!("sqlite://{}", db.display()))
        .arg("--emulator");
    Server::spawn(cmd)
}

fn create_app(base: &str, name: &str) -> (String, String) {
    let response = reqwest::blocking::Client::new()
        .post(format!("{base}/admin/v1/apps"))
        .bearer_auth(ADMIN)
        .json(&json!({"name": name, "pages": ["pages/index/index", "pages/detail/detail"]}))
        .send()
        .expect("create app");
    assert_eq!(response.status(), 201);
    let v: Value = response.json().expect("json");
    (
        v["appid"].as_str().expect("appid").into(),
        v["secret"].as_str().expect("secret").into(),
    )
}

/// Runs one client's script with the server's address and a fresh app; shows its output.
fn run_client(server: &Server, name: &str, program: &Path, script: &Path) {
    let (appid, secret) = create_app(&server.base_url, name);
    let out = Command::new(program)
        .arg(script)
        .current_dir(repo_root())
        .env("DYOPEN_URL", &server.base_url)
        .env("DYOPEN_APPID", &appid)
        .env("DYOPEN_SECRET", &secret)
        .env("DYOPEN_ADMIN_TOKEN", ADMIN)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", program.display()));
    println!("--- {name} ---");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        out.status.success(),
        "{name} conformance failed: {}",
        out.status
    );
}

#[test]
fn official_clients_get_the_documented_answers() {
    let root = repo_root();
    let npm_ready = root
        .join("conformance/npm/node_modules/.dyopen-stamp")
        .exists();
    let python = root.join("conformance/python/.venv/bin/python");
    let python_ready = root.join("conformance/python/.venv/.dyopen-stamp").exists();
    if !(npm_ready && python_ready) {
        assert!(
            std::env::var("DYOPEN_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
            "DYOPEN_REQUIRE_CONFORMANCE=1 but the clients are not installed: run conformance/setup"
        );
        println!("skipped: run conformance/setup");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(&dir.path().join("c.db"));
    run_client(
        &server,
        "npm @open-dy/open_api_sdk",
        Path::new("node"),
        &root.join("conformance/npm/run.mjs"),
    );
    run_client(
        &server,
        "PyPI bytedance",
        &python,
        &root.join("conformance/python/run.py"),
    );
}
