//! The one source of time. The server uses [`SystemClock`]; emulator mode and tests use
//! [`ManualClock`], which follows real time until it is set and then stands still.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};
use thiserror::Error;

/// Earliest instant the emulator clock may be set or advanced to: 2000-01-01T00:00:00Z.
pub const MIN_SETTABLE_SECS: i64 = 946_684_800;
/// Latest instant the emulator clock may be set or advanced to: 9999-12-31T23:59:59Z.
pub const MAX_SETTABLE_SECS: i64 = 253_402_300_799;

/// Why the clock was not moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ClockError {
    /// The target lies outside years 2000–9999 (or beyond `i64`).
    #[error("the clock can only be set within years 2000-9999 (Unix seconds {min} to {max})", min = MIN_SETTABLE_SECS, max = MAX_SETTABLE_SECS)]
    OutOfRange,
}

/// The instant of Unix second `secs`, if it lies within years 2000–9999.
pub fn settable(secs: i64) -> Result<Timestamp, ClockError> {
    if (MIN_SETTABLE_SECS..=MAX_SETTABLE_SECS).contains(&secs) {
        Ok(Timestamp::from_secs(secs))
    } else {
        Err(ClockError::OutOfRange)
    }
}

/// An instant as Unix milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// The Unix second this instant falls in (rounded down, as [`Self::secs`]).
    pub const fn unix_secs(self) -> UnixSecs {
        UnixSecs(self.secs())
    }
    /// The natural day in Asia/Shanghai (UTC+8, no DST) as days since 1970-01-01.
    pub const fn shanghai_day(self) -> i64 {
        (self.secs() + 8 * 3600).div_euclid(86_400)
    }
}

/// A span of whole seconds (a lifetime, a window, a step), distinct from the millisecond instant
/// [`Timestamp`] and from the Unix-second instants the platform sends and the store keeps. Its
/// value goes to the wire or into instant arithmetic through [`Seconds::get`], unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seconds(i64);

impl Seconds {
    /// `secs` seconds.
    pub const fn new(secs: i64) -> Self {
        Self(secs)
    }
    /// `h` hours.
    pub const fn hours(h: i64) -> Self {
        Self(h * 3_600)
    }
    /// `d` days.
    pub const fn days(d: i64) -> Self {
        Self(d * 86_400)
    }
    /// The number of seconds.
    pub const fn get(self) -> i64 {
        self.0
    }
}

/// An instant as whole Unix seconds, the resolution at which the platform sends and the store
/// keeps expiries and creation times; distinct from the millisecond [`Timestamp`] and from the
/// span [`Seconds`]. Its value goes to the wire and the store through [`UnixSecs::get`], unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixSecs(i64);

impl UnixSecs {
    /// Unix second `secs`.
    pub const fn new(secs: i64) -> Self {
        Self(secs)
    }
    /// The Unix second.
    pub const fn get(self) -> i64 {
        self.0
    }
    /// The instant `by` later, saturating at the ends of `i64`.
    pub const fn saturating_add(self, by: Seconds) -> Self {
        Self(self.0.saturating_add(by.get()))
    }
    /// The instant `by` earlier, saturating at the ends of `i64`.
    pub const fn saturating_sub(self, by: Seconds) -> Self {
        Self(self.0.saturating_sub(by.get()))
    }
    /// The start of this second as a millisecond [`Timestamp`] (saturating).
    pub const fn to_timestamp(self) -> Timestamp {
        Timestamp::from_secs(self.0)
    }
}

