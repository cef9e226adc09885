//! Visit counts: incremented in memory on the redirect path per link and Shanghai day (by the
//! Clock, so the daily buckets of the console's charts follow the emulator clock), flushed to the
//! database (`LinkStore::add_link_visits`: one appended row, however many codes) by a background
//! task every [`FLUSH_EVERY`] and on shutdown; added to the links' totals and daily buckets
//! (`LinkStore::settle_link_visits`) every [`SETTLE_EVERY`] and before reads of totals (the admin
//! listing, the console's pages and charts). A crash loses at most the counts since the last
//! flush, never a link; a failed flush is retried under its id, so its counts are written exactly
//! once. Decision record 0011 says why counts are appended and settled rather than added in place.

use dashmap::DashMap;
use dyopen_core::link::{LinkCode, VisitCount};
use dyopen_core::Store;
use std::sync::Arc;
use std::time::Duration;

/// Interval of the background flush.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// Interval of the background settling of flushed counts into the links' totals and buckets: a
/// link visited every second has its rows rewritten once per interval, not once per second,
/// while a reader (who settles first) never waits for more than this much traffic to be folded.
pub const SETTLE_EVERY: Duration = Duration::from_secs(10);

/// A batch taken out of the pending counts and not yet known to be written, with its flush id.
type Unsettled = (String, Vec<VisitCount>);

/// Pending visits per link and day.
pub struct VisitCounter {
    pending: DashMap<(LinkCode, i64), i64>,
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
        Self {
            pending: DashMap::new(),
            unsettled: tokio::sync::Mutex::new(None),
            flush_seconds,
            flush_failures,
        }
    }

    /// Counts one visit on Shanghai day `day`.
    pub fn record(&self, code: &LinkCode, day: i64) {
        let key = (*code, day);
        if let Some(mut n) = self.pending.get_mut(&key) {
            *n += 1;
            return;
        }
        *self.pending.entry(key).or_insert(0) += 1;
    }

    /// Visits not yet flushed (the pending ones; a failed batch awaiting its retry not included).
    pub fn pending_total(&self) -> i64 {
        self.pending.iter().map(|e| *e.value()).sum()
    }

    fn take_pending(&self) -> Vec<VisitCount> {
        let keys: Vec<(LinkCode, i64)> = self.pending.iter().map(|e| *e.key()).collect();
        keys.into_iter()
            .filter_map(|k| self.pending.remove(&k))
            .map(|((code, day), visits)| VisitCount { code, day, visits })
            .collect()
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
