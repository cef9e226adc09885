//! Creating a task (`add_task`) and changing its status (`update_status`).

use super::limits::MAX_TASK_NAME_CHARS;
use super::model::{Task, TaskDetails, TaskStatus, TaskType};
use super::talents::DouyinId;
use crate::app::{AppId, PagePath, PublishedPages};
use crate::clock::{Timestamp, UnixSecs};
use crate::store::StoreError;
use thiserror::Error;

/// Most talents an exclusive task may be created with (as per `update_orient_talents` call).
pub const MAX_TALENTS_AT_CREATION: usize = 10;

/// Everything that can go wrong with a v2 task request. A parameter error's Display text is the
/// detail the client sees after code 28005001 and the dialect's `参数解析失败:` prefix (which the
/// server adds from wire's `open_codes::PARAM_MSG`); [`TaskError::UnknownTask`]'s is the
/// platform's whole text (`参数不合法:task_id不存在`), sent as it is.
#[derive(Debug, Error)]
pub enum TaskError {
    /// A field is missing, of the wrong type or has an invalid value.
    #[error("{0}参数不合法")]
    BadField(&'static str),
    /// A free-text field is longer than its limit (see `task::limits`).
    #[error("{field}不能超过{max}个字符")]
    TooLong {
        /// The field.
        field: &'static str,
        /// Its limit, in characters.
        max: usize,
    },
    /// A list or map field has more items than its limit.
    #[error("{field}最多{max}项")]
    TooMany {
        /// The field.
        field: &'static str,
        /// Its limit, in items.
        max: usize,
    },
    /// An item of a list or map field is longer than its limit.
    #[error("{field}的每一项不能超过{max}个字符")]
    ItemTooLong {
        /// The field.
        field: &'static str,
        /// The limit of each item, in characters.
        max: usize,
    },
    /// `task_start_time ≥ task_end_time`.
    #[error("task_start_time必须早于task_end_time")]
    StartNotBeforeEnd,
    /// `task_end_time` is not after now.
    #[error("task_end_time必须晚于当前时间")]
    EndNotInFuture,
    /// `task_type: 1` with talents.
    #[error("公开任务不能指定douyin_ids")]
    PublicWithTalents,
    /// `start_page` is not a published page of the app.
    #[error("start_page不是已发布的页面")]
    PageNotPublished,
    /// No such task of this app.
    #[error("参数不合法:task_id不存在")]
    UnknownTask,
    /// update_status of a terminated task.
    #[error("任务已终止,无法修改状态")]
    Terminated,
    /// `create_start_time > create_end_time`.
    #[error("create_start_time不能晚于create_end_time")]
    RangeReversed,
    /// A creation-time range longer than 7 days.
    #[error("查询时间范围不能超过7天")]
    RangeTooLong,
    /// The store failed.
    #[error("内部错误")]
    Storage(#[from] StoreError),
}

/// The fields of an `add_task` request, as sent (times already integers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskDraft {
    /// Required, 1–100 characters after trimming.
    pub task_name: Option<String>,
    /// Required page path.
    pub start_page: Option<String>,
    /// Required Unix seconds.
    pub task_start_time: Option<i64>,
    /// Required Unix seconds.
    pub task_end_time: Option<i64>,
    /// Talents of an exclusive task.
    pub douyin_ids: Option<Vec<String>>,
    /// dyopen extension: 1 or 2.
    pub task_type: Option<i64>,
    /// Stored and echoed.
    pub details: TaskDetails,
}

/// A parsed `add_task`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    /// Trimmed name.
    pub task_name: String,
    /// Start page (checked against the published pages by [`NewTask::check_page`]).
    pub start_page: PagePath,
    /// When it starts.
    pub task_start_time: UnixSecs,
    /// When it ends, after now.
    pub task_end_time: UnixSecs,
    /// Public or exclusive.
    pub task_type: TaskType,
    /// Distinct talents, in order (exclusive tasks only).
    pub douyin_ids: Vec<DouyinId>,
    /// Stored and echoed.
    pub details: TaskDetails,
}

