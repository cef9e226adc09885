//! Short-video tasks (任务台): the v2 task APIs (`/api/match/v2/taskbox/*`, dialect
//! [`crate::dialect::Open`]) and `update_orient_talents` (dialect [`crate::dialect::Talents`],
//! seed 001), plus the admin views of tasks.
//!
//! Field names copy the official npm SDK's models (`@open-dy/open_api_sdk`). Ids and times are
//! accepted as JSON integers or decimal strings ([`FlexId`], [`FlexInt`]); `task_id` is emitted
//! as a string. Which fields are required and what values are valid is decided in `dyopen-core`.

use crate::ids::{FlexId, FlexInt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod codes;

pub use codes::{TalentOp, TaskStatus, UnknownCode};

/// Most douyin ids one `update_orient_talents` call may carry (seed 001). The SDK splits longer
/// lists into chunks of this size.
pub const MAX_TALENTS_PER_CALL: usize = 10;

/// `POST /api/match/v2/taskbox/add_task/` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddTaskRequest {
    /// Task name (required, 1–100 characters after trimming).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// Settlement type, stored and echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_settle_type: Option<FlexInt>,
    /// Page type, stored and echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_type: Option<FlexInt>,
    /// A published page of the app (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_page: Option<String>,
    /// Anchor title, stored and echoed (at most 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor_title: Option<String>,
    /// Icon URL, stored and echoed (at most 1 024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_icon: Option<String>,
    /// Description, stored and echoed (at most 2 000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_desc: Option<String>,
    /// Tags, stored and echoed (at most 20, each at most 32 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_tags: Option<Vec<String>>,
    /// Unix seconds (required, before `task_end_time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_start_time: Option<FlexInt>,
    /// Unix seconds (required); the task counts as terminated from then on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_end_time: Option<FlexInt>,
    /// Talents of an exclusive task (≤ 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub douyin_ids: Option<Vec<String>>,
    /// Stored and echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub payment_allocate_ratio: Option<serde_json::Number>,
    /// Stored and echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub talent_payment_allocate_ratio: Option<serde_json::Number>,
    /// Stored and echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_refund_period: Option<FlexInt>,
    /// Stored and echoed (at most 10 items, each at most 512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_videos: Option<Vec<String>>,
    /// Stored and echoed (at most 10 items, each at most 512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_gids: Option<Vec<String>>,
    /// Stored and echoed (at most 10 items, each at most 512 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_ma_captures: Option<Vec<String>>,
    /// Stored and echoed (at most 10 entries, keys and values at most 64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix_payment_allocate_ratio: Option<BTreeMap<String, String>>,
    /// Stored and echoed (at most 10 entries, keys and values at most 64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talent_mix_payment_allocate_ratio: Option<BTreeMap<String, String>>,
    /// dyopen extension: `2` asks for an exclusive task even without `douyin_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_type: Option<FlexInt>,
    /// Token, if not in the `access-token` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// `data` of add_task and update_status: `{"task_id": "7218760632718443557"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskIdData {
    /// The task, as a string.
    pub task_id: FlexId,
}

/// `POST /api/match/v2/taskbox/update_status/` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateStatusRequest {
    /// The task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<FlexId>,
    /// A [`TaskStatus`] code: 1 running, 2 paused, 3 terminated (the SDK sends a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_status: Option<FlexInt>,
    /// Token, if not in the `access-token` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// `POST /api/match/v2/taskbox/query_task_info/` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryTaskInfoRequest {
    /// The app (defaults to the token's app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    /// 1-based page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<FlexInt>,
    /// 1–50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<FlexInt>,
    /// Filter by task_type (1 public, 2 exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_category: Option<FlexInt>,
    /// 1 task id, 2 task name substring, 3 start page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params_type: Option<FlexInt>,
    /// What to search for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params_content: Option<String>,
    /// Token, if not in the `access-token` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// One talent of an exclusive task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrientedTalentRel {
    /// The talent's douyin id.
    pub douyin_id: String,
    /// 1 cooperating, 2 cancelled, 3 submitted.
    pub cooperation_state: i64,
    /// 0 none, 1 developer, 2 talent.
    pub cancel_operator: i64,
}

