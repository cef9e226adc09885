//! The serve loop: accepts HTTP/1.1 connections up to `--max-connections`, closes each one that
//! misses its header, body or idle deadline ([`watch`]), and on shutdown stops accepting, lets
//! in-flight requests finish for at most `--shutdown-grace`, then drops whatever is left.
//!
//! It replaces `axum::serve`, which has none of these bounds (SPEC §8).

mod io;
mod watch;

pub use watch::Timeouts;

use crate::config::Limits;
use axum::extract::Request;
use axum::response::Response;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch as signal, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

/// First pause after a failed `accept` (out of file descriptors, say); doubles up to
/// [`MAX_ACCEPT_BACKOFF`] while failures continue.
const MIN_ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
/// Longest pause between failed accepts.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

impl Timeouts {
    /// The connection deadlines of `limits`.
    pub fn of(limits: &Limits) -> Self {
        Self {
            header: limits.header_timeout,
            body: limits.body_timeout,
            idle: limits.idle_timeout,
        }
    }
}

/// Serves `service` on `listener` until `shutdown` completes, then drains (see the module doc).
pub async fn serve<S>(
    listener: TcpListener,
    service: S,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let timeouts = Timeouts::of(limits);
    let permits = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let (stop, stopping) = signal::channel(false);
    let mut connections = JoinSet::new();
    let mut backoff = MIN_ACCEPT_BACKOFF;
    let mut failed_accepts = 0_u64;
    tokio::pin!(shutdown);
    loop {
        // At the limit, stop calling accept: new clients wait in the listen backlog.
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_closed) => break,
            },
        };
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                if failed_accepts > 0 {
                    tracing::info!(failed_accepts, "accepting connections again");
                    failed_accepts = 0;
                }
                backoff = MIN_ACCEPT_BACKOFF;
                while connections.try_join_next().is_some() {}
                connections.spawn(connection(
                    stream,
                    service.clone(),
                    timeouts,
                    stopping.clone(),
                    permit,
                ));
            }
            Err(e) if per_connection(&e) => {
                tracing::debug!(error = %e, "accept: connection failed before it was accepted");
            }
            Err(e) => {
                // EMFILE, ENFILE, ENOBUFS…: pause rather than spin; the backlog keeps the
                // waiting clients.
                if failed_accepts == 0 {
                    tracing::warn!(error = %e, "accept failed; backing off until it succeeds");
                }
                failed_accepts += 1;
                drop(permit);
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_ACCEPT_BACKOFF);
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    drain(connections, limits.shutdown_grace).await;
}

/// Errors of one incoming connection, not of the listener.
fn per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

/// Waits up to `grace` for the connections (told to finish their request and close), then drops
/// the rest, which cancels their handlers and returns their database connections.
async fn drain(mut connections: JoinSet<()>, grace: Duration) {
    while connections.try_join_next().is_some() {}
    if connections.is_empty() {
        return;
    }
    tracing::info!(
        open = connections.len(),
        grace_ms = grace.as_millis() as u64,
        "draining connections"
    );
    let all_closed = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, all_closed).await.is_err() {
        tracing::warn!(
            open = connections.len(),
            "shutdown grace over: closing the remaining connections"
        );
        connections.shutdown().await;
    }
}

/// Serves one connection until it ends, misses a deadline, or is dropped by the drain.
async fn connection<S>(
    stream: TcpStream,
    service: S,
    timeouts: Timeouts,
    mut stopping: signal::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    // Small answers should not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let watch = watch::ConnWatch::new(timeouts);
    let io = TokioIo::new(io::WatchedIo::new(stream, watch.clone()));
    let service = io::WatchedService::new(service, watch.clone());
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        // Our watch owns the header deadline (hyper's would also cut idle keep-alives).
        .header_read_timeout(None)
        .serve_connection(io, service);
    let guarded = io::Guarded::new(conn, watch);
    tokio::pin!(guarded);
    let ended = tokio::select! {
        ended = guarded.as_mut() => Some(ended),
        _ = stopping.wait_for(|stop| *stop) => None,
    };
    let ended = match ended {
        Some(ended) => ended,
        None => {
            // Finish the request in flight (if any), then close; idle connections close now.
            guarded.as_mut().conn().graceful_shutdown();
            guarded.await
        }
    };
    match ended {
        None => tracing::debug!("connection closed: deadline passed"),
        Some(Err(e)) => tracing::debug!(error = %e, "connection ended with an error"),
        Some(Ok(())) => {}
    }
}
