//! The platform's open APIs, one module per family. Paths are registered without a trailing
//! slash; `http::normalize` makes `//x/` and `/x/` reach them.

pub mod link;
pub mod region;
pub mod task;
pub mod token;

use crate::state::AppState;
use axum::Router;

/// Every open-API route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(token::router())
        .merge(region::router())
        .merge(task::router())
        .merge(link::router())
}

use crate::http::ApiError;
use axum::response::{IntoResponse, Response};
use dyopen_wire::dialect::{
    Admin, City, CityAdd, ClientToken, Dialect, LinkLegacy, Open, Talents, V2Token,
};
use dyopen_wire::ParamProblem;

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

/// `e` answered in the dialect of the open API at `path` (normalised); admin JSON elsewhere.
pub fn error_for_path(path: &str, e: OutOfBandError) -> Response {
    match path {
        "/api/product/v1/app_region_add" => render::<CityAdd>(e),
        p if p.starts_with("/api/product/v1/app_region_") => render::<City>(e),
        "/api/apps/v2/token" => render::<V2Token>(e),
        "/oauth/client_token" => render::<ClientToken>(e),
        "/api/apps/url_link/generate" => render::<LinkLegacy>(e),
        p if p.starts_with("/api/apps/v1/") || p.starts_with("/api/match/v2/") => render::<Open>(e),
        p if p.starts_with("/api/apps/taskbox/") => render::<Talents>(e),
        _ if e == OutOfBandError::HandlerTimeout => ApiError::<Admin>::new(
            dyopen_wire::dialect::admin_codes::UNAVAILABLE,
            "no answer within the handler timeout",
        )
        .with_status(axum::http::StatusCode::SERVICE_UNAVAILABLE)
        .into_response(),
        _ => render::<Admin>(e),
    }
}
