//! `update_orient_talents` (seed 001) and submissions: douyin ids, op codes, errors, the
//! per-talent outcomes and the cap of 200 talents per exclusive task (cancelled ones count).
//! [`TaskState`](super::TaskState) decides them.

use super::model::Talent;
use crate::store::StoreError;
use thiserror::Error;

/// Most talents an exclusive task may ever have, cancelled ones included (seed 001).
pub const MAX_TALENTS_PER_TASK: usize = 200;
/// Most douyin ids in one call (the wire crate's `MAX_TALENTS_PER_CALL`; the server checks they
/// agree).
pub const MAX_IDS_PER_CALL: usize = 10;
/// Longest douyin id.
pub const MAX_DOUYIN_ID_LEN: usize = 32;

/// A talent's douyin id: 1–32 characters of `[A-Za-z0-9_.]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DouyinId(String);

impl DouyinId {
    /// Parses an id; `None` if it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= MAX_DOUYIN_ID_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        ok.then(|| Self(s.to_owned()))
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an `update_orient_talents` call does to its ids (the server converts the wire's
/// `op_type` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TalentOp {
    /// Add talents.
    Add,
    /// Cancel cooperations.
    Cancel,
}

/// Request-level failures of `update_orient_talents`, in the order they are checked.
#[derive(Debug, Error)]
pub enum TalentsError {
    /// A field has an invalid value (step 1).
    #[error("Request Paramter Error:{0} is invalid")]
    BadField(&'static str),
    /// Task not found, not this app's, or not exclusive (step 3).
    #[error("任务不存在")]
    NoTask,
    /// Task terminated (step 4).
    #[error("任务已终止,请重新创建")]
    Terminated,
    /// Zero or more than ten ids (step 5).
    #[error("操作达人数量不合法,请调整后重试")]
    BadCount,
    /// The store failed.
    #[error("Service Unavailable")]
    Storage(#[from] StoreError),
}

/// The outcome for one id (`update_result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TalentOutcome {
    /// Now cooperating.
    Added,
    /// Cancelled by the developer.
    Cancelled,
    /// The task already has 200 talents.
    CapReached,
    /// Cooperating or submitted already.
    AlreadyAdded,
    /// Cancelled already.
    AlreadyCancelled,
    /// Submitted: cannot be cancelled.
    AlreadySubmitted,
    /// Cancel of a talent not on the task.
    NotOnTask,
    /// Not a douyin id.
    InvalidId,
}

impl TalentOutcome {
    /// The platform's `update_result` text.
    pub fn text(self) -> &'static str {
        match self {
            Self::Added => "请求成功,已添加",
            Self::Cancelled => "请求成功,已取消",
            Self::CapReached => "请求失败,专属任务关联达人数量已达上限",
            Self::AlreadyAdded => "请求失败,该达人已添加,无法重复添加",
            Self::AlreadyCancelled => "请求失败,和该达人的合作已取消,无法重复取消",
            Self::AlreadySubmitted => "请求失败,达人已投稿,无法取消合作",
            Self::NotOnTask => "请求失败,该达人未关联此任务",
            Self::InvalidId => "请求失败,抖音号不合法",
        }
    }
    /// Whether the id was changed.
    pub fn succeeded(self) -> bool {
        matches!(self, Self::Added | Self::Cancelled)
    }
}

/// A row the store must write: insert when `insert` (a new talent at `seq`), else update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalentWrite {
    /// The talent, in its new state.
    pub talent: Talent,
    /// True for a talent not yet on the task.
    pub insert: bool,
}

/// The result of a talents request: one outcome per id sent, and the rows to write (one per
/// distinct changed talent, in its final state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalentsDecision {
    /// `(douyin_id as sent, outcome)`, in request order.
    pub results: Vec<(String, TalentOutcome)>,
    /// Rows to write.
    pub writes: Vec<TalentWrite>,
}

/// Why a submission was refused.
#[derive(Debug, Error)]
pub enum SubmissionError {
    /// No such task.
    #[error("no task {0}")]
    NoTask(u64),
    /// Not a douyin id.
    #[error("douyin_id must be 1-32 characters of [A-Za-z0-9_.]")]
    BadDouyinId,
    /// `video_id` is longer than `MAX_VIDEO_ID_CHARS`.
    #[error("video_id must be at most {} characters", super::MAX_VIDEO_ID_CHARS)]
    BadVideoId,
    /// The task is terminated.
    #[error("the task is terminated")]
    Terminated,
    /// The talent is not cooperating on the task (absent, cancelled or already submitted).
    #[error("talent {0} is not cooperating on this task")]
    NotCooperating(String),
    /// The store failed.
    #[error("storage: {0}")]
    Storage(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn douyin_ids_are_1_to_32_of_alnum_underscore_dot() {
        for ok in ["a", "lw1352552", "9423515316", "a.b_c", &"x".repeat(32)] {
            assert!(DouyinId::parse(ok).is_some(), "{ok}");
        }
        for bad in ["", "a b", "a-b", "抖音", &"x".repeat(33), "a/b"] {
            assert!(DouyinId::parse(bad).is_none(), "{bad}");
        }
    }
}
