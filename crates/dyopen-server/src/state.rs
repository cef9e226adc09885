//! [`AppState`]: the one cloneable context every handler receives.

use crate::links::LinkRuntime;
use dyopen_core::clock::Clock;
use dyopen_core::Store;
use std::sync::Arc;

/// Shared state of one server instance: a handle to [`AppContext`], so cloning it per request
/// (axum does, for every extractor and middleware) costs one reference count.
#[derive(Clone)]
pub struct AppState(Arc<AppContext>);

impl AppState {
    /// Wraps a context.
    pub fn new(context: AppContext) -> Self {
        Self(Arc::new(context))
    }
}

impl std::ops::Deref for AppState {
    type Target = AppContext;
    fn deref(&self) -> &AppContext {
        &self.0
    }
}

/// What every handler can reach.
pub struct AppContext {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// The one source of time.
    pub clock: Arc<dyn Clock>,
    /// Real time, whatever the emulator clock says: console sessions live by it.
    pub wall_clock: Arc<dyn Clock>,
    /// Emulator state (journal, faults, demo app), in emulator mode.
    pub emulator: Option<Arc<crate::emulator::Emulator>>,
    /// SHA-256 (hex) of the admin API's bearer token, computed once at start.
    pub admin_token_hash: Arc<str>,
    /// Base of generated URL links, without a trailing slash.
    pub public_base_url: Arc<str>,
    /// 8 hex digits of this instance's address, for log ids.
    pub instance_hex: Arc<str>,
    /// URL links: cache, qps limiter, visit counter.
    pub links: Arc<LinkRuntime>,
    /// Resource bounds (SPEC §8).
    pub limits: crate::config::Limits,
    /// `--emulator-remote`: the emulator routes need the admin token.
    pub emulator_remote: bool,
    /// This instance's metrics.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Turns true when shutdown begins (endless responses such as the console's journal tail
    /// end then, so draining does not wait for them).
    pub stopping: tokio::sync::watch::Receiver<bool>,
}
