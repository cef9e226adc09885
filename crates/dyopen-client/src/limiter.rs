//! An optional client-side rate limiter: an async token bucket (e.g. 100 qps, the platform's
//! default per-app limit for URL-link generation).

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// A token bucket: up to `burst` calls at once, refilled at `per_second` calls per second.
/// [`RateLimiter::acquire`] waits (without holding a lock) until a token is free.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use dyopen_client::RateLimiter;
/// let limiter = RateLimiter::new(100);
/// for _ in 0..10 {
///     limiter.acquire().await; // the first 100 pass at once
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// `per_second` calls per second with a burst of the same size (at least 1).
    ///
    /// ```
    /// let limiter = dyopen_client::RateLimiter::new(100);
    /// assert_eq!(limiter.per_second(), 100.0);
    /// ```
    pub fn new(per_second: u32) -> Self {
        Self::with_burst(per_second, per_second)
    }

    /// `per_second` calls per second, at most `burst` at once (both at least 1).
    ///
    /// ```
    /// let limiter = dyopen_client::RateLimiter::with_burst(100, 10);
    /// assert_eq!(limiter.per_second(), 100.0);
    /// ```
    pub fn with_burst(per_second: u32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            per_second: f64::from(per_second.max(1)),
            burst,
            state: Mutex::new(Bucket {
                tokens: burst,
                last: Instant::now(),
            }),
        }
    }

    /// The refill rate.
    ///
    /// ```
    /// assert_eq!(dyopen_client::RateLimiter::new(5).per_second(), 5.0);
    /// ```
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// Waits until a call may go out, and takes its token.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let limiter = dyopen_client::RateLimiter::new(1);
    /// limiter.acquire().await;
    /// # }
    /// ```
    pub async fn acquire(&self) {
        loop {
            let wait = self.try_take();
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }

    /// Takes a token if one is free (`None`), else says how long until one will be.
    fn try_take(&self) -> Option<Duration> {
        let mut b = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64((1.0 - b.tokens) / self.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn passes_a_burst_then_paces_at_the_rate() {
        let limiter = Arc::new(RateLimiter::new(100));
        let start = Instant::now();
        for _ in 0..100 {
            limiter.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(1));
        let mut tasks = Vec::new();
        for _ in 0..150 {
            let l = limiter.clone();
            tasks.push(tokio::spawn(async move { l.acquire().await }));
        }
        for t in tasks {
            t.await.ok();
        }
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(1490), "{took:?}");
        assert!(took < Duration::from_millis(1600), "{took:?}");
    }
}
