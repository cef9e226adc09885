//! Visit counts: incremented in memory on the redirect path per link and Shanghai day (by the
//! Clock, so the daily buckets of the console's charts follow the emulator clock), flushed to the
//! database (`LinkStore::add_link_visits`: one appended row, however many codes) by a background
//! task every [`FLUSH_EVERY`] and on shutdown; added to the links' totals and daily buckets
//! (`LinkStore::settle_link_visits`) every [`SETTLE_EVERY`] and before reads of totals (the admin
//! listing, the console's pages and charts). A crash loses at most the counts since the last
//! flush, never a link; a failed flush is retried under its id, so its counts are written exactly
//! once. Decision record 0011 says why counts are appended and settled rather than added in place.

use dyopen_core::link::{LinkCode, VisitCount};
use dyopen_core::Store;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Interval of the background flush.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Interval of the background settling of flushed counts into the links' totals and buckets: a
/// link visited every second has its rows rewritten once per interval, not once per second,
/// while a reader (who settles first) never waits for more than this much traffic to be folded.
pub const SETTLE_EVERY: Duration = Duration::from_secs(10);

/// A batch taken out of the pending counts and not yet known to be written, with its flush id.
type Unsettled = (String, Vec<VisitCount>);

/// Visits per link and day.
type Counts = HashMap<(LinkCode, i64), i64, foldhash::fast::RandomState>;

/// Pending counts of one group of threads. Padded to its own cache lines, so threads counting
/// into different shards never write to the same line.
#[derive(Default)]
#[repr(align(128))]
struct Shard(Mutex<Counts>);

static NEXT_THREAD: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    /// This thread's shard number (modulo the shard count): threads are spread round-robin.
    static THREAD_SHARD: usize = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
}

/// Pending visits per link and day, in shards by thread rather than by code: a runtime worker
/// counts into its own shard, whose lock is then never contended but by the flush, which takes a
/// whole shard's map at once.
pub struct VisitCounter {
    shards: Box<[Shard]>,
    /// Serialises flushes (so a flush that returns has seen every earlier count written) and
    /// holds the batch of a failed flush, retried under the same id until it is written.
    unsettled: tokio::sync::Mutex<Option<Unsettled>>,
    /// Duration of each flush.
    flush_seconds: metrics::Histogram,
    /// Flushes that failed.
    flush_failures: metrics::Counter,
}

impl VisitCounter {
    /// An empty counter reporting its flushes to `flush_seconds` and `flush_failures`.
    pub fn new(flush_seconds: metrics::Histogram, flush_failures: metrics::Counter) -> Self {
        let shards = std::thread::available_parallelism().map_or(4, |n| 2 * n.get());
        Self {
            shards: (0..shards).map(|_| Shard::default()).collect(),
            unsettled: tokio::sync::Mutex::new(None),
            flush_seconds,
            flush_failures,
        }
    }

    fn shard(&self) -> &Mutex<Counts> {
        let i = THREAD_SHARD.with(|i| *i) % self.shards.len();
        &self.shards[i].0
    }

    /// Counts one visit on Shanghai day `day`.
    pub fn record(&self, code: &LinkCode, day: i64) {
        let mut counts = self.shard().lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry((*code, day)).or_insert(0) += 1;
    }

    /// Visits not yet flushed (the pending ones; a failed batch awaiting its retry not included).
    pub fn pending_total(&self) -> i64 {
        let shard_total =
            |s: &Shard| -> i64 { s.0.lock().unwrap_or_else(|p| p.into_inner()).values().sum() };
        self.shards.iter().map(shard_total).sum()
    }

    /// Takes every pending count, each (code, day) once.
    fn take_pending(&self) -> Vec<VisitCount> {
        let mut all = Vec::new();
        for shard in self.shards.iter() {
            // The next second's map is made before taking the lock, as big as this one was.
            let size = shard.0.lock().unwrap_or_else(|p| p.into_inner()).len();
            let fresh = Counts::with_capacity_and_hasher(size, Default::default());
            let taken = std::mem::replace(
                &mut *shard.0.lock().unwrap_or_else(|p| p.into_inner()),
                fresh,
            );
            all.extend(taken);
        }
        // A link visited from two threads is in two shards.
        all.sort_unstable_by_key(|(key, _)| *key);
        let mut out: Vec<VisitCount> = Vec::with_capacity(all.len());
        for ((code, day), visits) in all {
            match out.last_mut() {
                Some(last) if last.code == code && last.day == day => last.visits += visits,
                _ => out.push(VisitCount { code, day, visits }),
            }
        }
        out
    }

