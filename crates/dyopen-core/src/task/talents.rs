//! `update_orient_talents` (seed 001) and submissions: douyin ids, the ordered checks, the
//! per-talent outcomes and the cap of 200 talents per exclusive task (cancelled ones count).

use super::model::{CancelOperator, CooperationState, Talent, Task, TaskType};
use crate::app::AppId;
use crate::clock::Timestamp;
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

/// The exclusive task `task_id` of `appid`, not terminated; the checks of steps 3 and 4.
pub fn check_exclusive_task<'a>(
    task: Option<&'a Task>,
    appid: &AppId,
    now: Timestamp,
) -> Result<&'a Task, TalentsError> {
    let task = task
        .filter(|t| &t.appid == appid && t.task_type == TaskType::Exclusive)
        .ok_or(TalentsError::NoTask)?;
    if task.is_terminated(now) {
        return Err(TalentsError::Terminated);
    }
    Ok(task)
}

/// Decides an `update_orient_talents` against the task (loaded under its lock) and its talents:
/// steps 3–5, then each id in order against the state left by the ids before it.
pub fn decide_talents(
    task: Option<&Task>,
    talents: &[Talent],
    appid: &AppId,
    op: TalentOp,
    douyin_ids: &[String],
    now: Timestamp,
) -> Result<TalentsDecision, TalentsError> {
    decide_talents_among(task, talents, talents.len(), appid, op, douyin_ids, now)
}

/// [`decide_talents`] given only `known`, the task's talents among those the call names (any
/// superset will do), and `total`, how many talents the task has in all (cancelled ones
/// included): what the store loads, so a call reads its ten ids, not the task's two hundred.
pub fn decide_talents_among(
    task: Option<&Task>,
    known: &[Talent],
    total: usize,
    appid: &AppId,
    op: TalentOp,
    douyin_ids: &[String],
    now: Timestamp,
) -> Result<TalentsDecision, TalentsError> {
    check_exclusive_task(task, appid, now)?;
    if douyin_ids.is_empty() || douyin_ids.len() > MAX_IDS_PER_CALL {
        return Err(TalentsError::BadCount);
    }
    let t = now.secs();
    let mut rows: Vec<TalentWrite> = known
        .iter()
        .map(|talent| TalentWrite {
            talent: talent.clone(),
            insert: false,
        })
        .collect();
    let mut total = total.max(known.len());
    let mut changed = vec![false; rows.len()];
    let mut results = Vec::with_capacity(douyin_ids.len());
    for raw in douyin_ids {
        let outcome = match DouyinId::parse(raw) {
            None => TalentOutcome::InvalidId,
            Some(id) => {
                let at = rows.iter().position(|r| r.talent.douyin_id == id.as_str());
                let outcome = apply(op, at.map(|i| &mut rows[i].talent), t);
                match (at, outcome) {
                    (Some(i), o) if o.succeeded() => changed[i] = true,
                    (None, TalentOutcome::Added) if total >= MAX_TALENTS_PER_TASK => {
                        results.push((raw.clone(), TalentOutcome::CapReached));
                        continue;
                    }
                    (None, TalentOutcome::Added) => {
                        rows.push(TalentWrite {
                            talent: Talent {
                                douyin_id: id.as_str().to_owned(),
                                seq: total as i64,
                                state: CooperationState::Cooperating,
                                cancel_operator: CancelOperator::Nobody,
                                video_id: None,
                                created_at: t,
                                updated_at: t,
                            },
                            insert: true,
                        });
                        changed.push(true);
                        total += 1;
                    }
                    _ => {}
                }
                outcome
            }
        };
        results.push((raw.clone(), outcome));
    }
    let writes = rows
        .into_iter()
        .zip(changed)
        .filter_map(|(row, c)| c.then_some(row))
        .collect();
    Ok(TalentsDecision { results, writes })
}

/// One op on one talent (`None`: not on the task). Mutates the talent on success.
fn apply(op: TalentOp, talent: Option<&mut Talent>, t: i64) -> TalentOutcome {
    match (op, talent) {
        (TalentOp::Add, None) => TalentOutcome::Added,
        (TalentOp::Cancel, None) => TalentOutcome::NotOnTask,
        (op, Some(talent)) => {
            let (outcome, next) = match (op, talent.state) {
                (TalentOp::Add, CooperationState::Cancelled) => (
                    TalentOutcome::Added,
                    Some((CooperationState::Cooperating, CancelOperator::Nobody)),
                ),
                (TalentOp::Add, CooperationState::Cooperating | CooperationState::Submitted) => {
                    (TalentOutcome::AlreadyAdded, None)
                }
                (TalentOp::Cancel, CooperationState::Cooperating) => (
                    TalentOutcome::Cancelled,
                    Some((CooperationState::Cancelled, CancelOperator::Developer)),
                ),
                (TalentOp::Cancel, CooperationState::Cancelled) => {
                    (TalentOutcome::AlreadyCancelled, None)
                }
                (TalentOp::Cancel, CooperationState::Submitted) => {
                    (TalentOutcome::AlreadySubmitted, None)
                }
            };
            if let Some((state, operator)) = next {
                talent.state = state;
                talent.cancel_operator = operator;
                talent.updated_at = t;
            }
            outcome
        }
    }
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

/// Decides a submission: the task must not be terminated and the talent must be cooperating;
/// the talent becomes submitted.
pub fn decide_submission(
    task: &Task,
    talents: &[Talent],
    douyin_id: &DouyinId,
    video_id: Option<&str>,
    now: Timestamp,
) -> Result<Talent, SubmissionError> {
    if task.is_terminated(now) {
        return Err(SubmissionError::Terminated);
    }
    let talent = talents
        .iter()
        .find(|t| t.douyin_id == douyin_id.as_str() && t.state == CooperationState::Cooperating)
        .ok_or_else(|| SubmissionError::NotCooperating(douyin_id.as_str().to_owned()))?;
    Ok(Talent {
        state: CooperationState::Submitted,
        video_id: video_id.map(str::to_owned),
        updated_at: now.secs(),
        ..talent.clone()
    })
}

#[cfg(test)]
mod tests;
