//! Requests and latency per matched route template ([`RouteMetricsLayer`]), laid over every
//! route of a router with `Router::layer`, so it reads axum's `MatchedPath` (`/{code}`, never
//! the code itself; `unmatched` for the 404 fallback) and series stay few whatever clients send.
//! The outcome is the dialect's error class of the answer (`ok`, `param_error`, `error`,
//! `system_error`). A route's series are registered the first time they are used and then cost
//! one read-locked map lookup and two atomic updates per request.

use super::Metrics;
use crate::http::error::{ErrorClass, ErrorInfo};
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::response::Response;
use metrics::{Counter, Histogram, Label};
use pin_project_lite::pin_project;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};
use std::task::{Context, Poll};
use std::time::Instant;

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "other"];
const OUTCOMES: [&str; 4] = ["ok", "param_error", "error", "system_error"];

fn method_index(m: &Method) -> usize {
    match *m {
        Method::GET => 0,
        Method::HEAD => 1,
        Method::POST => 2,
        Method::PUT => 3,
        Method::PATCH => 4,
        Method::DELETE => 5,
        _ => 6,
    }
}

fn outcome_index(response: &Response) -> usize {
    match response.extensions().get::<ErrorInfo>().map(|e| e.class) {
        Some(ErrorClass::Param) => 1,
        Some(ErrorClass::Business) => 2,
        Some(ErrorClass::System) => 3,
        None if response.status().is_server_error() => 3,
        None if response.status().is_client_error() => 2,
        None => 0,
    }
}

/// The series of one route: per method and outcome, made on first use.
#[derive(Default)]
struct RouteSeries {
    slots: [[OnceLock<(Counter, Histogram)>; 4]; 7],
}

/// Route template → its series.
#[derive(Default)]
pub(crate) struct RouteTable {
    routes: RwLock<HashMap<Box<str>, Arc<RouteSeries>>>,
}

impl Metrics {
    fn route(&self, template: &str) -> Arc<RouteSeries> {
        let read = self.routes.routes.read().unwrap_or_else(|p| p.into_inner());
        if let Some(series) = read.get(template) {
            return series.clone();
        }
        drop(read);
        let mut write = self
            .routes
            .routes
            .write()
            .unwrap_or_else(|p| p.into_inner());
        write.entry(template.into()).or_default().clone()
    }

    /// Counts one answered request.
    fn observe(&self, template: &str, series: &RouteSeries, m: usize, o: usize, secs: f64) {
        let (count, duration) = series.slots[m][o].get_or_init(|| {
            self.request_series(vec![
                Label::new("route", template.to_owned()),
                Label::new("method", METHODS[m]),
                Label::new("outcome", OUTCOMES[o]),
            ])
        });
        count.increment(1);
        duration.record(secs);
    }
}

/// The series of one route template resolved ahead, for requests answered before routing
/// (the redirect's fast path, `links::fast_path`): no lookup per request.
pub(crate) struct RouteObserver {
    metrics: Arc<Metrics>,
    template: &'static str,
    series: Arc<RouteSeries>,
}

impl RouteObserver {
    /// The observer of `template` (as the router names it, e.g. `/{code}`).
    pub(crate) fn new(metrics: Arc<Metrics>, template: &'static str) -> Self {
        let series = metrics.route(template);
        Self {
            metrics,
            template,
            series,
        }
    }

    /// Counts `response` to a `method` request that began at `started`.
    pub(crate) fn observe(&self, method: &Method, response: &Response, started: Instant) {
        self.metrics.observe(
            self.template,
            &self.series,
            method_index(method),
            outcome_index(response),
            started.elapsed().as_secs_f64(),
        );
    }
}

/// Routers mounted with `nest_service` (the admin API, a token-guarded emulator): the main
/// router sets no `MatchedPath` for them, so their own layer ([`RouteMetricsLayer::nested`])
/// measures them and the main router's leaves them alone.
const NESTED: [&str; 2] = ["/admin/v1", "/_emulator/v1"];

/// Layer measuring each request of the routes it wraps.
#[derive(Clone)]
pub struct RouteMetricsLayer {
    metrics: Arc<Metrics>,
    /// Where a nested router is mounted (its unmatched paths are counted under it); `""` at
    /// the top.
    prefix: &'static str,
}

impl RouteMetricsLayer {
    /// The layer of one instance's metrics, for the main router.
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self {
            metrics,
            prefix: "",
        }
    }

    /// The layer of a router mounted with `nest_service` at `prefix` (one of the nested ones).
    pub fn nested(metrics: Arc<Metrics>, prefix: &'static str) -> Self {
        Self { metrics, prefix }
    }
}

impl<S> tower::Layer<S> for RouteMetricsLayer {
    type Service = RouteMetricsService<S>;
    fn layer(&self, inner: S) -> RouteMetricsService<S> {
        RouteMetricsService {
            inner,
            metrics: self.metrics.clone(),
            prefix: self.prefix,
        }
    }
}

/// The service of [`RouteMetricsLayer`].
#[derive(Clone)]
pub struct RouteMetricsService<S> {
    inner: S,
    metrics: Arc<Metrics>,
    prefix: &'static str,
}

/// A route's label: the matched template as axum holds it (no allocation on the hot paths), or
/// a nested router's unmatched paths under its mount point.
#[derive(Clone)]
enum Template {
    Matched(MatchedPath),
    Nested(Arc<str>),
    Unmatched,
}

impl Template {
    fn as_str(&self) -> &str {
        match self {
            Self::Matched(m) => m.as_str(),
            Self::Nested(s) => s,
            Self::Unmatched => "unmatched",
        }
    }
}

/// Whether `path` is `prefix` or below it.
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl<S> tower::Service<Request> for RouteMetricsService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = RouteMetricsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let matched = req.extensions().get::<MatchedPath>().cloned();
        let template = match (matched, self.prefix) {
            // axum gives nested routers' templates with their mount point already.
            (Some(m), _) => Template::Matched(m),
            (None, "") if NESTED.iter().any(|n| is_under(req.uri().path(), n)) => {
                // Measured by the nested router's own layer.
                return RouteMetricsFuture {
                    inner: self.inner.call(req),
                    observed: None,
                };
            }
            (None, "") => Template::Unmatched,
            (None, prefix) => Template::Nested(format!("{prefix}/unmatched").into()),
        };
        let series = self.metrics.route(template.as_str());
        RouteMetricsFuture {
            observed: Some(Observed {
                metrics: self.metrics.clone(),
                template,
                series,
                method: method_index(req.method()),
                started: Instant::now(),
            }),
            inner: self.inner.call(req),
        }
    }
}

/// What a measured request records when it is answered.
struct Observed {
    metrics: Arc<Metrics>,
    template: Template,
    series: Arc<RouteSeries>,
    method: usize,
    started: Instant,
}

pin_project! {
    /// The future of [`RouteMetricsService`].
    pub struct RouteMetricsFuture<F> {
        #[pin]
        inner: F,
        observed: Option<Observed>,
    }
}

impl<F> Future for RouteMetricsFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Poll::Ready(Ok(response)) = this.inner.poll(cx) else {
            return Poll::Pending;
        };
        if let Some(o) = this.observed.take() {
            let secs = o.started.elapsed().as_secs_f64();
            o.metrics.observe(
                o.template.as_str(),
                &o.series,
                o.method,
                outcome_index(&response),
                secs,
            );
        }
        Poll::Ready(Ok(response))
    }
}
