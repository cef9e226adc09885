//! The pieces that feed a connection's [`ConnWatch`]: the socket wrapper (reads, blocked
//! writes), the request and response body wrappers, the hyper service adapter, and [`Guarded`],
//! the future that closes the connection when its deadline passes. None of them allocates per
//! request beyond what `axum::serve` did (one boxed request body).

use super::watch::ConnWatch;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};
use tower::util::Oneshot;
use tower::ServiceExt as _;

pin_project! {
    /// A socket that reports reads and blocked writes to its connection's watch.
    pub struct WatchedIo<T> {
        #[pin]
        inner: T,
        watch: Arc<ConnWatch>,
    }
}

impl<T> WatchedIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, watch: Arc<ConnWatch>) -> Self {
        Self { inner, watch }
    }
}

impl<T: AsyncRead> AsyncRead for WatchedIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        let before = buf.filled().len();
        let polled = this.inner.poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.watch.on_read();
        }
        polled
    }
}

impl<T: AsyncWrite> WatchedIo<T> {
    fn note(watch: &ConnWatch, polled: &Poll<io::Result<usize>>) {
        match polled {
            Poll::Pending => watch.on_write_blocked(),
            Poll::Ready(Ok(n)) if *n > 0 => watch.on_write_progress(),
            Poll::Ready(_) => {}
        }
    }
}

impl<T: AsyncWrite> AsyncWrite for WatchedIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let polled = this.inner.poll_write(cx, buf);
        Self::note(this.watch, &polled);
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let polled = this.inner.poll_write_vectored(cx, bufs);
        Self::note(this.watch, &polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }
}

/// Which end of a request a [`DoneGuard`] reports.
#[derive(Debug, Clone, Copy)]
enum Done {
    Body,
    Response,
}

/// Reports the end of a request body or response once: when the end is seen, or on drop.
struct DoneGuard {
    watch: Option<Arc<ConnWatch>>,
    generation: u64,
    what: Done,
}

impl DoneGuard {
    fn fire(&mut self) {
        if let Some(watch) = self.watch.take() {
            match self.what {
                Done::Body => watch.body_done(self.generation),
                Done::Response => watch.response_done(self.generation),
            }
        }
    }
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        self.fire();
    }
}

pin_project! {
    /// A request or response body that reports its end to the connection's watch.
    pub struct WatchedBody<B> {
        #[pin]
        inner: B,
        done: DoneGuard,
    }
}

impl<B> HttpBody for WatchedBody<B>
where
    B: HttpBody<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let mut this = self.project();
        let polled = this.inner.as_mut().poll_frame(cx);
        let ended = match &polled {
            Poll::Ready(None | Some(Err(_))) => true,
            Poll::Ready(Some(Ok(_))) => this.inner.is_end_stream(),
            Poll::Pending => false,
        };
        if ended {
            this.done.fire();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The hyper service of one connection: the app's tower service, with the request body and the
/// response reporting to the connection's watch.
pub struct WatchedService<S> {
    inner: S,
    watch: Arc<ConnWatch>,
}

impl<S> WatchedService<S> {
    /// Wraps the app's service for the connection of `watch`.
    pub fn new(inner: S, watch: Arc<ConnWatch>) -> Self {
        Self { inner, watch }
    }
}

impl<S> hyper::service::Service<hyper::Request<hyper::body::Incoming>> for WatchedService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone,
{
    type Response = hyper::Response<WatchedBody<Body>>;
    type Error = Infallible;
    type Future = WatchedCall<Oneshot<S, Request>>;

    fn call(&self, req: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        let pending = !req.body().is_end_stream();
        let generation = self.watch.request_started(pending);
        let req = if pending {
            let done = DoneGuard {
                watch: Some(self.watch.clone()),
                generation,
                what: Done::Body,
            };
            req.map(|inner| Body::new(WatchedBody { inner, done }))
        } else {
            req.map(Body::new)
        };
        WatchedCall {
            inner: self.inner.clone().oneshot(req),
            done: DoneGuard {
                watch: Some(self.watch.clone()),
                generation,
                what: Done::Response,
            },
        }
    }
}

pin_project! {
    /// The future of [`WatchedService`]: the app's answer, its body wrapped to report its end.
    pub struct WatchedCall<F> {
        #[pin]
        inner: F,
        done: DoneGuard,
    }
}

impl<F> Future for WatchedCall<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<hyper::Response<WatchedBody<Body>>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(response) = ready!(this.inner.poll(cx));
        let done = DoneGuard {
            watch: this.done.watch.take(),
            generation: this.done.generation,
            what: Done::Response,
        };
        Poll::Ready(Ok(response.map(|inner| WatchedBody { inner, done })))
    }
}

pin_project! {
    /// A connection future closed (dropped) when its watch's deadline passes.
    pub struct Guarded<C> {
        #[pin]
        conn: C,
        #[pin]
        sleep: Sleep,
        // The instant `sleep` is set to, when it is meaningful.
        armed: Option<Instant>,
        watch: Arc<ConnWatch>,
    }
}

impl<C> Guarded<C> {
    /// Guards `conn` with the deadlines of `watch`.
    pub fn new(conn: C, watch: Arc<ConnWatch>) -> Self {
        Self {
            conn,
            // Set before its first poll, whenever there is a deadline.
            sleep: tokio::time::sleep_until(Instant::now()),
            armed: None,
            watch,
        }
    }

    /// The guarded connection (for a graceful shutdown).
    pub fn conn(self: Pin<&mut Self>) -> Pin<&mut C> {
        self.project().conn
    }
}

impl<C: Future> Future for Guarded<C> {
    /// `None` when a deadline closed the connection.
    type Output = Option<C::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Poll::Ready(out) = this.conn.poll(cx) {
            return Poll::Ready(Some(out));
        }
        loop {
            let Some(deadline) = this.watch.deadline() else {
                return Poll::Pending;
            };
            // Move the timer only to an earlier instant; a later deadline is picked up when
            // the timer fires (fewer timer-wheel updates per request).
            if this.armed.is_none_or(|armed| deadline < armed) {
                this.sleep.as_mut().reset(deadline);
                *this.armed = Some(deadline);
            }
            ready!(this.sleep.as_mut().poll(cx));
            match *this.armed {
                Some(armed) if armed >= deadline => return Poll::Ready(None),
                _ => *this.armed = None,
            }
        }
    }
}