impl NewTask {
    /// Checks required fields, the free-text limits (`task::limits`), the time range
    /// (`start < end`, `end > now`), the talents (≤ 10 valid ids; repeats collapse) and the task
    /// type.
    pub fn parse(draft: TaskDraft, now: Timestamp) -> Result<Self, TaskError> {
        let task_name = draft
            .task_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.chars().count() <= MAX_TASK_NAME_CHARS)
            .ok_or(TaskError::BadField("task_name"))?
            .to_owned();
        let start_page = draft
            .start_page
            .as_deref()
            .and_then(|p| PagePath::parse(p).ok())
            .ok_or(TaskError::BadField("start_page"))?;
        draft.details.check_limits()?;
        let start = draft
            .task_start_time
            .ok_or(TaskError::BadField("task_start_time"))?;
        let end = draft
            .task_end_time
            .ok_or(TaskError::BadField("task_end_time"))?;
        let raw_ids = draft.douyin_ids.unwrap_or_default();
        if raw_ids.len() > MAX_TALENTS_AT_CREATION {
            return Err(TaskError::BadField("douyin_ids"));
        }
        let mut douyin_ids: Vec<DouyinId> = Vec::with_capacity(raw_ids.len());
        for raw in &raw_ids {
            let id = DouyinId::parse(raw).ok_or(TaskError::BadField("douyin_ids"))?;
            if !douyin_ids.contains(&id) {
                douyin_ids.push(id);
            }
        }
        let task_type = match draft.task_type {
            None if douyin_ids.is_empty() => TaskType::Public,
            None => TaskType::Exclusive,
            Some(code) => TaskType::from_code(code).ok_or(TaskError::BadField("task_type"))?,
        };
        if task_type == TaskType::Public && !douyin_ids.is_empty() {
            return Err(TaskError::PublicWithTalents);
        }
        if start >= end {
            return Err(TaskError::StartNotBeforeEnd);
        }
        if end <= now.secs() {
            return Err(TaskError::EndNotInFuture);
        }
        Ok(Self {
            task_name,
            start_page,
            task_start_time: UnixSecs::new(start),
            task_end_time: UnixSecs::new(end),
            task_type,
            douyin_ids,
            details: draft.details,
        })
    }

    /// The start page must be one of the app's published pages.
    pub fn check_page(&self, pages: &PublishedPages) -> Result<(), TaskError> {
        if pages.contains(self.start_page.as_str()) {
            Ok(())
        } else {
            Err(TaskError::PageNotPublished)
        }
    }

    /// The task as stored, with id `task_id`, created at `now`, running.
    pub fn into_task(self, task_id: i64, appid: AppId, now: Timestamp) -> Task {
        Task {
            task_id,
            appid,
            task_name: self.task_name,
            task_type: self.task_type,
            status: TaskStatus::Running,
            start_page: self.start_page.as_str().to_owned(),
            task_start_time: self.task_start_time,
            task_end_time: self.task_end_time,
            created_at: now.unix_secs(),
            updated_at: now.unix_secs(),
            details: self.details,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> TaskDraft {
        TaskDraft {
            task_name: Some(" t ".into()),
            start_page: Some("pages/index/index".into()),
            task_start_time: Some(100),
            task_end_time: Some(200),
            ..TaskDraft::default()
        }
    }

    #[test]
    fn parse_requires_name_page_and_ordered_times() {
        let now = Timestamp::from_secs(150);
        let t = NewTask::parse(draft(), now).unwrap();
        assert_eq!((t.task_name.as_str(), t.task_type), ("t", TaskType::Public));
        for (d, want) in [
            (
                TaskDraft {
                    task_name: None,
                    ..draft()
                },
                "task_name",
            ),
            (
                TaskDraft {
                    start_page: Some("/x".into()),
                    ..draft()
                },
                "start_page",
            ),
            (
                TaskDraft {
                    task_end_time: None,
                    ..draft()
                },
                "task_end_time",
            ),
            (
                TaskDraft {
                    task_type: Some(3),
                    ..draft()
                },
                "task_type",
            ),
        ] {
            assert!(matches!(NewTask::parse(d, now), Err(TaskError::BadField(f)) if f == want));
        }
        let reversed = TaskDraft {
            task_start_time: Some(200),
            ..draft()
        };
        assert!(matches!(
            NewTask::parse(reversed, now),
            Err(TaskError::StartNotBeforeEnd)
        ));
        assert!(matches!(
            NewTask::parse(draft(), Timestamp::from_secs(200)),
            Err(TaskError::EndNotInFuture)
        ));
    }

    #[test]
    fn parse_enforces_the_free_text_limits_before_the_times() {
        let mut d = TaskDraft {
            task_end_time: Some(100),
            ..draft()
        };
        d.details.task_desc = "x".repeat(crate::task::MAX_TASK_DESC_CHARS + 1);
        assert!(matches!(
            NewTask::parse(d, Timestamp::from_secs(0)),
            Err(TaskError::TooLong {
                field: "task_desc",
                ..
            })
        ));
        let long_name = TaskDraft {
            task_name: Some("名".repeat(MAX_TASK_NAME_CHARS + 1)),
            ..draft()
        };
        assert!(matches!(
            NewTask::parse(long_name, Timestamp::from_secs(0)),
            Err(TaskError::BadField("task_name"))
        ));
    }

    #[test]
    fn talents_make_a_task_exclusive_and_collapse_repeats() {
        let d = TaskDraft {
            douyin_ids: Some(vec!["a".into(), "b".into(), "a".into()]),
            ..draft()
        };
        let t = NewTask::parse(d, Timestamp::from_secs(0)).unwrap();
        assert_eq!(t.task_type, TaskType::Exclusive);
        assert_eq!(t.douyin_ids.len(), 2);
        let public = TaskDraft {
            task_type: Some(1),
            douyin_ids: Some(vec!["a".into()]),
            ..draft()
        };
        assert!(matches!(
            NewTask::parse(public, Timestamp::from_secs(0)),
            Err(TaskError::PublicWithTalents)
        ));
        let eleven = TaskDraft {
            douyin_ids: Some((0..11).map(|i| format!("u{i}")).collect()),
            ..draft()
        };
        assert!(matches!(
            NewTask::parse(eleven, Timestamp::from_secs(0)),
            Err(TaskError::BadField("douyin_ids"))
        ));
        let empty_exclusive = TaskDraft {
            task_type: Some(2),
            ..draft()
        };
        assert_eq!(
            NewTask::parse(empty_exclusive, Timestamp::from_secs(0))
                .unwrap()
                .task_type,
            TaskType::Exclusive
        );
    }
}
