//! `/openapi.json`: the OpenAPI 3.1 document of every route, generated from the handlers'
//! `#[utoipa::path]` attributes and the wire types' schemas.
//!
//! A handler's attribute lists what the handler and its extractors answer (success, the
//! dialect's error envelope, 400/404/409, 413 for an oversized body). `Layers` adds what the
//! layers around the handlers answer, in one place: the admin token check (401, on the emulator
//! routes too with `--emulator-remote`), internal errors of the admin API (500), the handler
//! timeout (503), the emulator's injected faults (500, 504), the emulator
//! routes' absence without `--emulator` (404), and the `X-Tt-Logid` header of every answer.
//! The choices are recorded in `docs/decisions/0008-openapi-tells-the-truth.md`.

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use dyopen_wire::dialect::{
    admin_codes, Admin, AdminError, City, ClientToken, Dialect, LinkLegacy, Open, Talents, V2Token,
};
use serde_json::Value;
use std::sync::LazyLock;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dyopen",
        description = "Wire-compatible Douyin mini-program open APIs (tokens, city binding, URL links, tasks and talents), plus dyopen's admin and emulator APIs. Business errors answer HTTP 200 in each family's envelope (a `oneOf` of success and error where their shapes differ); each error schema enumerates its family's codes with their meanings (and docs/api-conventions.md lists them too). A method a path does not serve answers 405 and an unknown path 404, both as `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        crate::health::healthz,
        crate::health::readyz,
        crate::metrics::endpoint::behind_admin_token,
        crate::api::token::v2::handler,
        crate::api::token::client::handler,
        crate::api::region::add::handler,
        crate::api::region::delete::handler,
        crate::api::region::modify::handler,
        crate::api::task::add_task::handler,
        crate::api::task::update_status::handler,
        crate::api::task::query_task_info::handler,
        crate::api::task::query_app_task_id::handler,
        crate::api::task::update_orient_talents::handler,
        crate::api::link::generate_legacy::handler,
        crate::api::link::generate::handler,
        crate::api::link::query_info::handler,
        crate::api::link::query_quota::handler,
        crate::links::redirect::resolve,
        crate::admin::apps::create,
        crate::admin::apps::list,
        crate::admin::apps::get,
        crate::admin::apps::update,
        crate::admin::apps::rotate_secret,
        crate::admin::providers::grant,
        crate::admin::providers::list,
        crate::admin::providers::revoke,
        crate::admin::regions::list,
        crate::admin::tasks::list,
        crate::admin::tasks::get,
        crate::admin::tasks::submit,
        crate::admin::links::list,
        crate::emulator::clock::read,
        crate::emulator::clock::set,
        crate::emulator::reset::reset,
        crate::emulator::fixture::seed,
        crate::emulator::routes::list_journal,
        crate::emulator::routes::clear_journal,
        crate::emulator::routes::add_fault,
        crate::emulator::routes::list_faults,
        crate::emulator::routes::clear_faults,
        openapi_json,
    ),
    modifiers(&Security, &Layers)
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "access_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "access-token",
                "A v2 (08…) or client (clt.…) token; also accepted as the body's or query string's access_token",
            ))),
        );
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The header every answer carries (`http::logid`).
pub const LOG_ID_HEADER: &str = "X-Tt-Logid";
/// Its shape: `02` + 13-digit epoch ms + 20 zeros + `ffff` + 8 hex of the instance + 6 hex.
pub const LOG_ID_PATTERN: &str = "^02[0-9]{13}0{20}ffff[0-9a-f]{14}$";

/// Statuses and headers added by the layers around the handlers (see the module doc).
struct Layers;

/// Which layers wrap the routes under a path (`startup::router` and `startup::app_service`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    /// `/admin/v1`: admin token, internal errors, emulator faults, handler timeout.
    Admin,
    /// `/_emulator/v1`: mounted only with `--emulator`, behind the admin token with
    /// `--emulator-remote`; not journaled; handler timeout.
    Emulator,
    /// `/healthz` (answers at once) and `/readyz` (exempt from the handler timeout, its own 503).
    Health,
    /// The open APIs (`/api/…`, `/oauth/…`): emulator faults; a timed-out handler answers
    /// the dialect's system error with HTTP 200, documented by the handler.
    OpenApi,
    /// `/{code}`, `/openapi.json`: emulator faults, handler timeout.
    Public,
}

