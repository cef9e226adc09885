//! The one source of time. The server uses [`SystemClock`]; emulator mode and tests use
//! [`ManualClock`], which follows real time until it is set and then stands still.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// An instant as Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From Unix milliseconds.
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }
    /// From Unix seconds.
    pub const fn from_secs(s: i64) -> Self {
        Self(s.saturating_mul(1000))
    }
    /// Unix milliseconds.
    pub const fn millis(self) -> i64 {
        self.0
    }
    /// Unix seconds, rounded down.
    pub const fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }
    /// The natural day in Asia/Shanghai (UTC+8, no DST) as days since 1970-01-01.
    pub const fn shanghai_day(self) -> i64 {
        (self.secs() + 8 * 3600).div_euclid(86_400)
    }
}

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> Timestamp;
}

fn real_now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp(ms)
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        real_now()
    }
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Real time plus an offset (ms).
    Running { offset_ms: i64 },
    /// Standing still.
    Frozen(Timestamp),
}

/// A clock the emulator (and tests) can set, advance, freeze and resume.
///
/// ```
/// use dyopen_core::clock::{Clock, ManualClock, Timestamp};
/// let c = ManualClock::default();
/// c.set(Timestamp::from_secs(1_700_000_000));
/// c.advance_secs(60);
/// assert_eq!(c.now().secs(), 1_700_000_060);
/// assert!(c.is_frozen());
/// ```
#[derive(Debug)]
pub struct ManualClock {
    mode: Mutex<Mode>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self {
            mode: Mutex::new(Mode::Running { offset_ms: 0 }),
        }
    }
}

impl ManualClock {
    /// A clock frozen at `t`.
    pub fn frozen_at(t: Timestamp) -> Self {
        Self {
            mode: Mutex::new(Mode::Frozen(t)),
        }
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Mode> {
        self.mode
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
    /// Sets the time and freezes the clock.
    pub fn set(&self, t: Timestamp) {
        *self.lock() = Mode::Frozen(t);
    }
    /// Moves the clock by `secs` and freezes it there.
    pub fn advance_secs(&self, secs: i64) {
        let now = self.now();
        self.set(Timestamp::from_millis(
            now.millis().saturating_add(secs.saturating_mul(1000)),
        ));
    }
    /// Lets the clock run on in real time from where it stands.
    pub fn resume(&self) {
        let now = self.now();
        *self.lock() = Mode::Running {
            offset_ms: now.millis() - real_now().millis(),
        };
    }
    /// Back to real time.
    pub fn reset(&self) {
        *self.lock() = Mode::Running { offset_ms: 0 };
    }
    /// Whether the clock stands still.
    pub fn is_frozen(&self) -> bool {
        matches!(*self.lock(), Mode::Frozen(_))
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        match *self.lock() {
            Mode::Running { offset_ms } => Timestamp(real_now().millis() + offset_ms),
            Mode::Frozen(t) => t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_day_turns_at_16_utc() {
        // 2024-05-01T15:59:59Z is 23:59:59 in Shanghai; one second later is the next day.
        let before = Timestamp::from_secs(1_714_579_199);
        let after = Timestamp::from_secs(1_714_579_200);
        assert_eq!(after.shanghai_day(), before.shanghai_day() + 1);
    }

    #[test]
    fn resumed_clock_runs_on_from_where_it_stood() {
        let c = ManualClock::frozen_at(Timestamp::from_secs(1_000));
        c.resume();
        assert!(!c.is_frozen());
        assert!(c.now().secs() >= 1_000 && c.now().secs() < 1_100);
    }
}
