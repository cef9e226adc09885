//! The handler timeout (`--handler-timeout`, SPEC §8): a request whose handler has not produced
//! its response headers in time is answered as a system error — HTTP 200 with the dialect's
//! system code on open-API routes, 503 with the admin error body elsewhere — and the handler is
//! dropped (its transaction, if any, rolls back).
//!
//! What is exempt, and how:
//! - Emulator `timeout` faults: the emulator middleware holds them *outside* this layer (see
//!   `startup::app_service`), so the layer never sees the wait.
//! - Server-sent-event streams: the limit covers the time to the response *headers* only. An
//!   event-stream handler returns its headers at once and streams the body, which this layer
//!   never bounds (the connection's blocked-write deadline still closes a client that stops
//!   reading).
//! - A route whose headers may legitimately come late (a long poll, say) or that bounds itself
//!   (`/readyz`, which must answer within 2 s whatever the limit) is registered with
//!   [`HandlerTimeoutLayer::exempt`] by its path prefix in `startup::app_service`. The prefixes
//!   are checked only when the limit passes, so they cost the hot path nothing.
//!
//! A hand-written future (no box, no timer until the handler first returns `Pending`), because
//! every request, the redirect hot path included, passes through it.

use crate::api::{error_for_path, OutOfBandError};
use axum::extract::Request;
use axum::http::Uri;
use axum::response::Response;
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// Layer answering slow handlers as system errors.
#[derive(Debug, Clone)]
pub struct HandlerTimeoutLayer {
    limit: Duration,
    exempt: Vec<&'static str>,
}

impl HandlerTimeoutLayer {
    /// Handlers get `limit` to produce their response headers.
    pub fn new(limit: Duration) -> Self {
        Self {
            limit,
            exempt: Vec::new(),
        }
    }

    /// Exempts the path `prefix` (normalised, e.g. `/console/events`) and every path below it.
    pub fn exempt(mut self, prefix: &'static str) -> Self {
        self.exempt.push(prefix);
        self
    }
}

impl<S> tower::Layer<S> for HandlerTimeoutLayer {
    type Service = HandlerTimeout<S>;
    fn layer(&self, inner: S) -> HandlerTimeout<S> {
        HandlerTimeout {
            inner,
            limit: self.limit,
            exempt: self.exempt.clone().into(),
        }
    }
}

/// The service of [`HandlerTimeoutLayer`].
#[derive(Debug, Clone)]
pub struct HandlerTimeout<S> {
    inner: S,
    limit: Duration,
    exempt: std::sync::Arc<[&'static str]>,
}

impl<S> tower::Service<Request> for HandlerTimeout<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = HandlerTimeoutFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let uri = req.uri().clone();
        HandlerTimeoutFuture {
            inner: self.inner.call(req),
            sleep: None,
            deadline: Instant::now().checked_add(self.limit),
            uri,
            exempt: self.exempt.clone(),
        }
    }
}

pin_project! {
    /// The future of [`HandlerTimeout`].
    pub struct HandlerTimeoutFuture<F> {
        #[pin]
        inner: F,
        // Created when the handler first waits, so handlers that answer at once cost no timer.
        #[pin]
        sleep: Option<Sleep>,
        // `None`: no limit (the limit overflows the clock, or the path is exempt).
        deadline: Option<Instant>,
        uri: Uri,
        exempt: std::sync::Arc<[&'static str]>,
    }
}

impl<F> Future for HandlerTimeoutFuture<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(out) = this.inner.poll(cx) {
            return Poll::Ready(out);
        }
        let Some(deadline) = *this.deadline else {
            return Poll::Pending;
        };
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep_until(deadline)));
        }
        if let Some(sleep) = this.sleep.as_mut().as_pin_mut() {
            ready!(sleep.poll(cx));
        }
        let path = this.uri.path();
        if this.exempt.iter().any(|prefix| is_under(path, prefix)) {
            *this.deadline = None;
            return Poll::Pending;
        }
        tracing::warn!(%path, "handler timed out: answered as a system error");
        Poll::Ready(Ok(error_for_path(path, OutOfBandError::HandlerTimeout)))
    }
}

/// Whether `path` is `prefix` or below it (`/a/b` is under `/a`, `/ab` is not).
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || prefix.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::{Layer, ServiceExt};

    async fn slow(req: Request) -> Result<Response, Infallible> {
        let path = req.uri().path();
        if path.ends_with("/slow") || path.ends_with("/generate") || path.starts_with("/long") {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Ok(Response::new(Body::from("done")))
    }

    async fn call(path: &str) -> Response {
        HandlerTimeoutLayer::new(Duration::from_secs(5))
            .exempt("/long")
            .layer(tower::service_fn(slow))
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("infallible")
    }

    async fn json(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        serde_json::from_slice(&bytes).expect("json")
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_open_api_handler_gets_the_dialect_system_error() {
        let response = call("/api/apps/v1/url_link/generate").await;
        assert_eq!(response.status(), 200);
        assert_eq!(json(response).await["err_no"], 28005002);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_admin_handler_gets_503() {
        let response = call("/admin/v1/slow").await;
        assert_eq!(response.status(), 503);
        assert_eq!(json(response).await["error"]["code"], "unavailable");
    }

    #[tokio::test(start_paused = true)]
    async fn fast_and_exempt_handlers_answer_themselves() {
        let started = Instant::now();
        let fast = call("/api/apps/v1/url_link/query_info").await;
        assert_eq!(fast.status(), 200);
        let long = call("/long/poll").await;
        assert!(is_under("/long", "/long") && !is_under("/longer", "/long"));
        assert_eq!(long.status(), 200);
        assert!(started.elapsed() >= Duration::from_secs(60));
        let bytes = axum::body::to_bytes(long.into_body(), 64)
            .await
            .expect("body");
        assert_eq!(&bytes[..], b"done");
    }
}
