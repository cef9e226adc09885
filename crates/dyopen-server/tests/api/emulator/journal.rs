//! The request journal: filters, its bound, and secrets masked in JSON and form bodies.

use super::*;

#[tokio::test]
async fn journal_records_requests_with_secrets_masked_and_filters() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (mini, t) = app.app_with_token().await;
    let (other, t2) = app.app_with_token().await;
    app.post(
        ADD,
        Some(&t),
        &json!({"bind_type": 1, "region_id": "440300"}),
    )
    .await;
    app.post(
        "//api/product/v1/app_region_add/",
        Some(&t2),
        &json!({"bind_type": 1, "region_id": "130400"}),
    )
    .await;
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        &format!("/journal?appid={}", mini.appid),
        None,
    )
    .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{page}"); // the token request and the add
    assert_eq!(entries[0]["path"], "/oauth/client_token");
    assert_eq!(entries[0]["request"]["client_secret"], "***");
    assert_eq!(entries[0]["response"]["data"]["access_token"], "***");
    assert_eq!(entries[1]["path"], "/api/product/v1/app_region_add");
    assert_eq!(entries[1]["response"]["err_no"], 0);
    assert_eq!(entries[1]["log_id"], entries[1]["response"]["log_id"]);
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        &format!("/journal?path={ADD}&limit=1"),
        None,
    )
    .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["appid"], other.appid.as_str());
    // Admin calls are journaled with the secret masked.
    let (_, page) = emu(
        &app,
        reqwest::Method::GET,
        "/journal?path=/admin/v1/apps",
        None,
    )
    .await;
    assert!(page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["response"]["secret"] == "***"));
}

#[tokio::test]
async fn journal_is_bounded() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.journal_capacity = 5)
        .await
        .unwrap();
    for _ in 0..8 {
        app.post("/api/apps/v2/token", None, &json!({})).await;
    }
    let (_, page) = emu(&app, reqwest::Method::GET, "/journal?limit=100", None).await;
    assert_eq!(page["capacity"], 5);
    let seqs: Vec<i64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, vec![4, 5, 6, 7, 8]);
}

#[tokio::test]
async fn journal_masks_form_bodies_and_withholds_unparsable_ones_naming_secrets() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mini = app.create_app(&["pages/index/index"]).await;
    let form = format!(
        "client_key={}&client_secret={}&grant_type=client_credential",
        mini.appid, mini.secret
    );
    app.post_raw(
        "/oauth/client_token/",
        &[("content-type", "application/x-www-form-urlencoded")],
        form.into(),
    )
    .await;
    app.post_raw(
        "/api/apps/url_link/generate",
        &[],
        br#"{"access_token": "08abc", "ma_app_id": "#.to_vec(),
    )
    .await;
    let (_, page) = emu(&app, reqwest::Method::GET, "/journal", None).await;
    let text = page.to_string();
    assert!(!text.contains(&mini.secret), "the secret leaked: {text}");
    assert!(!text.contains("08abc"), "the token leaked: {text}");
    let entries = page["entries"].as_array().unwrap();
    let form_entry = entries
        .iter()
        .find(|e| e["path"] == "/oauth/client_token")
        .unwrap();
    assert_eq!(
        form_entry["request"],
        format!(
            "client_key={}&client_secret=***&grant_type=client_credential",
            mini.appid
        )
    );
    let broken = entries
        .iter()
        .find(|e| e["path"] == "/api/apps/url_link/generate")
        .unwrap();
    assert_eq!(
        broken["request"],
        "[body withheld: not JSON and names a secret field]"
    );
}
