//! dyopen's emulator API (`/_emulator/v1`, only with `--emulator`).

use serde::{Deserialize, Serialize};

/// `POST /_emulator/v1/clock` body: exactly one of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRequest {
    /// Move the clock forward (or back, if negative) and freeze it there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_seconds: Option<i64>,
    /// Set the clock to this Unix time and freeze it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<i64>,
    /// `true`: let the clock run on in real time from where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<bool>,
}

/// Answer of `GET`/`POST /_emulator/v1/clock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockResponse {
    /// Unix seconds.
    pub now: i64,
    /// Unix milliseconds.
    pub now_ms: i64,
    /// Whether the clock stands still.
    pub frozen: bool,
}
