//! Slow and idle clients are cut by their deadlines; a connection limit (or running out of file
//! descriptors) leaves the process alive and `/healthz` answering; SIGTERM exits despite a slow
//! client and keeps the visit counts.

use crate::support::*;
use serde_json::{json, Value};
use std::io::Write;

#[test]
fn half_a_header_is_cut_by_the_header_timeout() {
    // The other deadlines stay far away, so only the header timeout can close it.
    let server = start(&["--header-timeout", "300ms", "--handler-timeout", "5m"]);
    let mut slow = slow_client(&server, HALF_HEADER);
    let (closed, answer) = read_until_closed(&mut slow);
    assert!(closed, "a client sending half a header is disconnected");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    // A client that sends nothing at all is cut the same way.
    let (closed, _) = read_until_closed(&mut server.connect());
    assert!(closed);
}

#[test]
fn a_body_shorter_than_its_content_length_is_cut_by_the_body_timeout() {
    let server = start(&["--body-timeout", "300ms", "--handler-timeout", "5m"]);
    let mut slow = slow_client(
        &server,
        b"POST /api/apps/v2/token HTTP/1.1\r\nHost: dyopen\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    let (closed, answer) = read_until_closed(&mut slow);
    assert!(closed, "a client sending 1 byte of 100 is disconnected");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

#[test]
fn keep_alive_and_chunked_bodies_work_and_an_idle_keep_alive_is_cut() {
    let server = start(&["--idle-timeout", "300ms"]);
    let mut conn = server.connect();
    // A chunked body (as the official npm SDK sends) and a second request on the same connection.
    conn.write_all(
        b"POST /api/apps/v2/token HTTP/1.1\r\nHost: dyopen\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    )
    .expect("write");
    let (status, body) = read_response(&mut conn);
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["err_no"], 40014, "the dialect's parameter error: {v}");
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: dyopen\r\n\r\n")
        .expect("write");
    assert_eq!(read_response(&mut conn).0, 200);
    let (closed, rest) = read_until_closed(&mut conn);
    assert!(closed, "an idle keep-alive connection is closed");
    assert!(rest.is_empty());
}

#[test]
fn slow_clients_below_the_connection_limit_leave_healthz_answering() {
    let server = start(&["--max-connections", "8", "--header-timeout", "5m"]);
    let slow: Vec<_> = (0..6).map(|_| slow_client(&server, HALF_HEADER)).collect();
    let (status, v) = get_json(&server.base_url, "/healthz", None);
    assert_eq!(status, 200, "{v}");
    drop(slow);
}

#[test]
fn more_slow_clients_than_the_limit_wait_and_the_server_answers_once_they_are_cut() {
    let mut server = start(&["--max-connections", "3", "--header-timeout", "500ms"]);
    let slow: Vec<_> = (0..10).map(|_| slow_client(&server, HALF_HEADER)).collect();
    // Waits in the backlog behind them; answered once the header timeout has cut enough.
    let (status, v) = get_json(&server.base_url, "/healthz", None);
    assert_eq!(status, 200, "{v}");
    assert!(server.alive());
    drop(slow);
}

#[test]
fn running_out_of_file_descriptors_backs_off_and_recovers() {
    // The process gets few file descriptors and a connection limit above them, so `accept`
    // fails with EMFILE until the header timeout frees some.
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("fd.db").display());
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "ulimit -n 64 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_dyopen"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &db])
        .args(["--admin-token", ADMIN, "--max-connections", "10000"])
        .args(["--header-timeout", "1s"])
        .env("NO_COLOR", "1");
    let mut server = Server::spawn(cmd);
    let slow: Vec<_> = (0..100)
        .map(|_| slow_client(&server, HALF_HEADER))
        .collect();
    let (status, v) = get_json(&server.base_url, "/healthz", None);
    assert_eq!(status, 200, "{v}");
    assert!(server.alive());
    let printed = server.printed();
    assert!(
        printed.contains("accept failed"),
        "EMFILE was hit:\n{printed}"
    );
    // Each burst of failures is logged once, with its count when accepting resumes: a few per
    // burst (the pause doubles up to 1 s), never a spin.
    for line in printed
        .lines()
        .filter(|l| l.contains("accepting connections again"))
    {
        let count: u64 = line
            .split("failed_accepts=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("a failed_accepts count");
        assert!(count <= 200, "{line}");
    }
    drop(slow);
}

#[test]
fn sigterm_exits_despite_a_slow_client_and_keeps_the_visit_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("visits.db").display());
    let limits = ["--shutdown-grace", "500ms", "--body-timeout", "5m"];
    let mut server = start_on("127.0.0.1:0", &db, &limits);
    let base = server.base_url.clone();
    let (appid, secret) = create_app(&base);
    let token = client_token(&base, &appid, &secret);
    let expire = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs()
        + 3600;
    let v: Value = http()
        .post(format!("{base}/api/apps/url_link/generate"))
        .header("access-token", &token)
        .json(
            &json!({"ma_app_id": appid, "app_name": "douyin", "path": "pages/index/index",
            "query": "{}", "expire_time": expire}),
        )
        .send()
        .expect("generate")
        .json()
        .expect("json");
    let link = v["url_link"].as_str().expect("url_link").to_owned();
    let code = link.rsplit('/').next().expect("code");
    for _ in 0..3 {
        let res = http().get(format!("{base}/{code}")).send().expect("visit");
        assert_eq!(res.status(), 302);
    }
    // A request in flight whose body never completes, and a client that sent half a header.
    let _body = slow_client(
        &server,
        b"POST /api/apps/v2/token HTTP/1.1\r\nHost: dyopen\r\nContent-Length: 100\r\n\r\n{",
    );
    let _head = slow_client(&server, HALF_HEADER);
    server.terminate();
    let status = server.wait_exit();
    assert!(status.success(), "exits 0 after the grace: {status}");

    let again = start_on("127.0.0.1:0", &db, &[]);
    let (status, page) = get_json(
        &again.base_url,
        &format!("/admin/v1/apps/{appid}/links"),
        Some(ADMIN),
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["items"][0]["visits"], 3, "{page}");
}

#[test]
fn an_emulator_timeout_fault_outlasts_the_handler_timeout() {
    let server = start(&["--emulator", "--handler-timeout", "200ms"]);
    let base = &server.base_url;
    let res = http()
        .post(format!("{base}/_emulator/v1/faults"))
        .json(
            &json!({"path": "/api/apps/v2/token", "err_kind": "timeout", "count": 1,
            "delay_ms": 1000}),
        )
        .send()
        .expect("arm");
    assert_eq!(res.status(), 201);
    let res = http()
        .post(format!("{base}/api/apps/v2/token"))
        .json(&json!({}))
        .send()
        .expect("call");
    // The injected fault's own answer, not the handler timeout's system error.
    assert_eq!(res.status(), 504);
    let v: Value = res.json().expect("json");
    assert_eq!(v["error"]["message"], "injected fault: timeout", "{v}");
}
