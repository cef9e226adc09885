//! The first hour, literally: the demo app and fixture apps keep their credentials across
//! restarts and resets of the real binary; a wildcard listen address needs a public base URL; a
//! missing database directory is created.

mod common;

use common::{admin_create_app, http, start, token, ADMIN};
use serde_json::Value;
use std::process::Command;

fn reset(base: &str) -> Value {
    http()
        .post(format!("{base}/_emulator/v1/reset"))
        .send()
        .expect("reset")
        .json()
        .expect("json")
}

#[test]
fn emulator_demo_app_survives_restarts_and_resets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("emu.db");
    let server = start(&db, &["--emulator"]);
    let (appid, secret) = server.demo().expect("demo line on first start");
    assert!(appid.starts_with("tt") && appid.len() == 18, "{appid}");
    let (other, _) = admin_create_app(&server.base_url);
    let v = reset(&server.base_url);
    assert_eq!(v["demo"]["appid"], appid.as_str(), "{v}");
    assert_eq!(v["demo"]["secret"], secret.as_str(), "{v}");
    let status = http()
        .get(format!("{}/admin/v1/apps/{other}", server.base_url))
        .bearer_auth(ADMIN)
        .send()
        .expect("get")
        .status();
    assert_eq!(status, 404, "other apps are gone");
    server.stop();

    // A restart on the same file prints the same credentials, and a reset keeps them.
    let again = start(&db, &["--emulator"]);
    assert_eq!(
        again.demo(),
        Some((appid.clone(), secret.clone())),
        "{:?}",
        again.lines
    );
    let v = reset(&again.base_url);
    assert_eq!(v["demo"]["appid"], appid.as_str(), "{v}");
    assert!(token(&again.base_url, &appid, &secret).starts_with("clt."));
    again.stop();
}

#[test]
fn serve_demo_reuses_its_app_on_every_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let first = start(&db, &["--demo"]);
    let creds = first.demo().expect("demo line");
    first.stop();
    let second = start(&db, &["--demo"]);
    assert_eq!(second.demo(), Some(creds.clone()), "{:?}", second.lines);
    let apps: Value = http()
        .get(format!("{}/admin/v1/apps", second.base_url))
        .bearer_auth(ADMIN)
        .send()
        .expect("list")
        .json()
        .expect("json");
    assert_eq!(apps["total"], 1, "no second demo app: {apps}");
    assert!(token(&second.base_url, &creds.0, &creds.1).starts_with("clt."));
    // Rotating the demo app's secret updates what the next start prints.
    let rotated: Value = http()
        .post(format!(
            "{}/admin/v1/apps/{}/secret",
            second.base_url, creds.0
        ))
        .bearer_auth(ADMIN)
        .send()
        .expect("rotate")
        .json()
        .expect("json");
    second.stop();
    let third = start(&db, &["--demo"]);
    let (appid, secret) = third.demo().expect("demo line");
    assert_eq!(appid, creds.0);
    assert_eq!(secret, rotated["secret"].as_str().expect("secret"));
    assert!(token(&third.base_url, &appid, &secret).starts_with("clt."));
    third.stop();
}

#[test]
fn fixture_apps_without_a_secret_keep_a_derived_one_and_the_demo_app_stays_beside_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = dir.path().join("fixture.yaml");
    std::fs::write(
        &fixture,
        "apps:\n  - appid: tt00000000000000aa\n    name: shop\n    pages: [pages/index/index]\n",
    )
    .expect("write fixture");
    let db = dir.path().join("seed.db");
    let args = [
        "--emulator",
        "--seed-file",
        fixture.to_str().expect("utf-8 path"),
    ];
    let server = start(&db, &args);
    let seeded = server.printed_credentials("seeded app:");
    assert_eq!(seeded.len(), 1, "{:?}", server.lines);
    let (appid, secret) = seeded[0].clone();
    assert_eq!(appid, "tt00000000000000aa");
    assert_eq!(secret.len(), 32, "a derived secret of 32 hex: {secret}");
    let demo = server
        .demo()
        .expect("the demo app exists beside the fixture");
    let v = reset(&server.base_url);
    assert_eq!(v["seeded"][0]["secret"], secret.as_str(), "{v}");
    assert_eq!(v["demo"]["appid"], demo.0.as_str(), "{v}");
    server.stop();

    let again = start(&db, &args);
    assert_eq!(again.demo(), Some(demo.clone()));
    let v = reset(&again.base_url);
    assert_eq!(v["seeded"][0]["secret"], secret.as_str(), "{v}");
    assert!(token(&again.base_url, &appid, &secret).starts_with("clt."));
    assert!(token(&again.base_url, &demo.0, &demo.1).starts_with("clt."));
    again.stop();
}

#[test]
fn a_fixture_can_do_without_the_demo_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = dir.path().join("fixture.json");
    std::fs::write(
        &fixture,
        r#"{"demo": false, "apps": [{"appid": "tt00000000000000bb", "name": "only", "pages": ["pages/index/index"]}]}"#,
    )
    .expect("write fixture");
    let server = start(
        &dir.path().join("nodemo.db"),
        &[
            "--emulator",
            "--seed-file",
            fixture.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(server.demo(), None, "{:?}", server.lines);
    let v = reset(&server.base_url);
    assert!(v["demo"].is_null(), "{v}");
    assert_eq!(v["seeded"][0]["appid"], "tt00000000000000bb", "{v}");
    server.stop();
}

#[test]
fn a_wildcard_listen_address_needs_a_public_base_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_dyopen"))
        .args(["serve", "--listen", "0.0.0.0:0", "--admin-token", ADMIN])
        .arg("--database-url")
        .arg(format!("sqlite://{}", dir.path().join("w.db").display()))
        .env_remove("DYOPEN_PUBLIC_BASE_URL")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--public-base-url"), "{err}");
    assert!(
        !dir.path().join("w.db").exists(),
        "refused before touching the database"
    );

    let server = start(
        &dir.path().join("w.db"),
        &[
            "--listen",
            "0.0.0.0:0",
            "--public-base-url",
            "https://links.example.com",
            "--demo",
        ],
    );
    let (appid, secret) = server.demo().expect("demo");
    let port = server.base_url.rsplit(':').next().expect("port").to_owned();
    let base = format!("http://127.0.0.1:{port}");
    let t = token(&base, &appid, &secret);
    let expire = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + 3600;
    let v: Value = http()
        .post(format!("{base}/api/apps/v1/url_link/generate/"))
        .header("access-token", t)
        .json(&serde_json::json!({"app_id": appid, "app_name": "douyin", "path": "pages/index/index", "expire_time": expire}))
        .send()
        .expect("generate")
        .json()
        .expect("json");
    let link = v["data"]["url_link"].as_str().unwrap_or_default();
    assert!(link.starts_with("https://links.example.com/"), "{v}");
    server.stop();
}

#[test]
fn a_missing_database_directory_is_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("var/lib/dyopen/dyopen.db");
    let server = start(&db, &[]);
    assert!(
        server
            .lines
            .iter()
            .any(|l| l.contains("created the database directory")),
        "{:?}",
        server.lines
    );
    assert!(db.exists());
    let (appid, _) = admin_create_app(&server.base_url);
    assert!(appid.starts_with("tt"));
    server.stop();
}