/// One task of `query_task_info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskInfo {
    /// The task, as a string.
    pub task_id: FlexId,
    /// Its app.
    pub appid: String,
    /// Name.
    pub task_name: String,
    /// 1 public, 2 exclusive.
    pub task_type: i64,
    /// 1 running, 2 paused, 3 terminated (also once `task_end_time` has passed).
    pub status: i64,
    /// Start page.
    pub start_page: String,
    /// Unix seconds, as a string (the SDK's type).
    pub task_start_time: String,
    /// Unix seconds, as a string (the SDK's type).
    pub task_end_time: String,
    /// Description.
    pub task_desc: String,
    /// Anchor title.
    pub anchor_title: String,
    /// Icon.
    pub task_icon: String,
    /// Tags.
    pub task_tags: Vec<String>,
    /// Settlement type.
    pub task_settle_type: i64,
    /// Page type.
    pub page_type: i64,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub payment_allocate_ratio: Option<serde_json::Number>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub talent_payment_allocate_ratio: Option<serde_json::Number>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_refund_period: Option<i64>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_videos: Option<Vec<String>>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_gids: Option<Vec<String>>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_ma_captures: Option<Vec<String>>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix_payment_allocate_ratio: Option<BTreeMap<String, String>>,
    /// As sent at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talent_mix_payment_allocate_ratio: Option<BTreeMap<String, String>>,
    /// Always `""` (dyopen has no review).
    pub reject_reason: String,
    /// Talents of an exclusive task, in the order they were first added.
    pub oriented_talent_rel_list: Vec<OrientedTalentRel>,
}

/// `data` of `query_task_info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryTaskInfoData {
    /// The app queried.
    pub app_id: String,
    /// Matching tasks in all pages, as a string (the SDK's type).
    pub total: String,
    /// Number of pages, as a string (the SDK's type).
    pub page_count: String,
    /// This page, newest first.
    pub tasks: Vec<TaskInfo>,
}

/// `POST /api/match/v2/taskbox/query_app_task_id/` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryAppTaskIdRequest {
    /// Unix seconds, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_start_time: Option<FlexInt>,
    /// Unix seconds, inclusive; at most 7 days after the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_end_time: Option<FlexInt>,
    /// Filter by task_type (1 public, 2 exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_category: Option<FlexInt>,
    /// Token, if not in the `access-token` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// `data` of `query_app_task_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryAppTaskIdData {
    /// Task ids as strings, newest first.
    pub task_ids: Vec<FlexId>,
}

/// `POST /api/apps/taskbox/update_orient_talents/` body (seed 001).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateOrientTalentsRequest {
    /// Token (or the `access-token` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The task's app.
    pub appid: String,
    /// The exclusive task: a JSON integer as in the seed, or a decimal string; sent as an integer
    /// (seed 001 types it `number`).
    #[serde(serialize_with = "crate::ids::serialize_as_number")]
    pub task_id: FlexId,
    /// A [`TalentOp`] code: 1 add, 2 cancel.
    pub op_type: i64,
    /// Talents' douyin ids, at most [`MAX_TALENTS_PER_CALL`].
    pub douyin_ids: Vec<String>,
    /// A service provider's own appid (must be the token's app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_appid: Option<String>,
}

/// The result for one douyin id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateInfo {
    /// The id as sent.
    pub douyin_id: String,
    /// `请求成功,已添加`, `请求成功,已取消` or `请求失败,…`.
    pub update_result: String,
}

/// `data` of `update_orient_talents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateOrientTalentsData {
    /// One entry per id sent, in order.
    pub update_info_list: Vec<UpdateInfo>,
}

/// `POST /admin/v1/tasks/{task_id}/submissions` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionRequest {
    /// The submitting talent.
    pub douyin_id: String,
    /// The posted video, if known (at most 128 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_id: Option<String>,
}

/// A talent as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TalentView {
    /// The talent's douyin id.
    pub douyin_id: String,
    /// 1 cooperating, 2 cancelled, 3 submitted.
    pub cooperation_state: i64,
    /// 0 none, 1 developer, 2 talent.
    pub cancel_operator: i64,
    /// The submitted video, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_id: Option<String>,
    /// When the talent was first added.
    pub created_at: String,
    /// When its state last changed.
    pub updated_at: String,
}

/// A task as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskSummaryView {
    /// The task, as a string.
    pub task_id: FlexId,
    /// Its app.
    pub appid: String,
    /// Name.
    pub task_name: String,
    /// 1 public, 2 exclusive.
    pub task_type: i64,
    /// Effective status: 1 running, 2 paused, 3 terminated.
    pub status: i64,
    /// Start page.
    pub start_page: String,
    /// Start (RFC 3339).
    pub task_start_time: String,
    /// End (RFC 3339).
    pub task_end_time: String,
    /// Creation (RFC 3339).
    pub created_at: String,
    /// Talents on the task, cancelled included (the 200 cap counts these).
    pub talents_total: u64,
    /// Talents cooperating.
    pub talents_cooperating: u64,
    /// Talents cancelled.
    pub talents_cancelled: u64,
    /// Talents that submitted.
    pub talents_submitted: u64,
}

/// A task with its talents (`GET /admin/v1/tasks/{task_id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskDetailView {
    /// The task and its counts.
    #[serde(flatten)]
    pub task: TaskSummaryView,
    /// Its talents, in the order they were first added.
    pub talents: Vec<TalentView>,
}
