//! Building and running the server: bind, connect and migrate, assemble the routers and the
//! request layers, serve with the connection bounds of [`crate::conn`].

use crate::config::Config;
use crate::emulator::Emulator;
use crate::http::handler_timeout::HandlerTimeoutLayer;
use crate::http::{fallback, logid, normalize};
use crate::links::limiter::{QpsLimiter, EMULATOR_WINDOW_TTL_SECS, WINDOW_TTL_SECS};
use crate::links::LinkRuntime;
use crate::metrics::route::RouteMetricsLayer;
use crate::metrics::Metrics;
use crate::state::{AppContext, AppState};
use crate::{admin, api, console, emulator, health, links};
use anyhow::Context;
use axum::extract::Request;
use axum::routing::{any, get};
use axum::Router;
use dyopen_core::clock::{Clock, ManualClock, SystemClock};
use dyopen_core::redact::redact_url;
use dyopen_store::{SqlStore, StoreOptions};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::Layer as _;

/// A built server: bound to its port (and `--metrics-listen`), connected to its database, not
/// yet serving.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    metrics_listener: Option<(TcpListener, SocketAddr)>,
    state: AppState,
    store: SqlStore,
    stopping: tokio::sync::watch::Sender<bool>,
}

impl Application {
    /// Checks the settings ([`Config::validate`]), binds, connects and migrates. The clock is
    /// the emulator's settable one with `emulator`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let clock = config.emulator.then(|| Arc::new(ManualClock::default()));
        Self::build_with_clock(config, clock).await
    }

    /// As [`Application::build`] with a given settable clock (tests share one between instances).
    pub async fn build_with_clock(
        config: Config,
        manual: Option<Arc<ManualClock>>,
    ) -> anyhow::Result<Self> {
        for warning in config.validate()? {
            tracing::warn!("{warning}");
        }
        let metrics = Arc::new(Metrics::new());
        let mut opts = StoreOptions::new(&config.database_url);
        opts.sqlite_sync = config.sqlite_sync;
        opts.acquire_timeout = config.limits.db_acquire_timeout;
        opts.link_batch_sizes = metrics.link_batch_sizes.clone();
        let store = SqlStore::connect(&opts).await.with_context(|| {
            format!(
                "opening database {} (waiting at most {} for a connection, --db-acquire-timeout)",
                redact_url(&config.database_url),
                humantime::format_duration(opts.acquire_timeout)
            )
        })?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        metrics.watch_store(store.clone());
        let metrics_listener = match config.metrics_listen {
            Some(at) => {
                let l = TcpListener::bind(at)
                    .await
                    .with_context(|| format!("binding --metrics-listen {at}"))?;
                let bound = l.local_addr()?;
                Some((l, bound))
            }
            None => None,
        };
        let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
        let clock: Arc<dyn Clock> = match &manual {
            Some(m) => m.clone(),
            None => Arc::new(SystemClock),
        };
        let public_base_url = config
            .public_base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let limiter = match &config.redis_url {
            Some(url) => {
                let limiter = QpsLimiter::with_redis(
                    url,
                    &config.redis_prefix,
                    if config.emulator {
                        EMULATOR_WINDOW_TTL_SECS
                    } else {
                        WINDOW_TTL_SECS
                    },
                    config.limits.redis_timeout,
                )
                .with_context(|| format!("Redis URL {}", redact_url(url)))?;
                if !limiter.wait_connected(Duration::from_secs(2)).await {
                    tracing::warn!(
                        "Redis not reachable at start: qps limits are per instance until it is"
                    );
                }
                limiter
            }
            None => QpsLimiter::in_process(),
        };
        let state = AppState::new(AppContext {
            store: Arc::new(store.clone()),
            clock: clock.clone(),
            wall_clock: Arc::new(SystemClock),
            emulator: match (&manual, config.emulator) {
                (Some(m), true) => Some(Arc::new(Emulator::new(
                    m.clone(),
                    config.journal_capacity,
                    config.limits.journal_bytes,
                ))),
                _ => None,
            },
            admin_token_hash: dyopen_core::app::AppSecret::presented(&config.admin_token)
                .hash()
                .into(),
            public_base_url: public_base_url.trim_end_matches('/').into(),
            instance_hex: crate::http::LogId::instance_hex(addr.ip()).into(),
            links: Arc::new(LinkRuntime::new(
                limiter,
                config.limits.link_cache_bytes,
                clock.clone(),
                &metrics,
            )),
            limits: config.limits.clone(),
            emulator_remote: config.emulator && config.emulator_remote,
            metrics,
            stopping: stopping_rx,
        });
        Ok(Self {
            listener,
            addr,
            metrics_listener,
            state,
            store,
            stopping,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of `--metrics-listen`, when set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().map(|(_, a)| *a)
    }

    /// The shared state (tests and the CLI use its store and clock).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes; then stops accepting, drains in-flight requests for at
    /// most `--shutdown-grace` (dropping what is left), writes the last visit counts and closes
    /// the database, those two bounded by the grace again (a database that hangs cannot keep
    /// the process alive).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_flusher, stop) = tokio::sync::oneshot::channel();
        let flusher = tokio::spawn(
            self.state
                .links
                .visits
                .clone()
                .run_flusher(self.state.store.clone(), stop),
        );
        let links = self.state.links.clone();
        let sweeper = tokio::spawn(async move { links.cache.run_sweeper().await });
        let metrics = self.state.metrics.clone();
        let upkeep = tokio::spawn(async move {
            let mut tick = tokio::time::interval(crate::metrics::UPKEEP_EVERY);
            loop {
                tick.tick().await;
                metrics.run_upkeep();
            }
        });
        let limits = self.state.limits.clone();
        // Shutdown begins: tell endless responses (the console's live tail) and the metrics
        // listener, then let the serve loop drain.
        let stopping = self.stopping;
        let shutdown = async move {
            shutdown.await;
            let _ = stopping.send(true);
        };
        let metrics_server = self.metrics_listener.map(|(listener, _)| {
            let service = crate::metrics::endpoint::metrics_router(self.state.clone());
            let mut stop = self.state.stopping.clone();
            let limits = limits.clone();
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stop.wait_for(|s| *s).await;
                };
                crate::conn::serve(listener, service, &limits, stopped).await;
            })
        });
        let service = app_service(self.state.clone());
        crate::conn::serve(self.listener, service, &limits, shutdown).await;
        upkeep.abort();
        if let Some(server) = metrics_server {
            let _ = server.await;
        }
        // Drained: write the last visit counts before the database closes.
        sweeper.abort();
        let _ = stop_flusher.send(());
        let store = self.store;
        let finish = async move {
            let _ = flusher.await;
            store.close().await;
        };
        if tokio::time::timeout(limits.shutdown_grace, finish)
            .await
            .is_err()
        {
            tracing::warn!("the last visit flush or closing the database did not finish in time");
        }
        Ok(())
    }

    /// Serves forever (tests).
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(std::future::pending()).await
    }
}

