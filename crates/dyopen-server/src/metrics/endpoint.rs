//! `GET /metrics`: the Prometheus text exposition. On the main listener it needs the admin token
//! (`Authorization: Bearer …`, 401 otherwise); `--metrics-listen ADDR` serves it there without
//! one ([`metrics_router`]). Gauges are read from their sources at scrape time.

use super::{names, Metrics};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use dyopen_store::SqlStore;
use metrics::{Gauge, Label, Recorder as _};
use std::sync::OnceLock;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Gauges set at scrape time.
pub(crate) struct Gauges {
    cache_bytes: Gauge,
    cache_budget: Gauge,
    queue_depth: Gauge,
    visits_pending: Gauge,
    pool: [(Gauge, Gauge); 2],
    redis_fallback: Gauge,
    redis_configured: Gauge,
    store: OnceLock<SqlStore>,
}

impl Gauges {
    pub(crate) fn register(r: &metrics_exporter_prometheus::PrometheusRecorder) -> Self {
        let g = |name: &'static str, labels: Vec<Label>| {
            r.register_gauge(&metrics::Key::from_parts(name, labels), &super::META)
        };
        let pool = |which: &'static str| {
            (
                g(names::DB_POOL_CONNECTIONS, vec![Label::new("pool", which)]),
                g(names::DB_POOL_IDLE, vec![Label::new("pool", which)]),
            )
        };
        Self {
            cache_bytes: g(names::LINK_CACHE_BYTES, vec![]),
            cache_budget: g(names::LINK_CACHE_BUDGET_BYTES, vec![]),
            queue_depth: g(names::LINK_WRITER_QUEUE_DEPTH, vec![]),
            visits_pending: g(names::VISITS_PENDING, vec![]),
            pool: [pool("read"), pool("write")],
            redis_fallback: g(names::REDIS_FALLBACK, vec![]),
            redis_configured: g(names::REDIS_CONFIGURED, vec![]),
            store: OnceLock::new(),
        }
    }
}

impl Metrics {
    /// Lets scrapes read the pools and the link writer of `store`.
    pub fn watch_store(&self, store: SqlStore) {
        let _ = self.gauges.store.set(store);
    }
}

/// Reads the gauges' sources, then writes the exposition.
pub async fn render(state: &AppState) -> String {
    use crate::links::limiter::LimiterMode;
    let m = &state.metrics;
    let g = &m.gauges;
    g.cache_bytes.set(state.links.cache.weighted_bytes() as f64);
    g.cache_budget.set(state.limits.link_cache_bytes as f64);
    g.visits_pending
        .set(state.links.visits.pending_total() as f64);
    if let Some(store) = g.store.get() {
        let s = store.stats();
        g.queue_depth.set(s.link_queue_depth as f64);
        g.pool[0].0.set(f64::from(s.read_connections));
        g.pool[0].1.set(s.read_idle as f64);
        g.pool[1].0.set(f64::from(s.write_connections));
        g.pool[1].1.set(s.write_idle as f64);
    }
    let mode = state.links.limiter.mode().await;
    g.redis_configured.set(if mode == LimiterMode::InProcess {
        0.0
    } else {
        1.0
    });
    g.redis_fallback.set(if mode == LimiterMode::Fallback {
        1.0
    } else {
        0.0
    });
    m.run_upkeep();
    m.handle.render()
}

fn exposition(text: String) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}

/// `GET /metrics` on the main listener: the admin token first (401 without it).
#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "operations", security(("admin_token" = [])),
    responses((status = 200, description = "Prometheus text exposition (docs/deploy.md, Metrics)", content_type = "text/plain", body = String), (status = 401, body = dyopen_wire::dialect::AdminError)))]
pub async fn behind_admin_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !crate::admin::presents_admin_token(&state, &headers) {
        return crate::admin::error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong admin token (Authorization: Bearer …)",
        )
        .into_response();
    }
    exposition(render(&state).await)
}

async fn open(State(state): State<AppState>) -> Response {
    exposition(render(&state).await)
}

/// The router of `--metrics-listen`: `GET /metrics` without a token, 404 elsewhere.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(open))
        .fallback(crate::http::fallback::not_found)
        .with_state(state)
}
