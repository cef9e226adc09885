//! The emulator journal under SPEC §8: bodies kept up to `journal_body_bytes` (complete ones as
//! JSON, cut ones as text marked truncated), `journal_bytes` in all, oversized bodies refused in
//! the route's dialect without being buffered, and secrets masked by their decoded names.

use dyopen_testkit::*;
use serde_json::{json, Value};

const ADD: &str = "/api/product/v1/app_region_add/";

async fn journal(app: &TestApp) -> Vec<Value> {
    let v: Value = app
        .http
        .get(format!(
            "{}/_emulator/v1/journal?limit=100000",
            app.base_url
        ))
        .send()
        .await
        .expect("journal")
        .json()
        .await
        .expect("json");
    v["entries"].as_array().expect("entries").clone()
}

#[tokio::test]
async fn secrets_are_masked_by_their_decoded_names() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let (_, token) = app.app_with_token().await;
    // The server reads `access%5Ftoken` as `access_token`: it authenticates, so it must be masked.
    let (status, _, body) = app
        .post_raw(
            &format!("{ADD}?access%5Ftoken={token}"),
            &[("content-type", "application/json")],
            br#"{"bind_type": 2, "region_id": "440300", "path": "p/b", "nested": {"My_Password": "hunter2"}}"#.to_vec(),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.contains(r#""err_no":0"#), "{body}");
    let form = format!("access%5Ftoken={token}&bind_type=2&region_id=130400&path=p%2Fa");
    let (_, _, body) = app
        .post_raw(
            ADD,
            &[("content-type", "application/x-www-form-urlencoded")],
            form.into_bytes(),
        )
        .await;
    assert!(
        body.contains(r#""err_no":0"#),
        "the form token authenticates: {body}"
    );
    let entries = journal(&app).await;
    let text = serde_json::to_string(&entries).expect("json");
    assert!(!text.contains(&token), "the token leaked: {text}");
    assert!(!text.contains("hunter2"), "the password leaked: {text}");
    let adds: Vec<&Value> = entries
        .iter()
        .filter(|e| e["path"] == ADD.trim_end_matches('/'))
        .collect();
    assert_eq!(adds[0]["query"], "access%5Ftoken=***");
    assert_eq!(adds[0]["request"]["nested"]["My_Password"], "***");
    assert_eq!(
        adds[1]["request"],
        "access%5Ftoken=***&bind_type=2&region_id=130400&path=p%2Fa"
    );
    assert!(
        adds.iter().all(|e| e["appid"].is_string()),
        "the app is found from the token"
    );
}

#[tokio::test]
async fn bodies_are_kept_whole_up_to_the_budget_and_cut_beyond_it() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.limits.journal_body_bytes = 1024)
        .await
        .expect("sqlite");
    let small = json!({"appid": "tt0000000000000001", "pad": "x".repeat(100)});
    app.post("/api/apps/v2/token", None, &small).await;
    let big =
        json!({"client_secret": "s3cr3t", "appid": "tt0000000000000002", "pad": "y".repeat(5000)});
    app.post("/oauth/client_token/", None, &big).await;
    let entries = journal(&app).await;
    assert_eq!(entries[0]["request"], small, "a complete body stays JSON");
    assert_eq!(entries[0]["request_truncated"], false);
    let cut = &entries[1];
    assert_eq!(cut["request_truncated"], true);
    let text = cut["request"].as_str().expect("a cut body is text");
    // The first 1024 bytes of the body, masked ("s3cr3t" became "***").
    assert_eq!(text.len(), 1024 - 3);
    assert!(
        text.starts_with(r#"{"appid":"tt0000000000000002","client_secret":"***","pad":"yyy"#),
        "{text}"
    );
    assert_eq!(
        cut["appid"], "tt0000000000000002",
        "fields past the cut still name the app"
    );
    assert_eq!(cut["response_truncated"], false);
    assert!(cut["response"].is_object());
}

#[tokio::test]
async fn oversized_bodies_are_refused_in_the_dialect_and_journaled_cut() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.limits.journal_body_bytes = 4096)
        .await
        .expect("sqlite");
    let huge = format!(
        r#"{{"access_token": "clt.secret", "pad": "{}"}}"#,
        "z".repeat(1_900_000)
    );
    let (status, _, body) = app.post_raw(ADD, &[], huge.clone().into_bytes()).await;
    assert_eq!(status, 413, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["err_no"], 10001, "the route's own parameter error: {v}");
    // A path no route serves: only what the journal keeps is read (the client may see the
    // connection closed after the answer, since the rest of its body is never read).
    let _ = app
        .http
        .post(format!("{}/no/such/route", app.base_url))
        .body(huge)
        .send()
        .await;
    let entries = journal(&app).await;
    assert!(!serde_json::to_string(&entries)
        .expect("json")
        .contains("clt.secret"));
    assert_eq!(entries.len(), 2, "{entries:?}");
    // The route read its 1 MiB: the journal kept the start of it.
    let refused = entries[0]["request"].as_str().expect("text");
    // The first 4096 bytes, masked: ` "clt.secret"` became `"***"`.
    assert_eq!(
        refused.len(),
        4096 - r#" "clt.secret""#.len() + r#""***""#.len()
    );
    assert!(
        refused.starts_with(r#"{"access_token":"***", "pad": "zzz"#),
        "{refused}"
    );
    // Nothing reads a body sent to a path no route serves: the journal kept what had arrived.
    let unread = entries[1]["request"].as_str().expect("text");
    assert!(unread.len() <= 4096, "{}", unread.len());
    assert_eq!(entries[1]["status"], 404);
    for e in &entries {
        assert_eq!(e["request_truncated"], true);
    }
}

#[tokio::test]
async fn the_journal_drops_its_oldest_entries_beyond_its_byte_budget() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.limits.journal_bytes = 64 << 10;
        c.journal_capacity = 100_000;
    })
    .await
    .expect("sqlite");
    for i in 0..100 {
        let body = json!({"i": i, "pad": "p".repeat(4000)});
        app.post("/api/apps/v2/token", None, &body).await;
    }
    let entries = journal(&app).await;
    let kept: usize = entries
        .iter()
        .map(|e| serde_json::to_string(&e["request"]).expect("json").len())
        .sum();
    assert!(kept <= 64 << 10, "{kept}");
    assert!((10..16).contains(&entries.len()), "{}", entries.len());
    assert_eq!(entries.last().expect("newest")["request"]["i"], 99);
    let seqs: Vec<i64> = entries
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "the newest, in order: {seqs:?}"
    );
}
