//! The read side of the v2 task APIs: `query_task_info` (paging and search) and
//! `query_app_task_id` (creation-time range of at most 7 days).

use super::add::TaskError;
use super::model::{Task, TaskType};

/// Largest `page_size` of query_task_info.
pub const MAX_PAGE_SIZE: u64 = 50;
/// Longest creation-time range of query_app_task_id (7 days, in seconds).
pub const MAX_CREATE_RANGE_SECS: i64 = 604_800;

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

/// Newest first: creation time, then id, both descending.
fn newest_first(tasks: &mut [&Task]) {
    tasks.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.task_id)));
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

    fn matches(&self, t: &Task) -> bool {
        let by_search = match &self.search {
            TaskSearch::Id(id) => u64::try_from(t.task_id).is_ok_and(|v| v == *id),
            TaskSearch::Name(part) => t.task_name.contains(part.as_str()),
            TaskSearch::StartPage(p) => &t.start_page == p,
        };
        by_search && self.category.is_none_or(|c| c == t.task_type)
    }

    /// The requested page of the matching tasks (newest first), the number of matches and of
    /// pages (`ceil(total / page_size)`; a page past the end is empty).
    pub fn select<'a>(&self, tasks: &'a [Task]) -> (Vec<&'a Task>, u64, u64) {
        let mut hits: Vec<&Task> = tasks.iter().filter(|t| self.matches(t)).collect();
        newest_first(&mut hits);
        let total = hits.len() as u64;
        let pages = total.div_ceil(self.page_size);
        let skip = (self.page_no - 1).saturating_mul(self.page_size);
        let page = hits
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .take(self.page_size as usize)
            .collect();
        (page, total, pages)
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
        if end.saturating_sub(start) > MAX_CREATE_RANGE_SECS {
            return Err(TaskError::RangeTooLong);
        }
        Ok(Self {
            start,
            end,
            category,
        })
    }

    /// The ids of the tasks created in the range, newest first.
    pub fn select(&self, tasks: &[Task]) -> Vec<i64> {
        let mut hits: Vec<&Task> = tasks
            .iter()
            .filter(|t| (self.start..=self.end).contains(&t.created_at))
            .filter(|t| self.category.is_none_or(|c| c == t.task_type))
            .collect();
        newest_first(&mut hits);
        hits.into_iter().map(|t| t.task_id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::AppId;
    use crate::task::{TaskDetails, TaskStatus};

    fn task(id: i64, name: &str, created_at: i64, task_type: TaskType) -> Task {
        Task {
            task_id: id,
            appid: AppId::generate(),
            task_name: name.into(),
            task_type,
            status: TaskStatus::Running,
            start_page: format!("p/{id}"),
            task_start_time: 0,
            task_end_time: 10,
            created_at,
            updated_at: created_at,
            details: TaskDetails::default(),
        }
    }

    #[test]
    fn query_pages_newest_first_and_filters() {
        let tasks: Vec<Task> = (1..=7)
            .map(|i| {
                task(
                    i,
                    &format!("task {i}"),
                    i * 10,
                    if i % 2 == 0 {
                        TaskType::Exclusive
                    } else {
                        TaskType::Public
                    },
                )
            })
            .collect();
        let q = TaskQuery::parse(Some(2), Some(3), None, Some(2), Some("task")).unwrap();
        let (page, total, pages) = q.select(&tasks);
        assert_eq!((total, pages), (7, 3));
        assert_eq!(
            page.iter().map(|t| t.task_id).collect::<Vec<_>>(),
            [4, 3, 2]
        );
        let q = TaskQuery::parse(Some(1), Some(50), Some(2), Some(2), None).unwrap();
        assert_eq!(q.select(&tasks).1, 3);
        let q = TaskQuery::parse(Some(1), Some(50), None, Some(1), Some("5")).unwrap();
        assert_eq!(q.select(&tasks).0[0].task_id, 5);
        let q = TaskQuery::parse(Some(1), Some(50), None, Some(3), Some("p/6")).unwrap();
        assert_eq!(q.select(&tasks).0[0].task_id, 6);
        let q = TaskQuery::parse(Some(9), Some(50), None, Some(2), None).unwrap();
        assert!(q.select(&tasks).0.is_empty());
    }

    #[test]
    fn query_rejects_bad_paging_and_search() {
        for (no, size, typ, content, field) in [
            (Some(0), Some(10), Some(2), "", "page_no"),
            (Some(1), Some(51), Some(2), "", "page_size"),
            (Some(1), None, Some(2), "", "page_size"),
            (Some(1), Some(10), Some(4), "", "query_params_type"),
            (Some(1), Some(10), None, "", "query_params_type"),
            (Some(1), Some(10), Some(1), "12a", "query_params_content"),
            (Some(1), Some(10), Some(3), "", "query_params_content"),
        ] {
            let e = TaskQuery::parse(no, size, None, typ, Some(content)).unwrap_err();
            assert!(matches!(e, TaskError::BadField(f) if f == field), "{field}");
        }
    }

    #[test]
    fn app_task_ids_cover_at_most_seven_days_inclusive() {
        assert!(AppTaskIdQuery::parse(Some(0), Some(MAX_CREATE_RANGE_SECS), None).is_ok());
        assert!(matches!(
            AppTaskIdQuery::parse(Some(0), Some(MAX_CREATE_RANGE_SECS + 1), None),
            Err(TaskError::RangeTooLong)
        ));
        assert!(matches!(
            AppTaskIdQuery::parse(Some(5), Some(4), None),
            Err(TaskError::RangeReversed)
        ));
        let tasks = [
            task(1, "a", 10, TaskType::Public),
            task(2, "b", 20, TaskType::Exclusive),
            task(3, "c", 30, TaskType::Public),
        ];
        let q = AppTaskIdQuery::parse(Some(10), Some(20), None).unwrap();
        assert_eq!(q.select(&tasks), [2, 1]);
        let q = AppTaskIdQuery::parse(Some(0), Some(100), Some(1)).unwrap();
        assert_eq!(q.select(&tasks), [3, 1]);
    }
}
