//! `/_emulator/v1` (SPEC §7), mounted only with `--emulator`: the settable clock, reset, seed,
//! the request journal and fault injection. [`Emulator`] holds their state; its middleware
//! ([`middleware::layer`]) journals every request and fires injected faults.

pub(crate) mod clock;
pub(crate) mod faults;
pub(crate) mod fixture;
pub(crate) mod journal;
pub(crate) mod mask;
pub mod middleware;
pub mod replay;
pub(crate) mod reset;
pub(crate) mod routes;
pub(crate) mod tee;

use dyopen_core::clock::ManualClock;
use dyopen_wire::emulator::Fixture;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

pub use faults::{FaultKind, Faults};
pub use fixture::{apply_fixture, parse_fixture};
pub use journal::Journal;
pub use replay::Replay;
pub(crate) use routes::of;
pub use routes::router;

/// Default number of requests the journal keeps.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 1000;

/// State of emulator mode (the demo app's credentials are in the store: [`crate::demo`]).
pub struct Emulator {
    /// The settable clock (also `AppState::clock`).
    pub clock: Arc<ManualClock>,
    /// Recent requests.
    pub journal: Mutex<Journal>,
    /// Pending injected faults.
    pub faults: Mutex<Faults>,
    startup_fixture: Mutex<Option<Fixture>>,
    replay: OnceLock<Replay>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Emulator {
    /// Emulator state around `clock`, its journal keeping at most `journal_capacity` requests
    /// and `journal_bytes` bytes.
    pub fn new(clock: Arc<ManualClock>, journal_capacity: usize, journal_bytes: u64) -> Self {
        Self {
            clock,
            journal: Mutex::new(Journal::new(journal_capacity, journal_bytes)),
            faults: Mutex::new(Faults::default()),
            startup_fixture: Mutex::new(None),
            replay: OnceLock::new(),
        }
    }
    /// Remembers the start-up fixture (`--seed-file`): a reset loads it again.
    pub fn set_startup_fixture(&self, fixture: Fixture) {
        *lock(&self.startup_fixture) = Some(fixture);
    }
    /// The start-up fixture, if any.
    pub fn startup_fixture(&self) -> Option<Fixture> {
        lock(&self.startup_fixture).clone()
    }
    /// Answers matching requests from these recordings (`--replay`); set once, at start.
    pub fn set_replay(&self, replay: Replay) {
        let _ = self.replay.set(replay);
    }
    /// The recordings being replayed, if any.
    pub fn replay(&self) -> Option<&Replay> {
        self.replay.get()
    }
    /// The journal, locked.
    pub fn journal(&self) -> MutexGuard<'_, Journal> {
        lock(&self.journal)
    }
    /// The faults, locked.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }
}
