//! Prometheus metrics (SPEC §10): every metric name is a constant in [`names`]; [`Metrics`]
//! holds this instance's registry and the handles the hot paths increment (an atomic add each,
//! no lookup), [`route`] measures requests per matched route template, and [`endpoint`] serves
//! `/metrics` (behind the admin token on the main listener, open on `--metrics-listen`).
//!
//! The registry is per instance (never the process-global recorder), so tests that run several
//! servers in one process see each server's own numbers. Histograms buffer their samples until
//! drained: [`Metrics::run_upkeep`] drains them every few seconds, so memory stays bounded
//! whether or not anyone scrapes.

pub mod endpoint;
pub mod route;

use metrics::{Counter, Histogram, Key, Label, Recorder, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::time::Duration;

/// The metric names, each once.
pub mod names {
    /// Requests answered, by `route` (matched template), `method` and `outcome`.
    pub const HTTP_REQUESTS: &str = "dyopen_http_requests_total";
    /// Seconds from routing to the response headers, by `route`, `method` and `outcome`.
    pub const HTTP_DURATION: &str = "dyopen_http_request_duration_seconds";
    /// Redirect-path lookups answered from the link cache.
    pub const LINK_CACHE_HITS: &str = "dyopen_link_cache_hits_total";
    /// Redirect-path lookups that went to the database.
    pub const LINK_CACHE_MISSES: &str = "dyopen_link_cache_misses_total";
    /// Bytes the link cache's entries weigh (bounded by `--link-cache-bytes`).
    pub const LINK_CACHE_BYTES: &str = "dyopen_link_cache_bytes";
    /// The link cache's budget.
    pub const LINK_CACHE_BUDGET_BYTES: &str = "dyopen_link_cache_budget_bytes";
    /// Links per group-commit batch of the link writer.
    pub const LINK_WRITER_BATCH_SIZE: &str = "dyopen_link_writer_batch_size";
    /// Link inserts waiting for the link writer.
    pub const LINK_WRITER_QUEUE_DEPTH: &str = "dyopen_link_writer_queue_depth";
    /// Link generations refused by the per-app qps limit.
    pub const QPS_REFUSALS: &str = "dyopen_qps_limit_refusals_total";
    /// Seconds per visit flush (the write of pending visit counts).
    pub const VISIT_FLUSH_DURATION: &str = "dyopen_visit_flush_duration_seconds";
    /// Visit flushes that failed (retried under the same id).
    pub const VISIT_FLUSH_FAILURES: &str = "dyopen_visit_flush_failures_total";
    /// Visits counted but not yet flushed.
    pub const VISITS_PENDING: &str = "dyopen_visits_pending";
    /// Open database connections, by `pool` (read, write).
    pub const DB_POOL_CONNECTIONS: &str = "dyopen_db_pool_connections";
    /// Idle database connections, by `pool`.
    pub const DB_POOL_IDLE: &str = "dyopen_db_pool_idle_connections";
    /// 1 while Redis is configured but unreachable and qps limits fall back to this process.
    pub const REDIS_FALLBACK: &str = "dyopen_redis_fallback";
    /// 1 when a Redis URL is configured.
    pub const REDIS_CONFIGURED: &str = "dyopen_redis_configured";
}

/// Latency buckets (seconds): from a warm redirect to the handler timeout.
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Batch-size buckets (links): the writer takes at most 512 per batch.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];
/// Flush buckets (seconds).
const FLUSH_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// How often histogram samples are drained into their buckets.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// One instance's metrics.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    routes: route::RouteTable,
    /// [`names::LINK_CACHE_HITS`].
    pub link_cache_hits: Counter,
    /// [`names::LINK_CACHE_MISSES`].
    pub link_cache_misses: Counter,
    /// [`names::QPS_REFUSALS`].
    pub qps_refusals: Counter,
    /// [`names::VISIT_FLUSH_DURATION`].
    pub visit_flush_seconds: Histogram,
    /// [`names::VISIT_FLUSH_FAILURES`].
    pub visit_flush_failures: Counter,
    /// [`names::LINK_WRITER_BATCH_SIZE`] (handed to the store's link writer).
    pub link_batch_sizes: Histogram,
    pub(crate) gauges: endpoint::Gauges,
}

