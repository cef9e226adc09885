//! The token cache: one token at a time, refreshed ahead of expiry by exactly one caller
//! (single-flight) while the others keep using the still-valid token or wait for the new one.

use crate::error::{Error, Result};
use std::future::Future;
use std::sync::RwLock;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Which token endpoint the client uses for its managed token (every open API accepts both).
///
/// ```
/// use dyopen_client::TokenKind;
/// assert_eq!(TokenKind::default(), TokenKind::V2);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenKind {
    /// `POST /api/apps/v2/token` (developer.toutiao.com): the mini-program token, `08…`.
    #[default]
    V2,
    /// `POST /oauth/client_token/` (open.douyin.com): the client token, `clt.…`.
    Client,
}

#[derive(Debug, Clone)]
struct Cached {
    token: String,
    refresh_at: Instant,
    expires_at: Instant,
}

/// The cached token and the lock that makes refreshes single-flight.
#[derive(Debug)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Cached>>,
    refresh: Mutex<()>,
    refresh_ahead: Duration,
    /// The last failed fetch: callers that were already waiting get its error instead of
    /// fetching again one after another.
    failure: RwLock<Option<(Instant, Error)>>,
}

/// Longest token lifetime believed (a larger `expires_in` must not overflow the clock).
const MAX_LIFE: Duration = Duration::from_secs(30 * 86_400);

impl TokenCache {
    /// A cache that refreshes `refresh_ahead` before expiry (at the latest at half the lifetime).
    pub(crate) fn new(refresh_ahead: Duration) -> Self {
        Self {
            current: RwLock::new(None),
            refresh: Mutex::new(()),
            refresh_ahead,
            failure: RwLock::new(None),
        }
    }

    fn peek(&self) -> Option<Cached> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn store(&self, value: Option<Cached>) {
        match self.current.write() {
            Ok(mut g) => *g = value,
            Err(p) => *p.into_inner() = value,
        }
    }

    /// The current token, fetching one with `fetch` (→ token, `expires_in` seconds) when there is
    /// none or it is due for refresh. Concurrent callers share one fetch.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(String, i64)>>,
    {
        if let Some(c) = self.peek() {
            let now = Instant::now();
            if now < c.refresh_at {
                return Ok(c.token);
            }
            if now < c.expires_at {
                // Due for refresh but still valid: one caller refreshes, the rest use it meanwhile.
                // A failed early refresh falls back to the token, which is still valid.
                return match self.refresh.try_lock() {
                    Ok(_guard) => self.refresh_locked(fetch).await.or(Ok(c.token)),
                    Err(_) => Ok(c.token),
                };
            }
        }
        let waiting_since = Instant::now();
        let _guard = self.refresh.lock().await;
        if let Some(e) = self.failure_since(waiting_since) {
            return Err(e);
        }
        self.refresh_locked(fetch).await
    }

    /// The error of a fetch that failed at or after `since`.
    fn failure_since(&self, since: Instant) -> Option<Error> {
        let guard = match self.failure.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        guard
            .as_ref()
            .filter(|(at, _)| *at >= since)
            .map(|(_, e)| e.for_waiters())
    }

    fn record_failure(&self, value: Option<(Instant, Error)>) {
        match self.failure.write() {
            Ok(mut g) => *g = value,
            Err(p) => *p.into_inner() = value,
        }
    }

    /// With the refresh lock held: re-check (another caller may just have refreshed), then fetch.
    async fn refresh_locked<F, Fut>(&self, fetch: F) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(String, i64)>>,
    {
        if let Some(c) = self.peek() {
            if Instant::now() < c.refresh_at {
                return Ok(c.token);
            }
        }
        let started = Instant::now();
        let (token, expires_in) = match fetch().await {
            Ok(got) => {
                self.record_failure(None);
                got
            }
            Err(e) => {
                self.record_failure(Some((Instant::now(), e.for_waiters())));
                return Err(e);
            }
        };
        let life = Duration::from_secs(u64::try_from(expires_in.max(1)).unwrap_or(1)).min(MAX_LIFE);
        let ahead = self.refresh_ahead.min(life / 2);
        self.store(Some(Cached {
            token: token.clone(),
            refresh_at: started + (life - ahead),
            expires_at: started + life,
        }));
        Ok(token)
    }

    /// Forgets `token` if it is still the cached one (the platform rejected it).
    pub(crate) fn invalidate(&self, token: &str) {
        if self.peek().is_some_and(|c| c.token == token) {
            self.store(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    async fn fetch_counting(n: Arc<AtomicUsize>) -> Result<(String, i64)> {
        let i = n.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        Ok((format!("t{i}"), 7200))
    }

    #[tokio::test(start_paused = true)]
    async fn hundred_concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::new(Duration::from_secs(300)));
        let n = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (cache, n) = (cache.clone(), n.clone());
            tasks.push(tokio::spawn(async move {
                cache.get(|| fetch_counting(n)).await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.ok().and_then(|r| r.ok()).as_deref(), Some("t0"));
        }
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_ahead_of_expiry_and_after_invalidation() {
        let cache = TokenCache::new(Duration::from_secs(300));
        let n = Arc::new(AtomicUsize::new(0));
        assert_eq!(
            cache
                .get(|| fetch_counting(n.clone()))
                .await
                .ok()
                .as_deref(),
            Some("t0")
        );
        tokio::time::advance(Duration::from_secs(6899)).await;
        assert_eq!(
            cache
                .get(|| fetch_counting(n.clone()))
                .await
                .ok()
                .as_deref(),
            Some("t0")
        );
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(
            cache
                .get(|| fetch_counting(n.clone()))
                .await
                .ok()
                .as_deref(),
            Some("t1")
        );
        cache.invalidate("t0"); // stale: ignored
        assert_eq!(
            cache
                .get(|| fetch_counting(n.clone()))
                .await
                .ok()
                .as_deref(),
            Some("t1")
        );
        cache.invalidate("t1");
        assert_eq!(
            cache
                .get(|| fetch_counting(n.clone()))
                .await
                .ok()
                .as_deref(),
            Some("t2")
        );
    }
}
