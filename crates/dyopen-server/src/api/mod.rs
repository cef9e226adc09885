//! The platform's open APIs, one module per family. Paths are registered without a trailing
//! slash; `http::normalize` makes `//x/` and `/x/` reach them.

pub mod link;
pub mod region;
pub mod token;

use crate::state::AppState;
use axum::Router;

/// Every open-API route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(token::router())
        .merge(region::router())
        .merge(link::router())
}
