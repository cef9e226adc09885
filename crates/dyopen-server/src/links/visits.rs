//! Visit counts: incremented in memory on the redirect path, flushed to the database in one
//! transaction by a background task every [`FLUSH_EVERY`], before the admin listing, and on
//! shutdown. A crash loses at most the counts since the last flush, never a link.

use dashmap::DashMap;
use dyopen_core::link::LinkCode;
use dyopen_core::Store;
use std::sync::Arc;
use std::time::Duration;

/// Interval of the background flush.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Pending visits per link.
#[derive(Default)]
pub struct VisitCounter {
    pending: DashMap<LinkCode, i64>,
    /// Serialises flushes, so a flush that returns has seen every earlier count written.
    flushing: tokio::sync::Mutex<()>,
}

impl VisitCounter {
    /// Counts one visit.
    pub fn record(&self, code: &LinkCode) {
        if let Some(mut n) = self.pending.get_mut(code) {
            *n += 1;
            return;
        }
        *self.pending.entry(code.clone()).or_insert(0) += 1;
    }

    /// Visits not yet flushed.
    pub fn pending_total(&self) -> i64 {
        self.pending.iter().map(|e| *e.value()).sum()
    }

    /// Writes the pending counts; on failure they are put back for the next flush.
    pub async fn flush(&self, store: &dyn Store) {
        let _one_at_a_time = self.flushing.lock().await;
        let codes: Vec<LinkCode> = self.pending.iter().map(|e| e.key().clone()).collect();
        let batch: Vec<(LinkCode, i64)> = codes
            .into_iter()
            .filter_map(|c| self.pending.remove(&c))
            .collect();
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.add_link_visits(&batch).await {
            tracing::warn!(error = %e, links = batch.len(), "visit flush failed; will retry");
            for (code, n) in batch {
                *self.pending.entry(code).or_insert(0) += n;
            }
        }
    }

    /// Flushes every [`FLUSH_EVERY`]; when `stop` fires (or its sender is dropped), flushes a
    /// last time and returns. Stopping this way never cuts a flush in half.
    pub async fn run_flusher(
        self: Arc<Self>,
        store: Arc<dyn Store>,
        mut stop: tokio::sync::oneshot::Receiver<()>,
    ) {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => self.flush(store.as_ref()).await,
                _ = &mut stop => break,
            }
        }
        self.flush(store.as_ref()).await;
    }
}
