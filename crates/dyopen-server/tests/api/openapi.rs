//! `/openapi.json` describes every route: each documented operation is routed (not the 404/405
//! fallback), and every `.route("…")` registered in the server's source is documented.

use dyopen_testkit::*;
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
    // The city dialect's throttle code is documented once, on its envelope's code field, which
    // app_region_add's answer uses.
    let add = &doc["paths"]["/api/product/v1/app_region_add/"]["post"];
    assert!(
        add["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .ends_with("/CityEnvelope")
    );
    let err_no = &doc["components"]["schemas"]["CityEnvelope"]["properties"]["err_no"];
    assert!(err_no["enum"].as_array().unwrap().contains(&10101.into()));
    assert!(err_no["description"].as_str().unwrap().contains("10101"));
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

/// The schema behind a `$ref` (or the schema itself).
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} is in the document")),
        None => schema,
    }
}

/// Whether `body` has the shape of `schema`: exactly one `oneOf` branch fits, every required
/// property is present, no property the schema does not list (when it lists any, or forbids
/// others), recursively. Types of scalars are left to schemathesis.
fn fits(doc: &Value, schema: &Value, body: &Value) -> bool {
    let schema = resolve(doc, schema);
    if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
        return branches.iter().filter(|s| fits(doc, s, body)).count() == 1;
    }
    let Some(object) = body.as_object() else {
        return schema.get("type") != Some(&Value::from("object"));
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    let closed = properties.is_some() || schema.get("additionalProperties") == Some(&false.into());
    let required = schema.get("required").and_then(Value::as_array);
    let has_required = required
        .into_iter()
        .flatten()
        .all(|k| object.contains_key(k.as_str().unwrap_or_default()));
    let all_listed = !closed
        || object.iter().all(|(k, v)| {
            properties
                .and_then(|p| p.get(k))
                .is_some_and(|p| fits(doc, p, v))
        });
    has_required && all_listed
}

fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let content = &doc["paths"][path][method]["responses"][status.to_string()]["content"];
    content
        .get("application/json")
        .map(|c| &c["schema"])
        .unwrap_or_else(|| panic!("{method} {path} documents {status} as JSON"))
}

#[tokio::test]
async fn every_open_api_error_answer_fits_its_documented_envelope() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let too_large = format!("{{\"x\":\"{}\"}}", "a".repeat(1 << 20));
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if !(path.starts_with("/api/") || path.starts_with("/oauth/")) {
            continue;
        }
        assert!(ops.get("post").is_some(), "{path} is a POST");
        for (body, want) in [("not json", 200), ("{}", 200), (too_large.as_str(), 413)] {
            let res = app
                .http
                .post(format!("{}{path}", app.base_url))
                .header("content-type", "application/json")
                .body(body.to_owned())
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), want, "{path} {}", &body[..8]);
            assert!(res.headers().contains_key("x-tt-logid"));
            let answer: Value = res.json().await.unwrap();
            let schema = response_schema(&doc, path, "post", want);
            assert!(
                fits(&doc, schema, &answer),
                "{path} answered {answer} outside its documented {want} schema {schema}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 14 * 3, "every open API was checked");
}

#[tokio::test]
async fn admin_and_emulator_errors_are_documented_where_they_occur() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let base = &app.base_url;
    let cases = [
        ("/admin/v1/apps", "get", "/admin/v1/apps", None, 401),
        (
            "/admin/v1/apps",
            "get",
            "/admin/v1/apps?page=0",
            Some(ADMIN_TOKEN),
            400,
        ),
        (
            "/admin/v1/apps/{appid}/links",
            "get",
            "/admin/v1/apps/tt0000000000000000/links?page_size=x",
            Some(ADMIN_TOKEN),
            400,
        ),
        (
            "/admin/v1/apps/{appid}/tasks",
            "get",
            "/admin/v1/apps/tt0000000000000000/tasks?page_size=201",
            Some(ADMIN_TOKEN),
            400,
        ),
        (
            "/admin/v1/tasks/{task_id}/submissions",
            "post",
            "/admin/v1/tasks/1/submissions",
            None,
            401,
        ),
        (
            "/_emulator/v1/journal",
            "get",
            "/_emulator/v1/journal?limit=-1",
            None,
            400,
        ),
    ];
    for (documented, method, url, token, want) in cases {
        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut req = app.http.request(m, format!("{base}{url}")).body("{}");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), want, "{method} {url}");
        let answer: Value = res.json().await.unwrap();
        let schema = response_schema(&doc, documented, method, want);
        assert!(fits(&doc, schema, &answer), "{method} {url}: {answer}");
    }
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let statuses = op["responses"].as_object().unwrap();
            if path.starts_with("/admin/") {
                assert!(statuses.contains_key("401"), "{method} {path} lacks 401");
            }
            if path.starts_with("/_emulator/") {
                assert!(statuses.contains_key("404"), "{method} {path} lacks 404");
            }
            for (status, response) in statuses {
                assert_eq!(
                    response["headers"]["X-Tt-Logid"]["required"], true,
                    "{method} {path} {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_shape_check_tells_success_from_error_and_rejects_strays() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let schema = response_schema(&doc, "/api/apps/v1/url_link/generate/", "post", 200);
    let envelope =
        |data: Value| serde_json::json!({"err_no": 0, "err_msg": "", "log_id": "L", "data": data});
    assert!(fits(
        &doc,
        schema,
        &envelope(serde_json::json!({"url_link": "u"}))
    ));
    assert!(fits(&doc, schema, &envelope(serde_json::json!({}))));
    assert!(!fits(
        &doc,
        schema,
        &envelope(serde_json::json!({"stray": 1}))
    ));
    assert!(!fits(
        &doc,
        schema,
        &serde_json::json!({"err_no": 1, "err_msg": "", "data": {}})
    ));
}
