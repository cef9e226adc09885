//! The read side of the v2 task APIs: `query_task_info` (paging and search) and
//! `query_app_task_id` (creation-time range of at most 7 days).
//!
//! Core never holds an app's whole task list: a query is parsed into a [`TaskFilter`] (which
//! tasks) and a [`PageWindow`] (which slice of them, in [`newest_first`] order), and the store
//! turns both into SQL. [`TaskFilter::matches`] and [`newest_first`] are the reference meaning of
//! that SQL; the store's tests compare the two.

use super::add::TaskError;
use super::model::{Task, TaskType};
use crate::clock::{Seconds, UnixSecs};
use std::cmp::Reverse;

/// Largest `page_size` of query_task_info.
pub const MAX_PAGE_SIZE: u64 = 50;
/// Longest creation-time range of query_app_task_id: 7 days (604 800 s).
pub const MAX_CREATE_RANGE: Seconds = Seconds::days(7);

/// What query_task_info searches by (`query_params_type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskSearch {
    /// 1: one task id.
    Id(u64),
    /// 2: a substring of the name (empty matches every task).
    Name(String),
    /// 3: the exact start page.
    StartPage(String),
}

/// Which tasks of one app a filter keeps, by id, name or start page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TaskMatch {
    /// Every task.
    #[default]
    Any,
    /// The task with this id.
    Id(i64),
    /// Tasks whose name contains this non-empty text (exact, case-sensitive).
    NameContains(String),
    /// Tasks with exactly this start page.
    StartPage(String),
    /// No task (an id no task can have, e.g. above `i64::MAX`).
    Nothing,
}

/// Which of an app's tasks a listing selects. Every condition must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskFilter {
    /// By id, name or start page.
    pub by: TaskMatch,
    /// Only tasks of this type (`task_category`).
    pub task_type: Option<TaskType>,
    /// Only tasks created in this range, both ends inclusive.
    pub created_between: Option<(UnixSecs, UnixSecs)>,
}

impl TaskFilter {
    /// Every task of the app (the admin listing).
    pub fn all() -> Self {
        Self::default()
    }

    /// Whether `t` is selected: the meaning the store's SQL must have.
    pub fn matches(&self, t: &Task) -> bool {
        let by = match &self.by {
            TaskMatch::Any => true,
            TaskMatch::Id(id) => t.task_id == *id,
            TaskMatch::NameContains(part) => t.task_name.contains(part.as_str()),
            TaskMatch::StartPage(p) => &t.start_page == p,
            TaskMatch::Nothing => false,
        };
        by && self.task_type.is_none_or(|c| c == t.task_type)
            && self
                .created_between
                .is_none_or(|(from, to)| (from..=to).contains(&t.created_at))
    }
}

/// A slice of an ordered listing: skip `offset` tasks, keep at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    /// Tasks skipped.
    pub offset: u64,
    /// Most tasks kept.
    pub limit: u64,
}

impl PageWindow {
    /// The window of 1-based page `page_no` of `page_size` (saturating far past the end).
    pub fn page(page_no: u64, page_size: u64) -> Self {
        Self {
            offset: page_no.saturating_sub(1).saturating_mul(page_size),
            limit: page_size,
        }
    }
}

/// The order of every task listing: newest first, by creation time, then id, both descending
/// (ids grow within a process, so tasks made in one second keep creation order).
pub fn newest_first(tasks: &mut [Task]) {
    tasks.sort_by_key(|t| Reverse((t.created_at, t.task_id)));
}

/// Number of pages of `total` tasks: `ceil(total / page_size)`.
pub fn page_count(total: u64, page_size: u64) -> u64 {
    total.div_ceil(page_size.max(1))
}

/// A parsed query_task_info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskQuery {
    /// 1-based.
    pub page_no: u64,
    /// 1–50.
    pub page_size: u64,
    /// Only tasks of this type.
    pub category: Option<TaskType>,
    /// The search.
    pub search: TaskSearch,
}

fn category(raw: Option<i64>) -> Result<Option<TaskType>, TaskError> {
    raw.map(|c| TaskType::from_code(c).ok_or(TaskError::BadField("task_category")))
        .transpose()
}

impl TaskQuery {
    /// Checks paging, category and search fields.
    pub fn parse(
        page_no: Option<i64>,
        page_size: Option<i64>,
        task_category: Option<i64>,
        query_params_type: Option<i64>,
        query_params_content: Option<&str>,
    ) -> Result<Self, TaskError> {
        let page_no = page_no
            .filter(|p| *p >= 1)
            .ok_or(TaskError::BadField("page_no"))? as u64;
        let page_size = page_size
            .filter(|s| (1..=MAX_PAGE_SIZE as i64).contains(s))
            .ok_or(TaskError::BadField("page_size"))? as u64;
        let category = category(task_category)?;
        let content = query_params_content.unwrap_or("").trim();
        let bad_content = TaskError::BadField("query_params_content");
        let search = match query_params_type {
            Some(1) => {
                let ok = !content.is_empty() && content.bytes().all(|b| b.is_ascii_digit());
                TaskSearch::Id(content.parse().ok().filter(|_| ok).ok_or(bad_content)?)
            }
            Some(2) => TaskSearch::Name(content.to_owned()),
            Some(3) if !content.is_empty() => TaskSearch::StartPage(content.to_owned()),
            Some(3) => return Err(bad_content),
            _ => return Err(TaskError::BadField("query_params_type")),
        };
        Ok(Self {
            page_no,
            page_size,
            category,
            search,
        })
    }

    /// The tasks the query selects.
    pub fn filter(&self) -> TaskFilter {
        let by = match &self.search {
            TaskSearch::Id(id) => i64::try_from(*id).map_or(TaskMatch::Nothing, TaskMatch::Id),
            TaskSearch::Name(part) if part.is_empty() => TaskMatch::Any,
            TaskSearch::Name(part) => TaskMatch::NameContains(part.clone()),
            TaskSearch::StartPage(p) => TaskMatch::StartPage(p.clone()),
        };
        TaskFilter {
            by,
            task_type: self.category,
            created_between: None,
        }
    }

    /// The requested page of the selected tasks (a page past the end is empty).
    pub fn window(&self) -> PageWindow {
        PageWindow::page(self.page_no, self.page_size)
    }
}

/// A parsed query_app_task_id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppTaskIdQuery {
    /// Unix seconds, inclusive.
    pub start: i64,
    /// Unix seconds, inclusive.
    pub end: i64,
    /// Only tasks of this type.
    pub category: Option<TaskType>,
}

impl AppTaskIdQuery {
    /// Both times required, `start ≤ end`, `end − start ≤ 7 days`.
    pub fn parse(
        start: Option<i64>,
        end: Option<i64>,
        task_category: Option<i64>,
    ) -> Result<Self, TaskError> {
        let start = start.ok_or(TaskError::BadField("create_start_time"))?;
        let end = end.ok_or(TaskError::BadField("create_end_time"))?;
        let category = category(task_category)?;
        if start > end {
            return Err(TaskError::RangeReversed);
        }
        if end.saturating_sub(start) > MAX_CREATE_RANGE.get() {
            return Err(TaskError::RangeTooLong);
        }
        Ok(Self {
            start,
            end,
            category,
        })
    }

    /// The tasks the query selects (their ids are listed [`newest_first`]).
    pub fn filter(&self) -> TaskFilter {
        TaskFilter {
            by: TaskMatch::Any,
            task_type: self.category,
            created_between: Some((UnixSecs::new(self.start), UnixSecs::new(self.end))),
        }
    }
}

#[cfg(test)]
mod tests;
