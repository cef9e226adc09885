//! What an unauthenticated caller can reach, and what the server refuses to start with: admin
//! routes answer 401 first (405 and 404 included), the emulator stays on loopback unless
//! `--emulator-remote` puts it behind the token, empty or short admin tokens, and no password of
//! a database or Redis URL in any output.

use crate::proxy::{Mode, Proxy};
use crate::support::*;
use reqwest::Method;

fn status(base: &str, method: Method, path: &str, token: Option<&str>) -> u16 {
    let mut req = http().request(method, format!("{base}{path}")).body("{}");
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().expect("request").status().as_u16()
}

#[test]
fn admin_routes_answer_401_before_405_and_404() {
    let server = start(&[]);
    let base = &server.base_url;
    for (method, path) in [
        (Method::PUT, "/admin/v1/apps/x"),
        (Method::DELETE, "/admin/v1/apps"),
        (Method::GET, "/admin/v1/no-such-route"),
        (Method::GET, "/admin/v1"),
        (Method::GET, "/admin/v1/apps"),
    ] {
        assert_eq!(
            status(base, method.clone(), path, None),
            401,
            "{method} {path}"
        );
        assert_eq!(
            status(base, method.clone(), path, Some("wrong-token-wrong")),
            401,
            "{method} {path}"
        );
    }
    assert_eq!(
        status(base, Method::PUT, "/admin/v1/apps/x", Some(ADMIN)),
        405
    );
    assert_eq!(
        status(base, Method::GET, "/admin/v1/no-such-route", Some(ADMIN)),
        404
    );
    assert_eq!(
        status(base, Method::GET, "/admin/v1/apps", Some(ADMIN)),
        200
    );
}

#[test]
fn the_emulator_on_a_public_address_needs_emulator_remote_and_then_the_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("emu.db").display());
    let public = [
        "--listen",
        "0.0.0.0:0",
        "--database-url",
        &db,
        "--admin-token",
        ADMIN,
        "--public-base-url",
        "http://dyopen.test",
        "--emulator",
    ];
    let (exit, output) = refused(command(&public));
    assert!(!exit.success());
    assert!(output.contains("--emulator-remote"), "{output}");

    let remote = start_on(
        "0.0.0.0:0",
        &db,
        &[
            "--public-base-url",
            "http://dyopen.test",
            "--emulator",
            "--emulator-remote",
        ],
    );
    let base = &remote.base_url;
    for (method, path) in [
        (Method::GET, "/_emulator/v1/clock"),
        (Method::POST, "/_emulator/v1/reset"),
        (Method::PUT, "/_emulator/v1/clock"),
        (Method::GET, "/_emulator/v1/no-such-route"),
    ] {
        assert_eq!(
            status(base, method.clone(), path, None),
            401,
            "{method} {path}"
        );
    }
    assert_eq!(
        status(base, Method::GET, "/_emulator/v1/clock", Some(ADMIN)),
        200
    );
    assert_eq!(
        status(base, Method::PUT, "/_emulator/v1/clock", Some(ADMIN)),
        405
    );

    // On loopback nothing changes: no token needed.
    let local = start(&["--emulator"]);
    assert_eq!(
        status(&local.base_url, Method::GET, "/_emulator/v1/clock", None),
        200
    );
}

#[test]
fn empty_blank_and_short_admin_tokens_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("t.db");
    let db = format!("sqlite://{}", file.display());
    let base = ["--listen", "127.0.0.1:0", "--database-url", &db];
    for token in ["", "   "] {
        let mut cmd = command(&base);
        cmd.args(["--admin-token", token]);
        let (exit, output) = refused(cmd);
        assert!(!exit.success(), "{token:?}");
        assert!(output.contains("admin token is empty"), "{output}");
    }
    let mut cmd = command(&base);
    cmd.env("DYOPEN_ADMIN_TOKEN", "");
    let (exit, output) = refused(cmd);
    assert!(
        !exit.success() && output.contains("admin token is empty"),
        "{output}"
    );

    std::fs::write(dir.path().join("t.db.admin-token"), "\n").expect("write");
    let (exit, output) = refused(command(&base));
    assert!(!exit.success());
    assert!(output.contains("t.db.admin-token is empty"), "{output}");

    let mut cmd = command(&["--listen", "0.0.0.0:0", "--database-url", &db]);
    cmd.args([
        "--admin-token",
        "short-token",
        "--public-base-url",
        "http://dyopen.test",
    ]);
    let (exit, output) = refused(cmd);
    assert!(!exit.success());
    assert!(output.contains("at least 16"), "{output}");

    // On loopback a short token starts, with a warning.
    let server = start(&["--admin-token", "short-token"]);
    assert!(
        server.printed().contains("at least 16"),
        "{}",
        server.printed()
    );
}

#[test]
fn an_unreachable_database_fails_the_start_with_a_clear_message_and_no_password() {
    let hole = Proxy::start(None, Mode::Hold);
    let url = format!(
        "postgres://dyopen:hunter2-secret@127.0.0.1:{}/db",
        hole.port
    );
    let cmd = command(&[
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &url,
        "--admin-token",
        ADMIN,
        "--db-acquire-timeout",
        "500ms",
    ]);
    let (exit, output) = refused(cmd);
    assert!(!exit.success());
    assert!(
        output.contains(&format!(
            "opening database postgres://dyopen:***@127.0.0.1:{}/db",
            hole.port
        )),
        "{output}"
    );
    assert!(output.contains("--db-acquire-timeout"), "{output}");
    assert!(!output.contains("hunter2"), "{output}");
}

#[test]
fn redis_urls_are_printed_without_their_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("r.db").display());
    let mut cmd = command(&["--listen", "127.0.0.1:0", "--database-url", &db]);
    cmd.args([
        "--admin-token",
        ADMIN,
        "--redis-url",
        "redis://:hunter2-secret@127.0.0.1:notaport",
    ]);
    let (exit, output) = refused(cmd);
    assert!(!exit.success());
    assert!(
        output.contains("Redis URL redis://:***@127.0.0.1"),
        "{output}"
    );
    assert!(!output.contains("hunter2"), "{output}");

    // Unreachable (nothing listens on port 1): the start goes on, and its warnings hold no secret.
    let server = start(&["--redis-url", "redis://:hunter2-secret@127.0.0.1:1"]);
    let (status, ready) = get_json(&server.base_url, "/readyz", None);
    assert_eq!(status, 200, "{ready}");
    assert!(
        !server.printed().contains("hunter2"),
        "{}",
        server.printed()
    );
}
