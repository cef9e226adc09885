//! Which of an app's links a listing shows (the console's filter).

use super::rules::live_until;
use crate::clock::{Timestamp, UnixSecs};

/// Links by liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Liveness {
    /// Every link.
    #[default]
    All,
    /// Links live at the filter's instant.
    Live,
    /// Links expired at the filter's instant.
    Expired,
}

impl Liveness {
    /// `all`, `live` or `expired` (anything else: all).
    pub fn parse(s: &str) -> Self {
        match s {
            "live" => Self::Live,
            "expired" => Self::Expired,
            _ => Self::All,
        }
    }
    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Live => "live",
            Self::Expired => "expired",
        }
    }
}

/// A filter of an app's links.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkFilter {
    /// Only links to this page, when set.
    pub path: Option<String>,
    /// Live or expired links only.
    pub liveness: Liveness,
    /// The instant liveness is judged at.
    pub now: Timestamp,
}

impl LinkFilter {
    /// The first expiry (Unix seconds) at which a link counts as live at the filter's instant:
    /// live links have `expires_at > now` ([`live_until`]).
    pub fn live_after(&self) -> UnixSecs {
        self.now.unix_secs()
    }
    /// Whether a link with this page and expiry passes (the store's SQL says the same; tests
    /// hold the two together).
    pub fn admits(&self, path: &str, expires_at: UnixSecs) -> bool {
        let live = live_until(expires_at, self.now);
        self.path.as_deref().is_none_or(|p| p == path)
            && match self.liveness {
                Liveness::All => true,
                Liveness::Live => live,
                Liveness::Expired => !live,
            }
    }
}
