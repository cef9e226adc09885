//! The rules that decide a write to a task against its loaded state: `update_status`,
//! `update_orient_talents` and submissions, as methods of [`TaskState`] (like `RegionState`).

use super::add::TaskError;
use super::model::{CancelOperator, CooperationState, Talent, Task, TaskStatus, TaskType};
use super::talents::{
    DouyinId, SubmissionError, TalentOp, TalentOutcome, TalentWrite, TalentsDecision, TalentsError,
    MAX_IDS_PER_CALL, MAX_TALENTS_PER_TASK,
};
use crate::app::AppId;
use crate::clock::{Timestamp, UnixSecs};

/// Task `task_id` as loaded under a lock on its row: the task, if there is one, and the part of
/// its talents a decision needs. For a talents call that is the talents among those the call
/// names (any superset will do) and how many the task has in all, so a call reads its ten ids,
/// not the task's two hundred; for a submission, all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    /// The id the task was looked up by.
    pub task_id: i64,
    /// The task, if the row exists.
    pub task: Option<Task>,
    /// Talents of the task (all of them, or a superset of those a call names).
    pub talents: Vec<Talent>,
    /// How many talents the task has in all, cancelled ones included (at least
    /// `talents.len()`).
    pub talent_count: usize,
}

impl TaskState {
    /// The state of task `task_id` with all its talents.
    pub fn new(task_id: i64, task: Option<Task>, talents: Vec<Talent>) -> Self {
        Self {
            task_id,
            task,
            talent_count: talents.len(),
            talents,
        }
    }

    /// Decides an update_status: the task must be `appid`'s and not terminated (by status or
    /// end time); setting the current status again is accepted.
    pub fn decide_status(
        &self,
        appid: &AppId,
        status: TaskStatus,
        now: Timestamp,
    ) -> Result<TaskStatus, TaskError> {
        let task = self
            .task
            .as_ref()
            .filter(|t| &t.appid == appid)
            .ok_or(TaskError::UnknownTask)?;
        if task.is_terminated(now) {
            return Err(TaskError::Terminated);
        }
        Ok(status)
    }

    /// The exclusive task of `appid`, not terminated: the checks of steps 3 and 4 of
    /// `update_orient_talents`.
    fn exclusive_task(&self, appid: &AppId, now: Timestamp) -> Result<&Task, TalentsError> {
        let task = self
            .task
            .as_ref()
            .filter(|t| &t.appid == appid && t.task_type == TaskType::Exclusive)
            .ok_or(TalentsError::NoTask)?;
        if task.is_terminated(now) {
            return Err(TalentsError::Terminated);
        }
        Ok(task)
    }

    /// Decides an `update_orient_talents`: steps 3–5, then each id in order against the state
    /// left by the ids before it.
    pub fn decide_talents(
        &self,
        appid: &AppId,
        op: TalentOp,
        douyin_ids: &[String],
        now: Timestamp,
    ) -> Result<TalentsDecision, TalentsError> {
        self.exclusive_task(appid, now)?;
        if douyin_ids.is_empty() || douyin_ids.len() > MAX_IDS_PER_CALL {
            return Err(TalentsError::BadCount);
        }
        let t = now.unix_secs();
        let mut rows: Vec<TalentWrite> = self
            .talents
            .iter()
            .map(|talent| TalentWrite {
                talent: talent.clone(),
                insert: false,
            })
            .collect();
        let mut total = self.talent_count.max(self.talents.len());
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

    /// Decides a submission: the task must exist and not be terminated, and the talent must be
    /// cooperating; the talent becomes submitted.
    pub fn decide_submission(
        &self,
        douyin_id: &DouyinId,
        video_id: Option<&str>,
        now: Timestamp,
    ) -> Result<Talent, SubmissionError> {
        let task = self
            .task
            .as_ref()
            .ok_or(SubmissionError::NoTask(self.task_id as u64))?;
        if task.is_terminated(now) {
            return Err(SubmissionError::Terminated);
        }
        let talent = self
            .talents
            .iter()
            .find(|t| t.douyin_id == douyin_id.as_str() && t.state == CooperationState::Cooperating)
            .ok_or_else(|| SubmissionError::NotCooperating(douyin_id.as_str().to_owned()))?;
        Ok(Talent {
            state: CooperationState::Submitted,
            video_id: video_id.map(str::to_owned),
            updated_at: now.unix_secs(),
            ..talent.clone()
        })
    }
}

/// One op on one talent (`None`: not on the task). Mutates the talent on success.
fn apply(op: TalentOp, talent: Option<&mut Talent>, t: UnixSecs) -> TalentOutcome {
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

#[cfg(test)]
mod tests;
