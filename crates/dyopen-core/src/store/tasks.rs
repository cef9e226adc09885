//! Tasks and their talents.

use super::StoreError;
use crate::app::AppId;
use crate::clock::Timestamp;
use crate::task::{
    DouyinId, NewTask, PageWindow, SubmissionError, Talent, TalentOp, TalentOutcome, TalentsError,
    Task, TaskError, TaskFilter, TaskStatus,
};
use async_trait::async_trait;

/// Storage of tasks and talents. Each write to a task locks its row, loads the task and its
/// talents as a [`TaskState`](crate::task::TaskState), asks its matching `decide_*` and applies the result in one transaction.
#[async_trait]
pub trait TaskStore: Send + Sync {
    /// Inserts a new task (with its initial talents, cooperating) for `appid`; returns it.
    async fn task_create(
        &self,
        appid: &AppId,
        task: &NewTask,
        now: Timestamp,
    ) -> Result<Task, TaskError>;
    /// Changes a task's status (see [`TaskState::decide_status`](crate::task::TaskState::decide_status)); returns the task.
    async fn task_set_status(
        &self,
        appid: &AppId,
        task_id: i64,
        status: TaskStatus,
        now: Timestamp,
    ) -> Result<Task, TaskError>;
    /// The tasks of `appid` that `filter` selects: the `window` of them in
    /// [`newest_first`](crate::task::newest_first) order, and how many there are in all. Only
    /// the window's tasks are loaded; the count and the page come from one snapshot.
    async fn task_search(
        &self,
        appid: &AppId,
        filter: &TaskFilter,
        window: PageWindow,
    ) -> Result<(Vec<Task>, u64), StoreError>;
    /// The ids of the tasks of `appid` that `filter` selects, newest first.
    async fn task_ids(&self, appid: &AppId, filter: &TaskFilter) -> Result<Vec<i64>, StoreError>;
    /// One task.
    async fn task_get(&self, task_id: i64) -> Result<Option<Task>, StoreError>;
    /// The talents of a task, in the order they were first added.
    async fn task_talents(&self, task_id: i64) -> Result<Vec<Talent>, StoreError>;
    /// Applies `update_orient_talents` (see [`TaskState::decide_talents`](crate::task::TaskState::decide_talents)); one outcome per id.
    async fn talents_update(
        &self,
        appid: &AppId,
        task_id: i64,
        op: TalentOp,
        douyin_ids: &[String],
        now: Timestamp,
    ) -> Result<Vec<(String, TalentOutcome)>, TalentsError>;
    /// Records a submission (see [`TaskState::decide_submission`](crate::task::TaskState::decide_submission)); returns the talent.
    async fn talent_submit(
        &self,
        task_id: i64,
        douyin_id: &DouyinId,
        video_id: Option<&str>,
        now: Timestamp,
    ) -> Result<Talent, SubmissionError>;
}
