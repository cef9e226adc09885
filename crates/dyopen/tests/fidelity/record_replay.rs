//! Record through `dyopen proxy`, replay with `dyopen serve --emulator --replay`: the official
//! npm SDK and PyPI client conformance scenarios (conformance/) get the envelopes recorded.
//!
//! A dyopen stands in for the platform; the proxy listens on the address the stand-in's links
//! point at (`--public-base-url`), and after both stop, the replaying emulator listens there too,
//! so recorded links resolve (their `GET /{code}` answers are replayed as well). Both servers
//! start from one fixture (fixed appids and secrets) with the emulator clock at one instant, and
//! the clients use that instant instead of the real time (`DYOPEN_NOW`), so their requests are
//! the same in both runs. Admin calls go to the server itself, never through the proxy.

use crate::common;
use dyopen_wire::emulator::{JournalEntry, JournalPage};
use dyopen_wire::paths::{is_token_path, normalize_path};
use dyopen_wire::recording::{Body, Exchange};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const NPM_APP: (&str, &str) = ("tt00000000000000a1", "0123456789abcdef0123456789abcdef");
const PY_APP: (&str, &str) = ("tt00000000000000b2", "fedcba9876543210fedcba9876543210");

fn fixture(dir: &Path) -> PathBuf {
    let app = |(appid, secret): (&str, &str), name: &str| {
        json!({"appid": appid, "secret": secret, "name": name,
               "pages": ["pages/index/index", "pages/detail/detail"]})
    };
    let f = json!({"demo": false, "apps": [app(NPM_APP, "npm"), app(PY_APP, "pypi")]});
    let path = dir.join("fixture.json");
    std::fs::write(&path, f.to_string()).expect("fixture");
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// An emulator from `fixture` on `listen`, its links on `http://{links}`, its clock at [`NOW`].
fn emulator(
    db: &Path,
    fixture: &Path,
    listen: &str,
    links: &str,
    extra: &[&str],
) -> common::Server {
    let base = format!("http://{links}");
    let mut args = vec!["--emulator", "--listen", listen, "--public-base-url", &base];
    let fixture = fixture.to_str().expect("utf-8 path");
    args.extend(["--seed-file", fixture]);
    args.extend(extra);
    let server = common::start(db, &args);
    let clock: Value = common::http()
        .post(format!("{}/_emulator/v1/clock", server.base_url.as_str()))
        .json(&json!({"now": NOW}))
        .send()
        .expect("clock")
        .json()
        .expect("json");
    assert_eq!(clock["now"], NOW);
    server
}

/// Runs one official client's conformance script; it must pass.
fn run_client(
    program: &Path,
    script: &str,
    app: (&str, &str),
    url: &str,
    admin_url: &str,
    replay: bool,
) {
    let out = Command::new(program)
        .arg(crate::repo_root().join(script))
        .current_dir(crate::repo_root())
        .env("DYOPEN_URL", url)
        .env("DYOPEN_ADMIN_URL", admin_url)
        .env("DYOPEN_APPID", app.0)
        .env("DYOPEN_SECRET", app.1)
        .env("DYOPEN_ADMIN_TOKEN", common::ADMIN)
        .env("DYOPEN_NOW", NOW.to_string())
        .env("DYOPEN_REPLAY", if replay { "1" } else { "0" })
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", program.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} (replay: {replay}) failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_both(python: &Path, url: &str, admin_url: &str, replay: bool) {
    run_client(
        Path::new("node"),
        "conformance/npm/run.mjs",
        NPM_APP,
        url,
        admin_url,
        replay,
    );
    run_client(
        python,
        "conformance/python/run.py",
        PY_APP,
        url,
        admin_url,
        replay,
    );
}

/// The official clients, if `conformance/setup` installed them.
fn python() -> Option<PathBuf> {
    let root = crate::repo_root();
    let python = root.join("conformance/python/.venv/bin/python");
    let ready = root
        .join("conformance/npm/node_modules/.dyopen-stamp")
        .exists()
        && root.join("conformance/python/.venv/.dyopen-stamp").exists();
    if ready {
        return Some(python);
    }
    assert!(
        std::env::var("DYOPEN_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
        "DYOPEN_REQUIRE_CONFORMANCE=1 but the clients are not installed: run conformance/setup"
    );
    {
        // Straight to stderr: the harness captures print macros, and a skip must show.
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!("skipped: run conformance/setup\n"),
        );
    };
    None
}

fn recordings(dir: &Path) -> (Vec<Exchange>, Vec<String>) {
    let mut exchanges = Vec::new();
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir).expect("record dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        exchanges.push(serde_json::from_str::<Exchange>(&text).expect("a recording"));
        texts.push(text);
    }
    exchanges.sort_by_key(|e| e.seq);
    (exchanges, texts)
}

