//! Jittered exponential backoff for system-error answers and connection failures.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How often and how patiently the client retries a call that failed for a reason that is not the
/// request's fault: a system-error code (-1, 10000, 4001010, 28005002, 2190002), a connection that
/// could not be made, or (for idempotent calls only) a timeout or a 5xx.
///
/// The delay before retry `n` (0-based) is a uniformly random duration in
/// `[0, min(max_delay, base_delay × 2ⁿ)]` ("full jitter").
///
/// ```
/// use dyopen_client::RetryPolicy;
/// use std::time::Duration;
/// let p = RetryPolicy { max_retries: 5, base_delay: Duration::from_millis(50), max_delay: Duration::from_secs(1) };
/// assert!(p.delay(10) <= Duration::from_secs(1));
/// assert_eq!(RetryPolicy::none().max_retries, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Cap of the first delay.
    pub base_delay: Duration,
    /// Cap of every delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, 200 ms base, 5 s cap.
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    ///
    /// ```
    /// assert_eq!(dyopen_client::RetryPolicy::none().max_retries, 0);
    /// ```
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The jittered delay before retry number `attempt` (0-based).
    ///
    /// ```
    /// use dyopen_client::RetryPolicy;
    /// let p = RetryPolicy::default();
    /// assert!(p.delay(0) <= p.base_delay);
    /// ```
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX);
        let cap = self
            .base_delay
            .saturating_mul(factor)
            .min(self.max_delay)
            .as_nanos();
        let cap = u64::try_from(cap).unwrap_or(u64::MAX);
        if cap == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % cap.saturating_add(1))
    }
}

/// A random number from the standard library's per-process random hasher keys (enough for
/// jitter; no extra dependency).
fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_under_the_caps_and_vary() {
        let p = RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        let mut seen = std::collections::HashSet::new();
        for attempt in 0..10 {
            for _ in 0..20 {
                let d = p.delay(attempt);
                let cap = (Duration::from_millis(100) * 2u32.pow(attempt.min(10))).min(p.max_delay);
                assert!(d <= cap, "{d:?} > {cap:?}");
                seen.insert(d);
            }
        }
        assert!(seen.len() > 10, "no jitter: {seen:?}");
    }

    #[test]
    fn zero_base_means_no_wait() {
        let p = RetryPolicy {
            base_delay: Duration::ZERO,
            ..RetryPolicy::default()
        };
        assert_eq!(p.delay(3), Duration::ZERO);
    }
}
