//! Rust SDK for the Douyin mini-program open APIs, against dyopen or the real platform.
//!
//! - [`Client`] ([`client`]): base URLs (the platform's two hosts by default, or one dyopen URL),
//!   credentials, managed tokens (cached, refreshed ahead of expiry with single-flight — a failed
//!   fetch is shared by the callers that waited for it — refreshed once when the platform rejects
//!   one), jittered retries on system errors and unsent requests, an optional [`RateLimiter`].
//!   Each API gets the token kind the real platform expects: the client token (`clt.…`) for the
//!   v1 URL-link and v2 task APIs, the mini-program v2 token (`08…`) for city binding, talents
//!   and the legacy URL link ([`ClientBuilder::token_kind`] forces one kind; dyopen accepts both).
//! - One module per API family, each adding methods to [`Client`]: [`mod@token`], [`region`], [`link`], [`task`],
//!   [`talents`] (split into calls of ten).
//! - [`raw`]: one request exactly as given, its answer exactly as received (no retry, no
//!   managed token), for comparing servers (`dyopen verify`).
//! - [`AdminClient`] ([`admin`]): dyopen's own admin API and emulator clock.
//! - [`Error`]: one error type with the platform code, message and log id.
//!
//! ```no_run
//! # async fn run() -> dyopen_client::Result<()> {
//! use dyopen_client::{Client, Error, RegionTarget};
//! let client = Client::new("http://127.0.0.1:8080", "tt0123456789abcdef", "0123456789abcdef0123456789abcdef")?;
//! match client.region_add(&RegionTarget::Whole, "440300").await {
//!     Ok(data_id) => println!("bound as {data_id}"),
//!     Err(Error::Api { code, message, log_id }) => eprintln!("{code} {message} {log_id:?}"),
//!     Err(other) => return Err(other),
//! }
//! # Ok(()) }
//! ```

pub mod admin;
mod auth;
pub mod client;
pub mod error;
mod family;
mod limiter;
pub mod link;
pub mod raw;
pub mod region;
mod retry;
pub mod talents;
pub mod task;
pub mod token;
mod transport;

pub use admin::AdminClient;
pub use auth::TokenKind;
pub use client::{Client, ClientBuilder, DOUYIN_BASE_URL, TOUTIAO_BASE_URL};
pub use dyopen_wire as wire;
pub use error::{Error, Result};
pub use limiter::RateLimiter;
pub use link::NewUrlLink;
pub use region::RegionTarget;
pub use retry::RetryPolicy;
pub use talents::{TalentOp, TalentsUpdate};
pub use task::TaskStatus;
