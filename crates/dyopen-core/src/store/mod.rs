//! The storage boundary: one trait per table group, implemented by `dyopen-store` for SQLite
//! and PostgreSQL. Every cap is decided by a core rule *inside* the store's transaction, after
//! the parent row (app or task) is locked, so caps hold across instances.

mod apps;
mod demo;
mod links;
mod regions;
mod sessions;
mod tasks;

pub use apps::AppStore;
pub use demo::{DemoApp, DemoStore};
pub use links::LinkStore;
pub use regions::RegionStore;
pub use sessions::SessionStore;
pub use tasks::TaskStore;

use crate::clock::Seconds;
use thiserror::Error;

/// How long a link batch's write receipt is kept (real time, not the settable clock): far longer
/// than any retry of its batch, which is all a receipt is for (it makes a retried batch whose
/// COMMIT outcome was unknown idempotent; see `dyopen-store`'s `links/receipts.rs`).
pub const WRITE_RECEIPT_TTL: Seconds = Seconds::days(1);

/// A storage failure. Backend details are logged by the store, never sent to clients.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A uniqueness or foreign-key constraint was violated.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database failed or is unreachable. The cause is kept whole for the logs (a caller may
    /// downcast it); its text is already part of this error's, so it is not also its `source()`,
    /// which would print it twice in an error chain.
    #[error("backend: {0}")]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

/// Everything dyopen stores.
pub trait Store:
    AppStore + RegionStore + TaskStore + LinkStore + DemoStore + SessionStore + Send + Sync + 'static
{
}

impl<
        T: AppStore
            + RegionStore
            + TaskStore
            + LinkStore
            + DemoStore
            + SessionStore
            + Send
            + Sync
            + 'static,
    > Store for T
{
}