fn without_log_id(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("log_id");
    }
    v
}

fn as_journaled(body: &Body) -> Value {
    match body {
        Body::Empty => Value::Null,
        Body::Json(v) => v.clone(),
        Body::Text(t) => Value::String(t.clone()),
    }
}

fn assert_no_secret(texts: &[String]) {
    let token = regex::Regex::new(r#"clt\.[0-9a-f]{8}|["=]08[0-9a-f]{24}"#).expect("re");
    for text in texts {
        for secret in [NPM_APP.1, PY_APP.1, common::ADMIN] {
            assert!(!text.contains(secret), "a secret in a recording:\n{text}");
        }
        assert!(!token.is_match(text), "a token in a recording:\n{text}");
    }
}

#[test]
fn replay_gives_the_official_clients_the_recorded_envelopes() {
    let Some(python) = python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = fixture(dir.path());
    let record = dir.path().join("recorded");
    let listen = format!("127.0.0.1:{}", free_port());

    // Record: the clients talk to the proxy, the proxy to the stand-in.
    let platform = emulator(
        &dir.path().join("platform.db"),
        &fixture,
        "127.0.0.1:0",
        &listen,
        &[],
    );
    let mut cmd = common::dyopen();
    cmd.args(["proxy", "--listen", &listen, "--record"])
        .arg(&record)
        .args([
            "--douyin-upstream",
            platform.base_url.as_str(),
            "--toutiao-upstream",
            platform.base_url.as_str(),
        ]);
    let proxy = common::Server::spawn(cmd);
    run_both(
        &python,
        proxy.base_url.as_str(),
        platform.base_url.as_str(),
        false,
    );
    drop(proxy);
    drop(platform);

    let (exchanges, texts) = recordings(&record);
    assert_no_secret(&texts);
    let replayable: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| !is_token_path(&e.request.path))
        .collect();
    assert!(replayable.len() > 30, "{} recordings", replayable.len());
    assert!(
        replayable.iter().any(|e| e.request.method == "GET"),
        "a link visit was recorded"
    );

    // Replay: a fresh emulator from the same fixture, on the proxy's address.
    let replay_db = dir.path().join("replay.db");
    let record_arg = record.to_str().expect("utf-8 path");
    let replaying = emulator(
        &replay_db,
        &fixture,
        &listen,
        &listen,
        &["--replay", record_arg],
    );
    run_both(
        &python,
        replaying.base_url.as_str(),
        replaying.base_url.as_str(),
        true,
    );
    let page: JournalPage = common::http()
        .get(format!(
            "{}/_emulator/v1/journal?limit=10000",
            replaying.base_url.as_str()
        ))
        .send()
        .expect("journal")
        .json()
        .expect("json");
    let (replayed, live): (Vec<JournalEntry>, Vec<JournalEntry>) =
        page.entries.into_iter().partition(|e| e.replayed);
    for e in &live {
        assert!(
            is_token_path(&e.path),
            "{} {} fell through to the emulator",
            e.method,
            e.path
        );
    }
    assert_eq!(replayed.len(), replayable.len());
    for (recorded, answered) in replayable.iter().zip(&replayed) {
        let what = format!("recording {}", recorded.file_name());
        assert_eq!(answered.method, recorded.request.method, "{what}");
        assert_eq!(
            answered.path,
            normalize_path(&recorded.request.path),
            "{what}"
        );
        assert_eq!(answered.status, recorded.response.status, "{what}");
        let want = as_journaled(&recorded.response.body);
        assert_eq!(
            without_log_id(&answered.response),
            without_log_id(&want),
            "{what}"
        );
        if let Some(old) = want.get("log_id") {
            // A fresh log id: the request's own, not the recorded one.
            assert_eq!(
                answered.response["log_id"],
                json!(answered.log_id),
                "{what}"
            );
            assert_ne!(&answered.response["log_id"], old, "{what}");
        }
    }
}
