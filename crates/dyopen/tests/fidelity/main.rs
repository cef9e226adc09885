//! The fidelity tools against the real binary (SPEC §13, docs/fidelity.md):
//! - `verify.rs`: `dyopen verify` against a dyopen server (every case the same, exit 0) and
//!   against a test double that spoils three answers (exactly those three differ, exit 2);
//! - `proxy.rs`: `dyopen proxy` in front of two stand-in hosts (routing by path, redirects passed
//!   back, secrets masked in every recorded place);
//! - `record_replay.rs`: the official clients' conformance scenarios recorded through
//!   `dyopen proxy` in front of a dyopen standing in for the platform, then replayed by a fresh
//!   `dyopen serve --emulator --replay`: the same envelopes, and no secret in any recording.

#[path = "../common/mod.rs"]
mod common;
mod proxy;
mod record_replay;
mod verify;

use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `dyopen verify --target URL --yes --report FILE` for an app: exit code, report, stdout.
fn verify(target: &str, appid: &str, secret: &str, dir: &Path) -> (i32, Value, String) {
    let report = dir.join("report.json");
    let out = common::dyopen()
        .args(["verify", "--target", target, "--appid", appid])
        .args(["--secret", secret, "--yes", "--report"])
        .arg(&report)
        .output()
        .expect("run dyopen verify");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text =
        std::fs::read(&report).unwrap_or_else(|e| panic!("no report ({e}): {stdout}\n{stderr}"));
    let report: Value = serde_json::from_slice(&text).expect("report JSON");
    (out.status.code().unwrap_or(-1), report, stdout)
}
