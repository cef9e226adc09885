//! [`ConnWatch`]: the phase of one HTTP/1 connection and the deadline that phase allows, updated
//! by the connection's reads and writes, its request bodies and its responses.
//!
//! | phase | starts | deadline |
//! |---|---|---|
//! | head | connection accepted, or first byte after an idle keep-alive | `header_timeout` |
//! | busy | request headers parsed (service called) | `body_timeout` while the request body is incomplete; `idle_timeout` while a write is blocked (the client reads nothing) |
//! | idle | response written (its body dropped by hyper) | `idle_timeout` |
//!
//! A busy connection whose body is complete and whose client reads has no deadline here: the
//! handler timeout (a request layer) bounds the handler.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The connection deadlines, from [`crate::config::Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Request headers complete within this of their first byte (of accept on a new connection).
    pub header: Duration,
    /// A request body complete within this of its headers.
    pub body: Duration,
    /// A keep-alive connection idle (or a blocked write) for this long is closed.
    pub idle: Duration,
}

const HEAD: u8 = 0;
const IDLE: u8 = 1;
const BUSY: u8 = 2;

/// Phase and timestamps of one connection. Everything happens on the connection's own task, so
/// the atomics only make it `Sync` for hyper's bounds; `Relaxed` is enough.
#[derive(Debug)]
pub struct ConnWatch {
    base: Instant,
    timeouts: Timeouts,
    phase: AtomicU8,
    /// Milliseconds since `base` when the phase began.
    phase_since: AtomicU64,
    /// Incremented per request, so a late drop of an old body or response changes nothing.
    generation: AtomicU64,
    /// 1 + milliseconds since `base` when an incomplete request body began; 0: none pending.
    body_since: AtomicU64,
    /// 1 + milliseconds since `base` when a write first blocked; 0: writes progress.
    write_blocked_since: AtomicU64,
}

impl ConnWatch {
    /// A connection accepted now: in the head phase.
    pub fn new(timeouts: Timeouts) -> Arc<Self> {
        Arc::new(Self {
            base: Instant::now(),
            timeouts,
            phase: AtomicU8::new(HEAD),
            phase_since: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            body_since: AtomicU64::new(0),
            write_blocked_since: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    /// Bytes arrived: the first ones after an idle keep-alive start the next request's head.
    pub fn on_read(&self) {
        if self.phase.load(Relaxed) == IDLE {
            self.phase_since.store(self.now_ms(), Relaxed);
            self.phase.store(HEAD, Relaxed);
        }
    }

    /// A write could not proceed (the client's receive window is full).
    pub fn on_write_blocked(&self) {
        if self.write_blocked_since.load(Relaxed) == 0 {
            self.write_blocked_since.store(self.now_ms() + 1, Relaxed);
        }
    }

    /// A write made progress.
    pub fn on_write_progress(&self) {
        if self.write_blocked_since.load(Relaxed) != 0 {
            self.write_blocked_since.store(0, Relaxed);
        }
    }

    /// Request headers parsed; returns the request's generation.
    pub fn request_started(&self, body_pending: bool) -> u64 {
        let generation = self.generation.fetch_add(1, Relaxed) + 1;
        self.phase.store(BUSY, Relaxed);
        let body = if body_pending { self.now_ms() + 1 } else { 0 };
        self.body_since.store(body, Relaxed);
        generation
    }

    /// The request body of `generation` ended (read whole, failed, or dropped by the handler:
    /// hyper then closes the connection after the response rather than reading the rest).
    pub fn body_done(&self, generation: u64) {
        if self.generation.load(Relaxed) == generation {
            self.body_since.store(0, Relaxed);
        }
    }

    /// The response of `generation` was written: the connection is idle until the next byte.
    pub fn response_done(&self, generation: u64) {
        if self.generation.load(Relaxed) == generation {
            self.phase_since.store(self.now_ms(), Relaxed);
            self.phase.store(IDLE, Relaxed);
        }
    }

    /// When the connection must be closed unless its phase changes first; `None`: no deadline.
    pub fn deadline(&self) -> Option<Instant> {
        let ms = deadline_ms(
            self.phase.load(Relaxed),
            self.phase_since.load(Relaxed),
            self.body_since.load(Relaxed),
            self.write_blocked_since.load(Relaxed),
            &self.timeouts,
        )?;
        Some(self.base + Duration::from_millis(ms))
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX / 4)
}

/// The deadline (milliseconds since the connection's base) of a phase; the `*_since` markers are
/// stored as 1 + milliseconds, 0 meaning unset.
fn deadline_ms(
    phase: u8,
    phase_since: u64,
    body_since: u64,
    write_blocked_since: u64,
    t: &Timeouts,
) -> Option<u64> {
    let since = |marker: u64, limit: Duration| {
        (marker != 0).then(|| (marker - 1).saturating_add(ms(limit)))
    };
    match phase {
        HEAD => Some(phase_since.saturating_add(ms(t.header))),
        IDLE => Some(phase_since.saturating_add(ms(t.idle))),
        _ => {
            let body = since(body_since, t.body);
            let write = since(write_blocked_since, t.idle);
            match (body, write) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timeouts = Timeouts {
        header: Duration::from_secs(10),
        body: Duration::from_secs(30),
        idle: Duration::from_secs(75),
    };

    #[test]
    fn each_phase_has_its_own_deadline() {
        assert_eq!(deadline_ms(HEAD, 5, 0, 0, &T), Some(10_005));
        assert_eq!(deadline_ms(IDLE, 5, 0, 0, &T), Some(75_005));
        assert_eq!(deadline_ms(BUSY, 5, 0, 0, &T), None, "handler work");
        assert_eq!(deadline_ms(BUSY, 5, 1_001, 0, &T), Some(31_000), "body");
        assert_eq!(deadline_ms(BUSY, 5, 0, 2_001, &T), Some(77_000), "blocked");
        assert_eq!(deadline_ms(BUSY, 5, 1_001, 2_001, &T), Some(31_000));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_moves_through_the_phases() {
        let w = ConnWatch::new(T);
        let head = w.deadline().expect("head deadline");
        assert_eq!(head - w.base, T.header);
        let g = w.request_started(true);
        assert_eq!(w.deadline().expect("body") - w.base, T.body);
        w.body_done(g);
        assert_eq!(w.deadline(), None);
        tokio::time::advance(Duration::from_secs(3)).await;
        w.response_done(g);
        assert_eq!(
            w.deadline().expect("idle") - w.base,
            Duration::from_secs(3) + T.idle
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        w.on_read();
        assert_eq!(
            w.deadline().expect("next head") - w.base,
            Duration::from_secs(4) + T.header
        );
        w.on_read();
        assert_eq!(
            w.deadline().expect("head does not restart") - w.base,
            Duration::from_secs(4) + T.header
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_generation_changes_nothing() {
        let w = ConnWatch::new(T);
        let first = w.request_started(false);
        w.response_done(first);
        let second = w.request_started(true);
        w.body_done(first);
        w.response_done(first);
        assert_eq!(w.deadline().expect("second body") - w.base, T.body);
        w.body_done(second);
        assert_eq!(w.deadline(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_blocked_write_is_bounded_until_it_progresses() {
        let w = ConnWatch::new(T);
        w.request_started(false);
        w.on_write_blocked();
        tokio::time::advance(Duration::from_secs(5)).await;
        w.on_write_blocked();
        assert_eq!(w.deadline().expect("blocked") - w.base, T.idle);
        w.on_write_progress();
        assert_eq!(w.deadline(), None);
    }
}
