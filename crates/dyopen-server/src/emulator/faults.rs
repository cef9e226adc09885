//! Fault injection: the next N calls of a route fail as asked (`system_error` in the route's own
//! dialect, `timeout`, or `http_500`), for testing clients' retries.

use crate::http::normalize::normalize_path;
use dyopen_wire::emulator::FaultView;
use std::collections::BTreeMap;

/// Longest `timeout` hold.
pub(crate) const MAX_DELAY_MS: u64 = 600_000;

/// How an injected fault answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The route's system-error envelope (HTTP 200 on open APIs).
    SystemError,
    /// No answer for this long, then HTTP 504.
    Timeout {
        /// Hold time.
        delay_ms: u64,
    },
    /// HTTP 500.
    Http500,
}

impl FaultKind {
    fn name(self) -> &'static str {
        match self {
            FaultKind::SystemError => "system_error",
            FaultKind::Timeout { .. } => "timeout",
            FaultKind::Http500 => "http_500",
        }
    }
}

/// Pending faults by normalised path.
#[derive(Debug, Default)]
pub struct Faults {
    pending: BTreeMap<String, (FaultKind, u32)>,
}

impl Faults {
    /// Takes one firing of the fault on `path`, if any is pending.
    pub fn take(&mut self, path: &str) -> Option<FaultKind> {
        let (kind, remaining) = self.pending.get_mut(path)?;
        let kind = *kind;
        *remaining -= 1;
        if *remaining == 0 {
            self.pending.remove(path);
        }
        Some(kind)
    }
    /// Arms a fault (replacing one on the same path).
    pub fn arm(&mut self, path: &str, kind: FaultKind, count: u32) {
        self.pending.insert(normalize_path(path), (kind, count));
    }
    /// Disarms every fault.
    pub fn clear(&mut self) {
        self.pending.clear();
    }
    /// The pending faults, by path.
    pub fn views(&self) -> Vec<FaultView> {
        self.pending
            .iter()
            .map(|(path, (kind, remaining))| FaultView {
                path: path.clone(),
                err_kind: kind.name().into(),
                remaining: *remaining,
                delay_ms: match kind {
                    FaultKind::Timeout { delay_ms } => *delay_ms,
                    FaultKind::SystemError | FaultKind::Http500 => 0,
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_fires_exactly_count_times() {
        let mut f = Faults::default();
        f.arm("/api/apps/v2/token/", FaultKind::Http500, 2);
        assert_eq!(f.take("/api/apps/v2/token"), Some(FaultKind::Http500));
        assert_eq!(f.take("/api/apps/v2/token"), Some(FaultKind::Http500));
        assert_eq!(f.take("/api/apps/v2/token"), None);
    }
}
