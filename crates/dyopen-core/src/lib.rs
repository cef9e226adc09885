//! dyopen's domain: every rule of the platform lives here, once.
//!
//! - [`clock`]: the one source of time ([`Clock`]), real or emulated.
//! - [`app`]: apps, appids, secrets, published pages.
//! - [`token`]: access tokens (kinds, lifetime, hashing).
//! - [`region`]: the city catalogue and the city-binding rules.
//! - [`task`]: tasks, exclusive talents and submissions.
//! - [`link`]: URL links (codes, query rules, hosts, expiry).
//! - [`ids`]: 19-digit ids (`data_id`, task ids).
//! - [`session`]: console sessions (lifetime, tokens, CSRF).
//! - [`store`]: the [`Store`] trait the storage backends implement.
//! - [`redact`]: passwords out of printed connection URLs.
//! - [`secrets`]: which fields carry secrets, masked in recordings and ignored by replay.

pub mod app;
pub mod clock;
pub mod ids;
pub mod link;
pub mod redact;
pub mod region;
pub mod secrets;
pub mod session;
pub mod store;
pub mod task;
pub mod token;

pub use clock::{Clock, Seconds, Timestamp, UnixSecs};
pub use store::{Store, StoreError};
