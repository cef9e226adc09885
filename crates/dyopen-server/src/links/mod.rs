//! What makes generated links resolve: `GET /{code}` (302 to the host's scheme, a landing page
//! for browsers, 410 after expiry, 404 when unknown), the in-memory link cache, the qps limiter
//! (in process, or shared through Redis) and the visit counter with its background flusher; the
//! fast path answers cached redirects before routing.

pub mod cache;
pub mod fast_path;
pub mod landing;
pub mod limiter;
pub mod redirect;
pub mod visits;

use cache::LinkCache;
use limiter::QpsLimiter;
use visits::VisitCounter;

/// The per-instance runtime of links, held by [`crate::AppState`].
pub struct LinkRuntime {
    /// Resolved links and negative entries.
    pub cache: LinkCache,
    /// Generation qps per app.
    pub limiter: QpsLimiter,
    /// Visits not yet flushed to the database.
    pub visits: std::sync::Arc<VisitCounter>,
}

impl LinkRuntime {
    /// A runtime with the given limiter and a cache of at most `cache_bytes`, whose entries'
    /// lifetimes follow `clock`; visit flushes are measured in `metrics`.
    pub fn new(
        limiter: QpsLimiter,
        cache_bytes: u64,
        clock: std::sync::Arc<dyn dyopen_core::clock::Clock>,
        metrics: &crate::metrics::Metrics,
    ) -> Self {
        Self {
            cache: LinkCache::new(cache_bytes, clock),
            limiter,
            visits: std::sync::Arc::new(VisitCounter::new(
                metrics.visit_flush_seconds.clone(),
                metrics.visit_flush_failures.clone(),
            )),
        }
    }
}
