//! The real `dyopen` binary: start-up output, `--demo`, graceful SIGTERM, and durability of
//! acknowledged writes across `kill -9` on the same SQLite file.

mod common;

use common::{admin_create_app, http, start, token, ADMIN};
use dyopen_testkit::process::GENEROUS;
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn acknowledged_adds_survive_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("durable.db");
    let mut server = start(&db, &[]);
    let mut expected = Vec::new();
    for _ in 0..3 {
        let (appid, secret) = admin_create_app(&server.base_url);
        let t = token(&server.base_url, &appid, &secret);
        for i in 0..10 {
            let v: Value = http()
                .post(format!(
                    "{}/api/product/v1/app_region_add/",
                    server.base_url
                ))
                .header("access-token", &t)
                .json(&json!({"bind_type": 2, "region_id": "440300", "path": format!("p/{i}")}))
                .send()
                .expect("add")
                .json()
                .expect("json");
            assert_eq!(v["err_no"], 0, "{v}");
            expected.push((
                appid.clone(),
                v["data_id"].as_str().expect("data_id").to_owned(),
            ));
        }
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");

    let mut again = start(&db, &[]);
    for (appid, data_id) in &expected {
        let list: Value = http()
            .get(format!("{}/admin/v1/apps/{appid}/regions", again.base_url))
            .bearer_auth(ADMIN)
            .send()
            .expect("list")
            .json()
            .expect("json");
        assert!(
            list.as_array()
                .expect("array")
                .iter()
                .any(|b| b["data_id"] == data_id.as_str()),
            "{data_id} lost: {list}"
        );
    }
    again.child.kill().ok();
    again.child.wait().ok();
}

#[test]
fn demo_prints_working_credentials_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = start(&dir.path().join("demo.db"), &["--demo"]);
    let demo = server
        .lines
        .iter()
        .find(|l| l.starts_with("demo app:"))
        .expect("demo line");
    let words: Vec<&str> = demo.split_whitespace().collect();
    let (appid, secret) = (words[3], words[5]);
    assert!(appid.starts_with("tt") && appid.len() == 18, "{demo}");
    assert!(
        server
            .lines
            .iter()
            .any(|l| l.starts_with("try: curl") && l.contains(appid)),
        "{:?}",
        server.lines
    );
    assert!(token(&server.base_url, appid, secret).starts_with("clt."));
    let app: Value = http()
        .get(format!("{}/admin/v1/apps/{appid}", server.base_url))
        .bearer_auth(ADMIN)
        .send()
        .expect("get")
        .json()
        .expect("json");
    assert_eq!(app["pages"], json!(["pages/index/index"]));

    let pid = server.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill -TERM");
    assert!(killed.success());
    let status = server.child.wait().expect("exit");
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[test]
fn serve_help_lists_every_setting_with_its_env_var() {
    let out = Command::new(env!("CARGO_BIN_EXE_dyopen"))
        .args(["serve", "--help"])
        .output()
        .expect("help");
    let text = String::from_utf8_lossy(&out.stdout);
    for var in [
        "DYOPEN_LISTEN",
        "DYOPEN_DATABASE_URL",
        "DYOPEN_ADMIN_TOKEN",
        "DYOPEN_PUBLIC_BASE_URL",
        "DYOPEN_REDIS_URL",
        "DYOPEN_EMULATOR",
    ] {
        assert!(text.contains(var), "{var} missing from --help");
    }
}

#[test]
fn seed_file_loads_on_start_and_on_every_reset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = dir.path().join("fixture.yaml");
    std::fs::write(
        &fixture,
        "apps:\n  - appid: tt0000000000000001\n    secret: s3cret\n    name: fixed\n    pages: [pages/index/index]\n    regions:\n      - {bind_type: 1, region_id: \"440300\"}\n",
    )
    .expect("write fixture");
    let mut server = start(
        &dir.path().join("seed.db"),
        &[
            "--emulator",
            "--seed-file",
            fixture.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        server
            .lines
            .iter()
            .any(|l| l.contains("seeded app: appid tt0000000000000001")),
        "{:?}",
        server.lines
    );
    assert!(token(&server.base_url, "tt0000000000000001", "s3cret").starts_with("clt."));
    let v: Value = http()
        .post(format!("{}/_emulator/v1/reset", server.base_url))
        .send()
        .expect("reset")
        .json()
        .expect("json");
    assert_eq!(v["seeded"][0]["appid"], "tt0000000000000001");
    let list: Value = http()
        .get(format!(
            "{}/admin/v1/apps/tt0000000000000001/regions",
            server.base_url
        ))
        .bearer_auth(ADMIN)
        .send()
        .expect("list")
        .json()
        .expect("json");
    assert_eq!(list[0]["region_id"], "440300");
    server.child.kill().ok();
    server.child.wait().ok();
}

/// The access log: a line per answered request, named by the log id its answer carries in
/// `X-Tt-Logid`, with method, path, status and duration — at `info` for writes and errors, at
/// `debug` for a successful `GET` (so the default level leaves redirects and reads out).
#[test]
fn the_access_log_names_each_request_by_its_log_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(&dir.path().join("log.db"), &[]);
    let log_id = |res: &reqwest::blocking::Response| {
        res.headers()["x-tt-logid"]
            .to_str()
            .expect("ascii")
            .to_owned()
    };
    // Answered (and so logged, if at all) before the POST below is sent.
    let read = http()
        .get(format!("{}/healthz", server.base_url))
        .send()
        .expect("get");
    assert_eq!(read.status(), 200);
    let quiet = log_id(&read);
    let write = http()
        .post(format!("{}/no/such/route", server.base_url))
        .send()
        .expect("post");
    assert_eq!(write.status(), 404);
    let logged = log_id(&write);
    let deadline = std::time::Instant::now() + GENEROUS;
    let line = loop {
        if let Some(line) = server.printed().lines().find(|l| l.contains(&logged)) {
            break line.to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no log line for {logged}: {}",
            server.printed()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    for part in [
        " INFO ",
        "method=POST",
        "path=/no/such/route",
        "status=404",
        "micros=",
    ] {
        assert!(line.contains(part), "{part} missing: {line}");
    }
    assert!(
        !server.printed().contains(&quiet),
        "a successful GET is logged at debug only: {}",
        server.printed()
    );
}