fn area(path: &str) -> Area {
    if path.starts_with("/admin/") {
        Area::Admin
    } else if path.starts_with("/_emulator/") {
        Area::Emulator
    } else if path == "/healthz" || path == "/readyz" {
        Area::Health
    } else if path.starts_with("/api/") || path.starts_with("/oauth/") {
        Area::OpenApi
    } else {
        Area::Public
    }
}

/// Adds `status` with the admin error body unless the handler documents it already.
fn ensure_admin_error(op: &mut Operation, status: u16, description: &str) {
    let key = status.to_string();
    if op.responses.responses.contains_key(&key) {
        return;
    }
    let content = ContentBuilder::new()
        .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
            AdminError::name(),
        ))))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/json", content)
        .build();
    op.responses.responses.insert(key, response.into());
}

fn add_layer_statuses(op: &mut Operation, area: Area) {
    if area == Area::Admin {
        ensure_admin_error(
            op,
            401,
            "Missing or wrong admin token (`Authorization: Bearer …`)",
        );
        ensure_admin_error(op, 500, "Internal error (the cause is logged, not sent)");
    }
    if area == Area::Emulator {
        ensure_admin_error(
            op,
            401,
            "With `--emulator-remote`: missing or wrong admin token",
        );
        ensure_admin_error(op, 404, "Emulator mode is off (the route is not mounted)");
    }
    if matches!(area, Area::Admin | Area::Emulator | Area::Public) {
        ensure_admin_error(op, 503, "No answer within `--handler-timeout`");
    }
    if matches!(area, Area::Admin | Area::OpenApi | Area::Public) {
        ensure_admin_error(
            op,
            500,
            "Emulator mode: an injected `http_500` fault (or `system_error` on a non-open-API route)",
        );
        ensure_admin_error(op, 504, "Emulator mode: an injected `timeout` fault");
    }
    let log_id = HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(LOG_ID_PATTERN)),
        )
        .description(Some("The request's 53-character log id"))
        .build();
    for response in op.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            response
                .headers
                .insert(LOG_ID_HEADER.to_owned(), log_id.clone());
        }
    }
}

impl Modify for Layers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let area = area(path);
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ]
            .into_iter()
            .flatten()
            {
                add_layer_statuses(op, area);
            }
        }
    }
}

/// Marks every `X-Tt-Logid` response header `required` (utoipa's header type has no such field).
fn require_log_id_headers(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(header)) = map.get_mut(LOG_ID_HEADER) {
                header.insert("required".to_owned(), Value::Bool(true));
            }
            map.values_mut().for_each(require_log_id_headers);
        }
        Value::Array(items) => items.iter_mut().for_each(require_log_id_headers),
        _ => {}
    }
}