    /// Flushes, then adds every flushed count to the links' totals: what a reader of totals
    /// runs first (the admin listing). Failures are logged; the counts stay pending.
    pub async fn settle(&self, store: &dyn Store) {
        self.flush(store).await;
        if let Err(e) = store.settle_link_visits().await {
            tracing::warn!(error = %e, "settling visit counts failed; will retry");
        }
    }

    /// Writes the batch of an earlier failed flush (under its own id, so it counts once even if
    /// that flush did commit), then the pending counts. A batch that fails is kept,
    /// with its id, for the next flush; counts are never lost nor written twice.
    pub async fn flush(&self, store: &dyn Store) {
        let mut unsettled = self.unsettled.lock().await;
        // At most the unsettled batch, then the pending counts.
        for _ in 0..2 {
            let (id, batch) = match unsettled.take() {
                Some(left) => left,
                None => {
                    let batch = self.take_pending();
                    if batch.is_empty() {
                        return;
                    }
                    (format!("{:032x}", rand::random::<u128>()), batch)
                }
            };
            let started = std::time::Instant::now();
            let written = store.add_link_visits(&id, &batch).await;
            self.flush_seconds.record(started.elapsed().as_secs_f64());
            if let Err(e) = written {
                self.flush_failures.increment(1);
                tracing::warn!(error = %e, links = batch.len(), "visit flush failed; will retry");
                *unsettled = Some((id, batch));
                return;
            }
        }
    }

    /// Flushes every [`FLUSH_EVERY`] and settles every [`SETTLE_EVERY`] (real time: these are
    /// the server's own chores, not platform rules);
    /// when `stop` fires (or its sender is dropped), flushes a last time and returns. Stopping
    /// this way never cuts a flush in half.
    pub async fn run_flusher(
        self: Arc<Self>,
        store: Arc<dyn Store>,
        mut stop: tokio::sync::oneshot::Receiver<()>,
    ) {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let settle_every = (SETTLE_EVERY.as_secs() / FLUSH_EVERY.as_secs()).max(1);
        let mut ticks = 0u64;
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    ticks += 1;
                    if ticks.is_multiple_of(settle_every) {
                        self.settle(store.as_ref()).await;
                    } else {
                        self.flush(store.as_ref()).await;
                    }
                }
                _ = &mut stop => break,
            }
        }
        self.flush(store.as_ref()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> VisitCounter {
        VisitCounter::new(metrics::Histogram::noop(), metrics::Counter::noop())
    }

    #[test]
    fn counts_from_many_threads_are_taken_once_each_code_and_day_once() {
        let c = counter();
        let codes: Vec<LinkCode> = (0..50).map(|_| LinkCode::generate()).collect();
        std::thread::scope(|s| {
            for t in 0..8 {
                let (c, codes) = (&c, &codes);
                s.spawn(move || {
                    for (i, code) in codes.iter().enumerate() {
                        for _ in 0..=i {
                            c.record(code, 100 + (t % 2));
                        }
                    }
                });
            }
        });
        // Each code i: (i + 1) visits from each of 8 threads, half on day 100, half on 101.
        let expected: i64 = (1..=50).map(|n| 8 * n).sum();
        assert_eq!(c.pending_total(), expected);
        let taken = c.take_pending();
        assert_eq!(taken.len(), 100, "one count per (code, day)");
        assert_eq!(taken.iter().map(|v| v.visits).sum::<i64>(), expected);
        for v in &taken {
            let i = codes
                .iter()
                .position(|c| *c == v.code)
                .expect("a recorded code");
            assert_eq!(v.visits, 4 * (i as i64 + 1), "{v:?}");
        }
        assert_eq!(c.pending_total(), 0);
        assert!(c.take_pending().is_empty());
    }
}