/// All routes of one instance.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/openapi.json", get(crate::openapi::openapi_json))
        .route(
            "/metrics",
            get(crate::metrics::endpoint::behind_admin_token),
        )
        .merge(api::router())
        // The console: its own routes and session layer, nothing of it on the other routes.
        .merge(console::router(state.clone()))
        // Every request under /admin/v1 (and /_emulator/v1 with --emulator-remote) meets the
        // admin token first, unknown paths and wrong methods included.
        .nest_service("/admin/v1", admin::router(state.clone()))
        // Single-segment link codes; every explicit route above wins over this one.
        .route("/{code}", any(links::redirect::resolve));
    if state.emulator.is_some() {
        router = if state.emulator_remote {
            router.nest_service(
                "/_emulator/v1",
                admin::behind_admin_token(emulator::router(), state.clone(), "/_emulator/v1"),
            )
        } else {
            router.nest("/_emulator/v1", emulator::router())
        };
    }
    router
        .fallback(fallback::not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        // Over every route and the fallback: requests and latency per matched template.
        .layer(RouteMetricsLayer::new(state.metrics.clone()))
        .with_state(state)
}

/// The router wrapped in the request-level layers, outermost first: path normalisation (before
/// routing), log ids, the emulator's journal and faults (emulator mode), the redirect's fast path
/// (cached links answered before routing, `links::fast_path`), the handler timeout.
/// The emulator layer sits outside the handler timeout, so an injected `timeout` fault is not cut
/// by it. Plain tower layers around the whole router: none boxes per route.
pub fn app_service(
    state: AppState,
) -> impl tower::Service<
    Request,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future: Send + 'static,
> + Clone
       + Send
       + 'static {
    // `/readyz` bounds its own checks (it must answer 503 within 2 s, whatever the limit).
    let routed = HandlerTimeoutLayer::new(state.limits.handler_timeout)
        .exempt("/readyz")
        .layer(router(state.clone()));
    let emulator = state
        .emulator
        .is_some()
        .then(|| axum::middleware::from_fn_with_state(state.clone(), emulator::middleware::layer));
    tower::ServiceBuilder::new()
        .map_request(normalize::normalize_request)
        .layer(logid::LogIdLayer::new(state.clone()))
        .option_layer(emulator)
        .layer(links::fast_path::FastPathLayer::new(state))
        .service(routed)
}
