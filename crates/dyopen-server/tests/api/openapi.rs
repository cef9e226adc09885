//! `/openapi.json` describes every route: each documented operation is routed (not the 404/405
//! fallback), and every `.route("…")` registered in the server's source is documented.

use crate::helpers::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn normalize(path: &str) -> String {
    let trimmed: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    format!("/{}", trimmed.join("/"))
}

/// `(prefix, route literal)` of every `.route("…")` under `dir`.
fn routes_in_source(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            routes_in_source(&path, out);
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read file");
        let rel = path.to_string_lossy();
        let prefix = if rel.contains("/src/admin/") {
            "/admin/v1"
        } else if rel.contains("/src/emulator/") {
            "/_emulator/v1"
        } else {
            ""
        };
        for piece in text.split(".route(").skip(1) {
            if let Some(rest) = piece.trim_start().strip_prefix('"') {
                let literal = rest.split('"').next().expect("closing quote");
                out.insert(normalize(&format!("{prefix}{literal}")));
            }
        }
    }
}

async fn document(app: &TestApp) -> Value {
    let res = app
        .http
        .get(format!("{}/openapi.json", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn every_registered_route_is_documented() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|p| normalize(p))
        .collect();
    let mut registered = BTreeSet::new();
    routes_in_source(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut registered,
    );
    assert!(
        registered.len() >= 15,
        "the source scan found too few routes: {registered:?}"
    );
    let missing: Vec<&String> = registered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from /openapi.json: {missing:?}"
    );
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{appid}", "tt0000000000000000")
            .replace("{provider_appid}", "tt0000000000000001")
            .replace("{code}", "Zz9Zz9Z");
        let concrete = concrete.replace(['{', '}'], "");
        for method in ops.as_object().unwrap().keys() {
            if path == "/_emulator/v1/reset" {
                continue; // would wipe the state other checks rely on; covered by the emulator tests
            }
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app
                .http
                .request(m, format!("{}{concrete}", app.base_url))
                .bearer_auth(ADMIN_TOKEN)
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path}: {body}");
            assert!(
                !body.contains("no such route"),
                "{method} {path} is documented but not routed"
            );
        }
    }
}

#[tokio::test]
async fn error_schemas_and_security_are_described() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("access_token") && schemes.contains_key("admin_token"));
    let add = &doc["paths"]["/api/product/v1/app_region_add/"]["post"];
    assert!(add["responses"]["200"]["description"]
        .as_str()
        .unwrap()
        .contains("10101"));
    for schema in [
        "CityEnvelope",
        "RegionAddRequest",
        "AdminError",
        "V2TokenResponse",
        "JournalEntry",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "{schema}"
        );
    }
}
