//! dyopen's emulator API (`/_emulator/v1`, only with `--emulator`).

use serde::{Deserialize, Serialize};

/// `POST /_emulator/v1/clock` body: exactly one of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClockRequest {
    /// Move the clock forward (or back, if negative) and freeze it there. The result must lie
    /// within years 2000–9999, else 400 and the clock is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advance_seconds: Option<i64>,
    /// Set the clock to this Unix time (seconds, years 2000–9999, else 400) and freeze it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<i64>,
    /// `true`: let the clock run on in real time from where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<bool>,
}

/// Answer of `GET`/`POST /_emulator/v1/clock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockResponse {
    /// Unix seconds.
    pub now: i64,
    /// Unix milliseconds.
    pub now_ms: i64,
    /// Whether the clock stands still.
    pub frozen: bool,
}

/// One journaled request and its answer (`GET /_emulator/v1/journal`). The value of every field
/// whose decoded name contains `token`, `secret` or `password` is masked as `***`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalEntry {
    /// Increasing number of the entry since start (or reset).
    pub seq: u64,
    /// Clock time of the request (Unix ms).
    pub at_ms: i64,
    /// The request's log id.
    pub log_id: String,
    /// HTTP method.
    pub method: String,
    /// Normalised path (no repeated or trailing slashes).
    pub path: String,
    /// Query string with tokens masked, `""` if none.
    pub query: String,
    /// The app the request concerned, when known (body `appid`/`ma_app_id`/`app_id`/`client_key`,
    /// else the app of its token).
    pub appid: Option<String>,
    /// HTTP status of the answer.
    pub status: u16,
    /// Request body: JSON when it was complete and parsed, else text: a body that is not JSON,
    /// or one cut at `--journal-body-bytes` (then `request_truncated` is true).
    pub request: serde_json::Value,
    /// Whether `request` is only the first `--journal-body-bytes` of the (masked) body.
    #[serde(default)]
    pub request_truncated: bool,
    /// Response body, kept like `request`.
    pub response: serde_json::Value,
    /// Whether `response` is only the first `--journal-body-bytes` of the (masked) body.
    #[serde(default)]
    pub response_truncated: bool,
    /// Whether an injected fault produced the answer.
    pub injected_fault: bool,
    /// Whether the answer was replayed from a recording (`dyopen serve --replay DIR`).
    #[serde(default)]
    pub replayed: bool,
}

/// Answer of `GET /_emulator/v1/journal`: newest last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalPage {
    /// Matching entries, oldest first.
    pub entries: Vec<JournalEntry>,
    /// Capacity of the ring buffer.
    pub capacity: usize,
}

/// `POST /_emulator/v1/faults` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultRequest {
    /// Route path, e.g. `/api/product/v1/app_region_add/` (normalised like requests).
    #[cfg_attr(feature = "openapi", schema(pattern = "^/"))]
    pub path: String,
    /// `system_error` (the route's own system-error envelope), `timeout` (no answer for
    /// `delay_ms`, then HTTP 504), or `http_500`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(system_error|timeout|http_500)$")
    )]
    pub err_kind: String,
    /// How many of the next calls fail (≥ 1).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub count: u32,
    /// For `timeout`: how long to hold the request (default 30000 ms, at most 600000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// A pending fault (`GET /_emulator/v1/faults`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultView {
    /// Normalised route path.
    pub path: String,
    /// The kind.
    pub err_kind: String,
    /// Calls still to fail.
    pub remaining: u32,
    /// For `timeout`.
    pub delay_ms: u64,
}

/// A fixture for `POST /_emulator/v1/seed` (JSON or YAML) and `dyopen serve --seed-file`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// Apps to create, with what belongs to them.
    #[serde(default)]
    pub apps: Vec<FixtureApp>,
    /// Whether the demo app exists beside these apps (default true). Read from the
    /// `--seed-file` fixture at every start and reset; `POST /_emulator/v1/seed` ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo: Option<bool>,
}

impl Fixture {
    /// Whether the demo app should exist beside this fixture's apps.
    pub fn wants_demo(&self) -> bool {
        self.demo.unwrap_or(true)
    }
}

/// An app of a fixture. Fixed `appid`/`secret` make credentials predictable for tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FixtureApp {
    /// `tt` + 16 hex; generated when absent.
    #[serde(default)]
    pub appid: Option<String>,
    /// 32 hex (any non-empty text is accepted); when absent, derived from the appid (the first
    /// 32 hex digits of SHA-256 of `dyopen fixture secret:` + appid), so a fixed appid keeps its
    /// secret across resets and restarts.
    #[serde(default)]
    pub secret: Option<String>,
    /// Display name.
    pub name: String,
    /// Published pages.
    #[serde(default)]
    pub pages: Vec<String>,
    /// qps limit of URL-link generation.
    #[serde(default)]
    pub qps_limit: Option<i64>,
    /// Daily URL-link quota.
    #[serde(default)]
    pub daily_link_quota: Option<i64>,
    /// `active` or `banned`.
    #[serde(default)]
    pub status: Option<String>,
    /// Apps allowed to act for this one (they must be in the fixture or already stored).
    #[serde(default)]
    pub providers: Vec<String>,
    /// City bindings, added in order at the current clock time.
    #[serde(default)]
    pub regions: Vec<FixtureRegion>,
    /// Tasks, in the body shape of `POST /api/match/v2/taskbox/add_task/` (`douyin_ids` makes
    /// an exclusive task with those talents cooperating).
    #[serde(default)]
    pub tasks: Vec<crate::task::AddTaskRequest>,
    /// URL links, generated as `POST /api/apps/v1/url_link/generate/` would (no qps check).
    #[serde(default)]
    pub links: Vec<FixtureLink>,
}

/// A URL link of a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FixtureLink {
    /// `douyin` (default), `douyinlite`, `toutiao` or `toutiaolite`.
    #[serde(default)]
    pub app_name: Option<String>,
    /// A published page; empty or absent: the home page.
    #[serde(default)]
    pub path: Option<String>,
    /// A JSON object as text, e.g. `{"id":"1"}`.
    #[serde(default)]
    pub query: Option<String>,
    /// Unix seconds, after now and at most 180 days ahead (rounded up to whole hours).
    pub expire_time: crate::ids::FlexInt,
}

/// A city binding of a fixture.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FixtureRegion {
    /// 1 whole app, 2 page.
    pub bind_type: i64,
    /// City code.
    pub region_id: String,
    /// Page path for bind_type 2.
    #[serde(default)]
    pub path: Option<String>,
}

/// Answer of `POST /_emulator/v1/seed`: the apps created, with their secrets, and their tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeedResponse {
    /// The apps, in fixture order.
    pub apps: Vec<crate::admin::AppWithSecret>,
    /// The tasks created, in fixture order.
    #[serde(default)]
    pub tasks: Vec<SeededTask>,
    /// The links created, in fixture order.
    #[serde(default)]
    pub links: Vec<SeededLink>,
}

/// A URL link created by a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeededLink {
    /// Its app.
    pub appid: String,
    /// The link.
    pub url_link: String,
}

/// A task created by a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeededTask {
    /// Its app.
    pub appid: String,
    /// The new task id (a 19-digit decimal string).
    pub task_id: String,
    /// Its name.
    pub task_name: String,
}

/// Answer of `POST /_emulator/v1/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetResponse {
    /// The demo app after the reset (same credentials as before), if there is one.
    pub demo: Option<crate::admin::AppWithSecret>,
    /// Apps re-created from the start-up fixture.
    pub seeded: Vec<crate::admin::AppWithSecret>,
}
