//! [`AppState`]: the one cloneable context every handler receives.

use crate::links::LinkRuntime;
use dyopen_core::clock::{Clock, ManualClock};
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
    /// The settable clock, in emulator mode (the same object as `clock`).
    pub emulator_clock: Option<Arc<ManualClock>>,
    /// Emulator state (journal, faults, demo app), in emulator mode.
    pub emulator: Option<Arc<crate::emulator::Emulator>>,
    /// Bearer token of the admin API.
    pub admin_token: Arc<str>,
    /// Base of generated URL links, without a trailing slash.
    pub public_base_url: Arc<str>,
    /// 8 hex digits of this instance's address, for log ids.
    pub instance_hex: Arc<str>,
    /// URL links: cache, qps limiter, visit counter.
    pub links: Arc<LinkRuntime>,
}