impl std::ops::Add<Seconds> for UnixSecs {
    type Output = Self;
    fn add(self, by: Seconds) -> Self {
        Self(self.0 + by.get())
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
/// use dyopen_core::clock::{Clock, ManualClock, Seconds, Timestamp};
/// let c = ManualClock::default();
/// c.set(Timestamp::from_secs(1_700_000_000));
/// c.advance(Seconds::new(60));
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
    /// Sets the time and freezes the clock (tests; the emulator API uses [`Self::try_set`]).
    pub fn set(&self, t: Timestamp) {
        *self.lock() = Mode::Frozen(t);
    }
    /// Moves the clock by `by` (saturating) and freezes it there (tests; the emulator API uses
    /// [`Self::try_advance`]).
    pub fn advance(&self, by: Seconds) {
        let secs = by.get();
        let mut mode = self.lock();
        let now = mode.now();
        *mode = Mode::Frozen(Timestamp::from_millis(
            now.millis().saturating_add(secs.saturating_mul(1000)),
        ));
    }
    /// Sets the clock to Unix second `secs` and freezes it, if that lies within years
    /// 2000–9999; otherwise leaves the clock as it was.
    pub fn try_set(&self, secs: i64) -> Result<Timestamp, ClockError> {
        let t = settable(secs)?;
        self.set(t);
        Ok(t)
    }
    /// Moves the clock by `by` and freezes it there, if the result lies within years 2000–9999
    /// (the milliseconds within the second are kept); otherwise leaves the clock as it was.
    /// Never overflows.
    pub fn try_advance(&self, by: Seconds) -> Result<Timestamp, ClockError> {
        let secs = by.get();
        let mut mode = self.lock();
        let now = mode.now();
        let target = now.secs().checked_add(secs).ok_or(ClockError::OutOfRange)?;
        settable(target)?;
        // In range, so `target * 1000 + ms` fits an i64 by far.
        let t = Timestamp::from_millis(target * 1000 + now.millis().rem_euclid(1000));
        *mode = Mode::Frozen(t);
        Ok(t)
    }
    /// Lets the clock run on in real time from where it stands.
    pub fn resume(&self) {
        let mut mode = self.lock();
        let now = mode.now();
        *mode = Mode::Running {
            offset_ms: now.millis().saturating_sub(real_now().millis()),
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

impl Mode {
    /// The time this mode shows; saturates instead of overflowing, whatever was set.
    fn now(&self) -> Timestamp {
        match *self {
            Mode::Running { offset_ms } => Timestamp(real_now().millis().saturating_add(offset_ms)),
            Mode::Frozen(t) => t,
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.lock().now()
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
    fn unix_seconds_round_down_from_milliseconds_and_back_exactly() {
        assert_eq!(Timestamp::from_millis(1_999).unix_secs(), UnixSecs::new(1));
        assert_eq!(Timestamp::from_millis(-1).unix_secs(), UnixSecs::new(-1));
        assert_eq!(UnixSecs::new(7).to_timestamp(), Timestamp::from_secs(7));
        assert_eq!(UnixSecs::new(i64::MAX).to_timestamp().millis(), i64::MAX);
        assert_eq!(UnixSecs::new(10) + Seconds::new(5), UnixSecs::new(15));
        assert_eq!(
            UnixSecs::new(i64::MAX).saturating_add(Seconds::new(1)),
            UnixSecs::new(i64::MAX)
        );
        assert_eq!(
            UnixSecs::new(i64::MIN).saturating_sub(Seconds::new(1)),
            UnixSecs::new(i64::MIN)
        );
    }

    #[test]
    fn the_settable_range_is_years_2000_to_9999() {
        let c = ManualClock::frozen_at(Timestamp::from_secs(1_000_000_000));
        for bad in [
            i64::MIN,
            -1,
            0,
            MIN_SETTABLE_SECS - 1,
            MAX_SETTABLE_SECS + 1,
            i64::MAX,
        ] {
            assert_eq!(c.try_set(bad), Err(ClockError::OutOfRange), "{bad}");
            assert_eq!(c.now().secs(), 1_000_000_000, "unchanged after {bad}");
        }
        assert_eq!(
            c.try_set(MIN_SETTABLE_SECS).map(Timestamp::secs),
            Ok(MIN_SETTABLE_SECS)
        );
        assert_eq!(
            c.try_set(MAX_SETTABLE_SECS).map(Timestamp::secs),
            Ok(MAX_SETTABLE_SECS)
        );
    }

    #[test]
    fn advancing_out_of_range_or_past_i64_is_refused_and_changes_nothing() {
        let c = ManualClock::frozen_at(Timestamp::from_millis(1_000_000_000_250));
        assert_eq!(
            c.try_advance(Seconds::new(i64::MAX)),
            Err(ClockError::OutOfRange)
        );
        assert_eq!(
            c.try_advance(Seconds::new(i64::MIN)),
            Err(ClockError::OutOfRange)
        );
        assert_eq!(c.now().millis(), 1_000_000_000_250);
        assert_eq!(
            c.try_advance(Seconds::new(60)).map(Timestamp::millis),
            Ok(1_000_000_060_250)
        );
        c.try_set(MAX_SETTABLE_SECS).unwrap();
        assert!(c.try_advance(Seconds::new(1)).is_err());
        c.resume();
        // Resuming at the edge and reading never overflows.
        assert!(c.now().secs() >= MAX_SETTABLE_SECS);
    }

    #[test]
    fn the_unchecked_moves_saturate_instead_of_overflowing() {
        let c = ManualClock::frozen_at(Timestamp::from_millis(i64::MAX - 5));
        c.advance(Seconds::new(i64::MAX));
        assert_eq!(c.now().millis(), i64::MAX);
        c.resume();
        assert!(c.now().millis() > i64::MAX - 60_000);
        c.set(Timestamp::from_millis(i64::MIN));
        c.advance(Seconds::new(i64::MIN));
        c.resume();
        assert!(c.now().millis() <= 0);
    }

    #[test]
    fn resumed_clock_runs_on_from_where_it_stood() {
        let c = ManualClock::frozen_at(Timestamp::from_secs(1_000));
        c.resume();
        assert!(!c.is_frozen());
        assert!(c.now().secs() >= 1_000 && c.now().secs() < 1_100);
    }
}