fn buckets(builder: PrometheusBuilder, name: &str, values: &'static [f64]) -> PrometheusBuilder {
    // Only an empty list is refused; ours are constants and never empty.
    debug_assert!(!values.is_empty());
    builder
        .set_buckets_for_metric(Matcher::Full(name.into()), values)
        .unwrap_or_else(|_| PrometheusBuilder::new())
}

impl Metrics {
    /// A fresh registry with every metric described.
    pub fn new() -> Self {
        let builder = buckets(
            PrometheusBuilder::new(),
            names::HTTP_DURATION,
            DURATION_BUCKETS,
        );
        let builder = buckets(builder, names::LINK_WRITER_BATCH_SIZE, BATCH_BUCKETS);
        let builder = buckets(builder, names::VISIT_FLUSH_DURATION, FLUSH_BUCKETS);
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        describe(&recorder);
        let counter =
            |name: &'static str| recorder.register_counter(&Key::from_static_name(name), &META);
        let histogram =
            |name: &'static str| recorder.register_histogram(&Key::from_static_name(name), &META);
        let gauges = endpoint::Gauges::register(&recorder);
        Self {
            link_cache_hits: counter(names::LINK_CACHE_HITS),
            link_cache_misses: counter(names::LINK_CACHE_MISSES),
            qps_refusals: counter(names::QPS_REFUSALS),
            visit_flush_seconds: histogram(names::VISIT_FLUSH_DURATION),
            visit_flush_failures: counter(names::VISIT_FLUSH_FAILURES),
            link_batch_sizes: histogram(names::LINK_WRITER_BATCH_SIZE),
            routes: route::RouteTable::default(),
            gauges,
            recorder,
            handle,
        }
    }

    /// Drains buffered histogram samples into their buckets (see the module docs).
    pub fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// The counter and histogram of one request series.
    fn request_series(&self, labels: Vec<Label>) -> (Counter, Histogram) {
        (
            self.recorder.register_counter(
                &Key::from_parts(names::HTTP_REQUESTS, labels.clone()),
                &META,
            ),
            self.recorder
                .register_histogram(&Key::from_parts(names::HTTP_DURATION, labels), &META),
        )
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

static META: metrics::Metadata<'static> =
    metrics::Metadata::new("dyopen", metrics::Level::INFO, Some(module_path!()));

fn describe(r: &PrometheusRecorder) {
    use names::*;
    let items: &[(&'static str, Option<Unit>, &'static str, u8)] = &[
        (HTTP_REQUESTS, None, "Requests answered, by matched route template, method and outcome (ok, param_error, error, system_error).", 0),
        (HTTP_DURATION, Some(Unit::Seconds), "Time from routing to the response headers, by route, method and outcome.", 2),
        (LINK_CACHE_HITS, None, "Link lookups of GET /{code} answered from the link cache.", 0),
        (LINK_CACHE_MISSES, None, "Link lookups of GET /{code} that read the database.", 0),
        (LINK_CACHE_BYTES, Some(Unit::Bytes), "Bytes the link cache holds.", 1),
        (LINK_CACHE_BUDGET_BYTES, Some(Unit::Bytes), "The link cache's budget (--link-cache-bytes).", 1),
        (LINK_WRITER_BATCH_SIZE, None, "Links per group-commit batch of the link writer.", 2),
        (LINK_WRITER_QUEUE_DEPTH, None, "Link inserts queued for the link writer.", 1),
        (QPS_REFUSALS, None, "Link generations refused by the per-app qps limit.", 0),
        (VISIT_FLUSH_DURATION, Some(Unit::Seconds), "Duration of each visit flush.", 2),
        (VISIT_FLUSH_FAILURES, None, "Visit flushes that failed and wait to be retried.", 0),
        (VISITS_PENDING, None, "Visits counted in memory and not yet flushed.", 1),
        (DB_POOL_CONNECTIONS, None, "Open database connections, by pool.", 1),
        (DB_POOL_IDLE, None, "Idle database connections, by pool.", 1),
        (REDIS_FALLBACK, None, "1 while Redis is configured but unreachable (qps limits per instance).", 1),
        (REDIS_CONFIGURED, None, "1 when a Redis URL is configured.", 1),
    ];
    for (name, unit, help, kind) in items {
        let key = metrics::KeyName::from_const_str(name);
        let help = metrics::SharedString::const_str(help);
        match kind {
            0 => r.describe_counter(key, *unit, help),
            1 => r.describe_gauge(key, *unit, help),
            _ => r.describe_histogram(key, *unit, help),
        }
    }
}
