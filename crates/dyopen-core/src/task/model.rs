//! Tasks and talents as stored, with their enums and the platform's numeric codes.

use crate::app::AppId;
use crate::clock::{Timestamp, UnixSecs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A task's stored status. A task whose end time has passed counts as terminated whatever is
/// stored (see [`Task::effective_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// 1.
    Running,
    /// 2.
    Paused,
    /// 3, final.
    Terminated,
}

impl TaskStatus {
    /// The stored code (the platform's numbers; the server converts to the wire's enum).
    pub fn code(self) -> i64 {
        match self {
            Self::Running => 1,
            Self::Paused => 2,
            Self::Terminated => 3,
        }
    }
    /// The status of a stored code.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Running),
            2 => Some(Self::Paused),
            3 => Some(Self::Terminated),
            _ => None,
        }
    }
}

/// Public or exclusive (专属) task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskType {
    /// 1: any talent may take it.
    Public,
    /// 2: only the talents named through `douyin_ids`.
    Exclusive,
}

impl TaskType {
    /// The platform's code (`task_type`, `task_category`).
    pub fn code(self) -> i64 {
        match self {
            Self::Public => 1,
            Self::Exclusive => 2,
        }
    }
    /// The type of a code.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Public),
            2 => Some(Self::Exclusive),
            _ => None,
        }
    }
}

/// A talent's cooperation with an exclusive task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooperationState {
    /// 1.
    Cooperating,
    /// 2.
    Cancelled,
    /// 3: the talent posted a video.
    Submitted,
}

impl CooperationState {
    /// The platform's code.
    pub fn code(self) -> i64 {
        match self {
            Self::Cooperating => 1,
            Self::Cancelled => 2,
            Self::Submitted => 3,
        }
    }
    /// The state of a code.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Cooperating),
            2 => Some(Self::Cancelled),
            3 => Some(Self::Submitted),
            _ => None,
        }
    }
}

/// Who cancelled a cooperation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOperator {
    /// 0: not cancelled.
    Nobody,
    /// 1: the developer, through `update_orient_talents`.
    Developer,
    /// 2: the talent.
    Talent,
}

impl CancelOperator {
    /// The platform's code.
    pub fn code(self) -> i64 {
        match self {
            Self::Nobody => 0,
            Self::Developer => 1,
            Self::Talent => 2,
        }
    }
    /// The operator of a code.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(Self::Nobody),
            1 => Some(Self::Developer),
            2 => Some(Self::Talent),
            _ => None,
        }
    }
}

/// The descriptive fields of a task that dyopen stores and echoes but does not interpret.
/// Ratios keep the JSON number text exactly as it was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDetails {
    /// Settlement type.
    pub task_settle_type: i64,
    /// Page type.
    pub page_type: i64,
    /// Anchor title.
    pub anchor_title: String,
    /// Icon.
    pub task_icon: String,
    /// Description.
    pub task_desc: String,
    /// Tags.
    pub task_tags: Vec<String>,
    /// JSON number text.
    pub payment_allocate_ratio: Option<String>,
    /// JSON number text.
    pub talent_payment_allocate_ratio: Option<String>,
    /// Refund period.
    pub task_refund_period: Option<i64>,
    /// Reference videos.
    pub refer_videos: Option<Vec<String>>,
    /// Reference gids.
    pub refer_gids: Option<Vec<String>>,
    /// Reference captures.
    pub refer_ma_captures: Option<Vec<String>>,
    /// Mixed payment ratios.
    pub mix_payment_allocate_ratio: Option<BTreeMap<String, String>>,
    /// Mixed talent payment ratios.
    pub talent_mix_payment_allocate_ratio: Option<BTreeMap<String, String>>,
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// 19-digit id.
    pub task_id: i64,
    /// Its app.
    pub appid: AppId,
    /// Name.
    pub task_name: String,
    /// Public or exclusive.
    pub task_type: TaskType,
    /// Stored status (see [`Task::effective_status`]).
    pub status: TaskStatus,
    /// A published page of the app at creation.
    pub start_page: String,
    /// When it starts.
    pub task_start_time: UnixSecs,
    /// When it ends: terminated from then on.
    pub task_end_time: UnixSecs,
    /// Creation.
    pub created_at: UnixSecs,
    /// Last change.
    pub updated_at: UnixSecs,
    /// Stored and echoed fields.
    pub details: TaskDetails,
}

impl Task {
    /// Whether the task is terminated at `now`: by status, or because `now ≥ task_end_time`.
    pub fn is_terminated(&self, now: Timestamp) -> bool {
        self.status == TaskStatus::Terminated || now.unix_secs() >= self.task_end_time
    }
    /// The status queries show.
    pub fn effective_status(&self, now: Timestamp) -> TaskStatus {
        if self.is_terminated(now) {
            TaskStatus::Terminated
        } else {
            self.status
        }
    }
}

/// A talent on an exclusive task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talent {
    /// Douyin id.
    pub douyin_id: String,
    /// Position in the order of first addition (0-based; unique per task).
    pub seq: i64,
    /// Cooperation state.
    pub state: CooperationState,
    /// Who cancelled.
    pub cancel_operator: CancelOperator,
    /// The submitted video, if any.
    pub video_id: Option<String>,
    /// When first added.
    pub created_at: UnixSecs,
    /// Last change.
    pub updated_at: UnixSecs,
}

/// Converts a wire task id to the stored form; ids beyond `i64` cannot exist.
pub fn task_id_from_wire(id: u64) -> Option<i64> {
    i64::try_from(id).ok()
}
