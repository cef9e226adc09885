//! What a run shows: the parity table (case, expected, answered, verdict), the details of each
//! difference, what was removed and what stays, and the JSON report (`--report FILE`).

use super::compare::Verdict;
use super::runner::{Outcome, Removed, Shown};
use crate::cli::output::table;
use serde::Serialize;
use serde_json::Value;

/// A binding the run had to leave.
#[derive(Debug, Clone, Serialize)]
pub struct Kept {
    /// Path (`""` whole app).
    pub path: String,
    /// City.
    pub region: String,
    /// When it may be deleted (Unix seconds).
    pub deletable_from: i64,
    /// The same, as text (UTC).
    pub deletable_from_text: String,
}

/// Counts of verdicts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Same.
    pub same: usize,
    /// Differs.
    pub differs: usize,
    /// Not run.
    pub skipped: usize,
}

/// The JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Base URL of open.douyin.com paths.
    pub douyin_url: String,
    /// Base URL of developer.toutiao.com paths.
    pub toutiao_url: String,
    /// The app.
    pub appid: String,
    /// Start (Unix seconds).
    pub started_at: i64,
    /// Link-quota units spent and the most that could be.
    pub link_quota: Value,
    /// Counts.
    pub summary: Summary,
    /// Every case that ran or was skipped, in order.
    pub cases: Vec<Outcome>,
    /// What was removed afterwards.
    pub removed: Vec<Removed>,
    /// What stays.
    pub kept: Vec<Kept>,
    /// Why the run stopped early, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// Seconds → `YYYY-MM-DD HH:MM UTC`.
pub fn utc(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| secs.to_string())
}

/// `200 10001 当前…` from a status and body: the code and text wherever the dialect has them.
fn brief(shown: &Shown) -> String {
    let b = &shown.body;
    let code = ["/err_no", "/error", "/data/error_code"]
        .iter()
        .find_map(|p| b.pointer(p).filter(|v| v.is_number()));
    let text = ["/err_msg", "/err_tips", "/data/description", "/message"]
        .iter()
        .find_map(|p| {
            b.pointer(p)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        });
    let mut out = shown.status.map(|s| s.to_string()).unwrap_or_default();
    if let Some(c) = code {
        out.push(' ');
        out.push_str(&c.to_string());
    }
    if let Some(t) = text {
        out.push(' ');
        out.extend(t.chars().take(36));
    }
    out
}

impl Report {
    /// Counts the verdicts of `cases`.
    pub fn summarise(cases: &[Outcome]) -> Summary {
        let mut s = Summary::default();
        for c in cases {
            match c.verdict {
                Verdict::Same => s.same += 1,
                Verdict::Skipped(_) => s.skipped += 1,
                _ => s.differs += 1,
            }
        }
        s
    }

    /// The text shown on a terminal.
    pub fn text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .cases
            .iter()
            .filter(|c| c.shown)
            .map(|c| {
                let expected = if c.expected.body.is_null() {
                    c.expected.status.map(|s| s.to_string()).unwrap_or_default()
                } else {
                    brief(&c.expected)
                };
                vec![
                    c.id.to_owned(),
                    expected,
                    c.answered.as_ref().map(brief).unwrap_or_else(|| "-".into()),
                    c.verdict.word().to_owned(),
                ]
            })
            .collect();
        let mut out = table(&["CASE", "EXPECTED", "ANSWERED", "VERDICT"], &rows);
        for c in self.cases.iter().filter(|c| c.shown) {
            match &c.verdict {
                Verdict::Same => {}
                Verdict::Shape(d) | Verdict::Code(d) | Verdict::Text(d) | Verdict::Skipped(d) => {
                    out.push_str(&format!("\n{} ({}, {}): {d}", c.id, c.source, c.title));
                }
            }
        }
        for r in &self.removed {
            out.push_str(&format!("\nremoved: {}: {}", r.what, r.result));
        }
        for k in &self.kept {
            out.push_str(&format!(
                "\nkept: {} bound to {} (modified, so locked for 7 days): delete it from {}",
                super::ledger::target_text(&k.path),
                k.region,
                k.deletable_from_text
            ));
        }
        out.push_str(&format!("\nlink quota spent: {}", self.link_quota["spent"]));
        if let Some(why) = &self.stopped {
            out.push_str(&format!("\nstopped early: {why}"));
        }
        let s = &self.summary;
        out.push_str(&format!(
            "\n{} same, {} differ, {} skipped",
            s.same, s.differs, s.skipped
        ));
        out
    }
}
