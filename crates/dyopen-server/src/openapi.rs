//! `/openapi.json`: the OpenAPI 3.1 document of every route, generated from the handlers'
//! `#[utoipa::path]` attributes and the wire types' schemas.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dyopen",
        description = "Wire-compatible Douyin mini-program open APIs (tokens, city binding, URL links, tasks and talents), plus dyopen's admin and emulator APIs. Business errors answer HTTP 200 in each family's envelope; every code is listed in docs/api-conventions.md."
    ),
    paths(
        crate::health::healthz,
        crate::health::readyz,
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
        crate::emulator::journal::list,
        crate::emulator::journal::clear,
        crate::emulator::faults::add,
        crate::emulator::faults::list,
        crate::emulator::faults::clear,
        openapi_json,
    ),
    modifiers(&Security)
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

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "This document")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