/// An error schema's code field: schema, property, the success code where the schema serves
/// success answers too, and the dialect's codes with their meanings.
struct CodeField {
    schema: &'static str,
    field: &'static str,
    ok: Option<i64>,
    codes: Vec<(Value, &'static str)>,
}

/// The code field of each error schema and the codes of its dialect.
fn code_fields() -> [CodeField; 7] {
    fn numbers<D: Dialect>() -> Vec<(Value, &'static str)> {
        D::CODES
            .iter()
            .map(|(c, m)| (Value::from(*c), *m))
            .collect()
    }
    let admin = Admin::CODES
        .iter()
        .map(|(c, m)| (Value::from(admin_codes::name(*c)), *m))
        .collect();
    let field = |schema, field, ok, codes| CodeField {
        schema,
        field,
        ok,
        codes,
    };
    [
        field("CityEnvelope", "err_no", Some(0), numbers::<City>()),
        field(
            "LinkLegacyEnvelope",
            "err_no",
            Some(0),
            numbers::<LinkLegacy>(),
        ),
        field(
            "ClientTokenData",
            "error_code",
            Some(0),
            numbers::<ClientToken>(),
        ),
        field("OpenError", "err_no", None, numbers::<Open>()),
        field("TalentsError", "error", None, numbers::<Talents>()),
        field("V2TokenError", "err_no", None, numbers::<V2Token>()),
        field("AdminErrorDetail", "code", None, admin),
    ]
}

/// Each error schema's code field enumerates its dialect's codes ([`Dialect::CODES`]), with
/// their meanings in its description: the one list of a family's codes in the document.
fn enumerate_codes(doc: &mut Value) {
    for CodeField {
        schema,
        field,
        ok,
        codes,
    } in code_fields()
    {
        let Some(property) = doc
            .pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let ok = ok.map(|c| (Value::from(c), "success"));
        let all: Vec<(Value, &str)> = ok.into_iter().chain(codes).collect();
        let meanings: Vec<String> = all.iter().map(|(c, m)| format!("`{c}` {m}")).collect();
        property.insert("enum".to_owned(), all.into_iter().map(|(c, _)| c).collect());
        property.insert(
            "description".to_owned(),
            Value::from(format!("One of: {}.", meanings.join("; "))),
        );
    }
}

/// The document as JSON, as `/openapi.json` serves it.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    require_log_id_headers(&mut doc);
    enumerate_codes(&mut doc);
    doc
}

static DOCUMENT: LazyLock<Vec<u8>> =
    LazyLock::new(|| serde_json::to_vec(&document()).unwrap_or_default());

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", operation_id = "openapi_json", tag = "operations",
    responses((status = 200, description = "This document", body = Object)))]
pub async fn openapi_json() -> Response {
    ([(CONTENT_TYPE, "application/json")], DOCUMENT.as_slice()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_schema_enumerates_its_dialect_codes() {
        let doc = document();
        for CodeField {
            schema,
            field,
            ok,
            codes,
        } in code_fields()
        {
            let property = doc
                .pointer(&format!("/components/schemas/{schema}/properties/{field}"))
                .unwrap_or_else(|| panic!("{schema}.{field} is in the document"));
            let listed = property["enum"].as_array().expect("an enum");
            assert_eq!(
                listed.len(),
                codes.len() + usize::from(ok.is_some()),
                "{schema}"
            );
            for (code, _) in &codes {
                assert!(listed.contains(code), "{schema}.{field} lists {code}");
            }
        }
        let city = &doc["components"]["schemas"]["CityEnvelope"]["properties"]["err_no"];
        assert_eq!(
            city["enum"],
            serde_json::json!([0, 10000, 10001, 10100, 10101])
        );
        let admin = &doc["components"]["schemas"]["AdminErrorDetail"]["properties"]["code"];
        assert!(admin["enum"]
            .as_array()
            .expect("names")
            .contains(&"invalid_request".into()));
    }

    #[test]
    fn every_operation_id_is_unique() {
        let doc = document();
        let mut seen = std::collections::BTreeSet::new();
        for ops in doc["paths"].as_object().expect("paths").values() {
            for op in ops.as_object().expect("operations").values() {
                let id = op["operationId"].as_str().expect("operationId");
                assert!(seen.insert(id.to_owned()), "duplicate operationId {id}");
            }
        }
    }

    #[test]
    fn log_id_pattern_matches_a_generated_id() {
        let id = crate::http::LogId::generate(1_714_521_600_000, "7f000001");
        assert_eq!(id.len(), 53);
        // The pattern, spelt out: `02`, 13 digits, 20 zeros, `ffff`, 14 lowercase hex.
        assert_eq!(LOG_ID_PATTERN, "^02[0-9]{13}0{20}ffff[0-9a-f]{14}$");
        assert!(id.starts_with("021714521600000"));
        assert_eq!(&id[15..35], "0".repeat(20));
        assert_eq!(&id[35..39], "ffff");
        let tail = &id[39..];
        assert_eq!(tail.len(), 14);
        assert!(tail
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
}
