//! The redirect's fast path: a `GET`/`HEAD /{code}` of a cached, live link for a client that
//! wants the redirect — nearly every request a busy link gets — is answered before routing, with
//! the answer, the visit count and the metrics of the route itself
//! ([`redirect::answer_cached`], which [`redirect::resolve`] shares). Everything else (a cache
//! miss, an unknown or expired link, the landing page, any other path) goes on to the router.
//!
//! It sits inside the log-id and emulator layers, so every answer keeps its `X-Tt-Logid`, its
//! access-log line, its journal entry and its injected faults; what a hit skips is what it does
//! not need: the router's dispatch, the handler deadline (a hit never waits) and the per-route
//! clones of state. A code never spells an explicit route (`CODE_DENYLIST`), so no route is
//! shadowed. Decision record 0019 says why.

use super::redirect;
use crate::metrics::route::RouteObserver;
use crate::state::AppState;
use axum::extract::Request;
use axum::response::Response;
use futures::future::{Either, Ready};
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

/// The route template the fast path's requests are counted under (the router's own).
pub const TEMPLATE: &str = "/{code}";

/// Layer answering cached redirects before the service it wraps (the routed application).
#[derive(Clone)]
pub struct FastPathLayer {
    state: AppState,
    observer: Arc<RouteObserver>,
}

impl FastPathLayer {
    /// The layer of one instance.
    pub fn new(state: AppState) -> Self {
        let observer = Arc::new(RouteObserver::new(state.metrics.clone(), TEMPLATE));
        Self { state, observer }
    }
}

impl<S> tower::Layer<S> for FastPathLayer {
    type Service = FastPath<S>;
    fn layer(&self, inner: S) -> FastPath<S> {
        FastPath {
            inner,
            state: self.state.clone(),
            observer: self.observer.clone(),
        }
    }
}

/// The service of [`FastPathLayer`].
#[derive(Clone)]
pub struct FastPath<S> {
    inner: S,
    state: AppState,
    observer: Arc<RouteObserver>,
}

impl<S> tower::Service<Request> for FastPath<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let started = Instant::now();
        match redirect::answer_cached(&self.state, &req) {
            Some(response) => {
                self.observer.observe(req.method(), &response, started);
                Either::Left(futures::future::ready(Ok(response)))
            }
            None => Either::Right(self.inner.call(req)),
        }
    }
}

#[cfg(test)]
mod tests {
    use dyopen_core::link::LinkCode;

    /// The first path segment of every explicit route (`startup::router` and the routers it
    /// merges): none may parse as a code, or the fast path would answer in the route's place.
    /// `healthz`, `metrics` and `console` have a code's shape; the denylist refuses them.
    #[test]
    fn no_explicit_route_is_a_code() {
        for path in [
            "healthz",
            "readyz",
            "metrics",
            "console",
            "openapi.json",
            "admin",
            "_emulator",
            "api",
            "oauth",
            "",
        ] {
            assert!(LinkCode::parse(path).is_none(), "{path}");
        }
    }
}
