//! The platform's open APIs, one module per family. Paths are registered without a trailing
//! slash; `http::normalize` makes `//x/` and `/x/` reach them.
//!
//! Each family registers its routes through [`OpenApiRoutes::route`], naming the error dialect of
//! each route there, once. Errors raised outside a handler (an injected `system_error` fault, an
//! oversized body met by `--replay`, the handler timeout) are answered from that record by
//! [`error_for_path`]: they happen before routing or after the handler was dropped, where no
//! route layer runs (docs/decisions/0012-route-dialects-recorded-at-registration.md).

pub mod link;
pub mod region;
pub mod task;
pub mod token;

use crate::http::ApiError;
use crate::state::AppState;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;
use dyopen_wire::dialect::{admin_codes, Admin, Dialect};
use dyopen_wire::ParamProblem;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Answers an out-of-band error in one dialect.
type Render = fn(OutOfBandError) -> Response;

/// The open-API routes being registered, each with its error dialect.
#[derive(Default)]
pub struct OpenApiRoutes {
    router: Router<AppState>,
    dialects: HashMap<&'static str, Render>,
}

impl OpenApiRoutes {
    /// Registers `method` at `path`, its out-of-band errors written in dialect `D`.
    pub fn route<D: Dialect>(mut self, path: &'static str, method: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, method);
        self.dialects.insert(path, render::<D>);
        self
    }
}

/// Every open-API route, registered by its family.
fn registered() -> OpenApiRoutes {
    let routes = OpenApiRoutes::default();
    let routes = token::register(routes);
    let routes = region::register(routes);
    let routes = task::register(routes);
    link::register(routes)
}

/// The dialect of each open-API route, as registered (built once, on first use).
static DIALECTS: LazyLock<HashMap<&'static str, Render>> = LazyLock::new(|| registered().dialects);

/// Every open-API route.
pub fn router() -> Router<AppState> {
    registered().router
}

/// An error produced for a path outside its handler (emulator faults, oversized journaled bodies,
/// the handler timeout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutOfBandError {
    /// The route's system error (an injected `system_error` fault).
    System,
    /// The route's parameter error.
    Param(ParamProblem),
    /// The handler did not answer within `--handler-timeout`: the route's system error on open
    /// APIs, 503 elsewhere.
    HandlerTimeout,
}

fn render<D: Dialect>(e: OutOfBandError) -> Response {
    match e {
        OutOfBandError::System => {
            ApiError::<D>::system("injected system_error fault").into_response()
        }
        OutOfBandError::HandlerTimeout => ApiError::<D>::system("handler timeout").into_response(),
        OutOfBandError::Param(p) => ApiError::<D>::param(p).into_response(),
    }
}

/// `e` answered in the dialect registered for the open-API route at `path` (normalised); on
/// every other path (admin, console, links, unknown paths) in admin JSON, a handler timeout as 503.
pub fn error_for_path(path: &str, e: OutOfBandError) -> Response {
    if let Some(render) = DIALECTS.get(path) {
        return render(e);
    }
    match e {
        OutOfBandError::HandlerTimeout => ApiError::<Admin>::new(
            admin_codes::UNAVAILABLE,
            "no answer within the handler timeout",
        )
        .with_status(axum::http::StatusCode::SERVICE_UNAVAILABLE)
        .into_response(),
        e => render::<Admin>(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn json(response: Response) -> (u16, serde_json::Value) {
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"))
    }

    #[test]
    fn every_documented_open_api_path_has_a_registered_dialect() {
        let doc = crate::openapi::document();
        let paths = doc["paths"].as_object().expect("paths");
        let open: Vec<&str> = paths
            .keys()
            .map(|p| p.trim_end_matches('/'))
            .filter(|p| p.starts_with("/api/") || p.starts_with("/oauth/"))
            .collect();
        assert_eq!(open.len(), DIALECTS.len(), "{open:?}");
        for path in open {
            assert!(DIALECTS.contains_key(path), "{path} has no dialect");
        }
    }

    #[tokio::test]
    async fn out_of_band_errors_take_the_registered_dialect() {
        let (status, v) = json(error_for_path(
            "/api/product/v1/app_region_add",
            OutOfBandError::System,
        ))
        .await;
        assert_eq!(
            (status, &v["err_no"], &v["data_id"]),
            (200, &10000.into(), &"".into())
        );
        let (status, v) = json(error_for_path(
            "/api/apps/taskbox/update_orient_talents",
            OutOfBandError::HandlerTimeout,
        ))
        .await;
        assert_eq!((status, &v["error"]), (200, &4001010.into()));
        let (status, v) = json(error_for_path(
            "/oauth/client_token",
            OutOfBandError::System,
        ))
        .await;
        assert_eq!((status, &v["data"]["error_code"]), (200, &2190002.into()));
        // Not a registered open API: admin JSON, a timeout as 503.
        let (status, v) = json(error_for_path(
            "/api/apps/v1/no_such_route",
            OutOfBandError::HandlerTimeout,
        ))
        .await;
        assert_eq!((status, &v["error"]["code"]), (503, &"unavailable".into()));
    }
}
