//! Wire plumbing shared by every route: log ids, path normalisation, the dialect error type,
//! body extractors, token resolution, the 404/405 fallbacks and the handler timeout.

pub mod auth;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod handler_timeout;
pub mod logid;
pub mod normalize;

pub use error::ApiError;
pub use extract::WireJson;
pub use logid::LogId;
