//! `dyopen verify` against a dyopen server, and against a test double that spoils three answers.

use crate::common::{self, admin_create_app, start};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn verdicts(report: &Value) -> BTreeMap<String, String> {
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("id").to_owned(),
                c["verdict"].as_str().expect("verdict").to_owned(),
            )
        })
        .collect()
}

fn differing(report: &Value) -> BTreeMap<String, String> {
    verdicts(report)
        .into_iter()
        .filter(|(_, v)| v != "same")
        .collect()
}

#[test]
fn verify_finds_a_dyopen_server_the_same_in_every_case_and_cleans_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let running = start(&dir.path().join("v.db"), &[]);
    let server = &running;
    let (appid, secret) = admin_create_app(&server.base_url);
    let (code, report, stdout) = crate::verify(&server.base_url, &appid, &secret, dir.path());
    assert_eq!(differing(&report), BTreeMap::new(), "{stdout}");
    assert_eq!(code, 0, "{stdout}");
    assert!(report["cases"].as_array().expect("cases").len() > 80);
    assert_eq!(report["link_quota"], json!({"spent": 2, "max": 5}));
    let removed = report["removed"].as_array().expect("removed");
    assert!(removed.len() >= 11, "{removed:?}");
    for r in removed {
        assert_eq!(r["result"], "done", "{r}");
    }
    // Only the modified page binding is left, and the admin API agrees.
    let kept = report["kept"].as_array().expect("kept");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["path"], "page/path/index");
    let regions: Value = common::http()
        .get(format!("{}/admin/v1/apps/{appid}/regions", server.base_url))
        .bearer_auth(common::ADMIN)
        .send()
        .expect("regions")
        .json()
        .expect("json");
    let bound: Vec<&str> = regions
        .as_array()
        .expect("bindings")
        .iter()
        .filter_map(|b| b["path"].as_str())
        .collect();
    assert_eq!(bound, vec!["page/path/index"], "{regions}");
    assert!(
        stdout.contains("kept: page page/path/index bound to 440400"),
        "{stdout}"
    );
    // The report never shows the secret or a token.
    let text = report.to_string();
    assert!(!text.contains(&secret));
    let token = regex::Regex::new(r#"clt\.[0-9a-f]{8}|"08[0-9a-f]{16}"#).expect("re");
    assert!(!token.is_match(&text), "a token in the report");
}

#[test]
fn verify_without_a_terminal_or_yes_stops_before_sending_anything() {
    let out = common::dyopen()
        .args(["verify", "--target", "http://127.0.0.1:9"])
        .args(["--appid", "tt0123456789abcdef"])
        .args(["--secret", "0123456789abcdef0123456789abcdef"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pass --yes"), "{stderr}");
    assert!(stderr.contains("at most 5 units"), "{stderr}");
}

#[test]
fn verify_that_cannot_reach_its_target_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::dyopen()
        .args(["verify", "--target", "http://127.0.0.1:9", "--yes"])
        .args(["--appid", "tt0123456789abcdef"])
        .args(["--secret", "0123456789abcdef0123456789abcdef"])
        .arg("--report")
        .arg(dir.path().join("r.json"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("could not finish: tokens.v2: no answer"),
        "{stderr}"
    );
}

/// Forwards to a real dyopen and spoils three answers: a text, a code, a missing field.
async fn spoiling_double(State(upstream): State<String>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.expect("body");
    let path = parts.uri.path().to_owned();
    let request: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let mut forwarded =
        reqwest::Client::new().request(parts.method.clone(), format!("{upstream}{path}"));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            forwarded = forwarded.header(name, value);
        }
    }
    let answer = forwarded.body(bytes).send().await.expect("upstream");
    let status = answer.status();
    let mut answer: Value = answer.json().await.unwrap_or(Value::Null);
    if path.contains("app_region_modify") && request["origin_region"] == "440400" {
        answer["err_msg"] = json!("修改频率过高"); // city.page.modify_again: a wrong text
    }
    if path.contains("v2/token") && request["grant_type"] == "authorization_code" {
        answer["err_no"] = json!(40014); // tokens.v2.grant_type: a wrong code
    }
    let eleven = request["douyin_ids"]
        .as_array()
        .is_some_and(|a| a.len() == 11);
    if path.contains("update_orient_talents") && eleven {
        // tasks.talents.eleven: a missing field
        answer.as_object_mut().expect("envelope").remove("log_id");
    }
    let mut response = Response::new(Body::from(answer.to_string()));
    *response.status_mut() = status;
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_reports_exactly_the_spoiled_answers_of_a_test_double() {
    let dir = tempfile::tempdir().expect("tempdir");
    let running = start(&dir.path().join("d.db"), &[]);
    let server = &running;
    let base = server.base_url.clone();
    let (appid, secret) = tokio::task::spawn_blocking(move || admin_create_app(&base))
        .await
        .expect("app");
    let app = axum::Router::new()
        .fallback(spoiling_double)
        .with_state(server.base_url.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let double = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let path = dir.path().to_owned();
    let (code, report, stdout) =
        tokio::task::spawn_blocking(move || crate::verify(&double, &appid, &secret, &path))
            .await
            .expect("verify");
    let want: BTreeMap<String, String> = [
        ("city.page.modify_again", "text"),
        ("tokens.v2.grant_type", "code"),
        ("tasks.talents.eleven", "shape"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(differing(&report), want, "{stdout}");
    assert_eq!(code, 2, "{stdout}");
    assert_eq!(report["summary"]["differs"], 3);
    assert!(
        stdout.contains(
            "tasks.talents.eleven (seed 001, eleven talents in one call): /log_id: missing"
        ),
        "{stdout}"
    );
}
