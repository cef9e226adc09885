//! Visit counts: incremented in memory on the redirect path, flushed to the database in one
//! transaction (a fixed number of statements, `LinkStore::add_link_visits`) by a background task
//! every [`FLUSH_EVERY`], before the admin listing, and on shutdown. A crash loses at most the
//! counts since the last flush, never a link; a failed flush is retried under its id, so its
//! counts are written exactly once.

use dashmap::DashMap;
use dyopen_core::link::LinkCode;
use dyopen_core::Store;
use std::sync::Arc;
use std::time::Duration;

/// Interval of the background flush.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// A batch taken out of the pending counts and not yet known to be written, with its flush id.
type Unsettled = (String, Vec<(LinkCode, i64)>);

/// Pending visits per link.
#[derive(Default)]
pub struct VisitCounter {
    pending: DashMap<LinkCode, i64>,
    /// Serialises flushes (so a flush that returns has seen every earlier count written) and
    /// holds the batch of a failed flush, retried under the same id until it is written.
    unsettled: tokio::sync::Mutex<Option<Unsettled>>,
}

impl VisitCounter {
    /// Counts one visit.
    pub fn record(&self, code: &LinkCode) {
        if let Some(mut n) = self.pending.get_mut(code) {
            *n += 1;
            return;
        }
        *self.pending.entry(*code).or_insert(0) += 1;
    }

    /// Visits not yet flushed (the pending ones; a failed batch awaiting its retry not included).
    pub fn pending_total(&self) -> i64 {
        self.pending.iter().map(|e| *e.value()).sum()
    }

    fn take_pending(&self) -> Vec<(LinkCode, i64)> {
        let codes: Vec<LinkCode> = self.pending.iter().map(|e| *e.key()).collect();
        codes
            .into_iter()
            .filter_map(|c| self.pending.remove(&c))
            .collect()
    }

    /// Writes the batch of an earlier failed flush (under its own id, so it counts once even if
    /// that flush did commit), then the pending counts. A batch that fails is kept, with its id,
    /// for the next flush; counts are never lost nor written twice.
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
            if let Err(e) = store.add_link_visits(&id, &batch).await {
                tracing::warn!(error = %e, links = batch.len(), "visit flush failed; will retry");
                *unsettled = Some((id, batch));
                return;
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
