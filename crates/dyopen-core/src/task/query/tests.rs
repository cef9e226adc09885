//! Tests of the task queries: parsing, and the filter/window/order that the store runs as SQL,
//! checked against the former in-memory selection.

use super::*;
use crate::app::AppId;
use crate::task::{TaskDetails, TaskStatus};
use proptest::prelude::*;

fn task(id: i64, name: &str, created_at: i64, task_type: TaskType) -> Task {
    Task {
        task_id: id,
        appid: AppId::parse("tt0123456789abcdef").unwrap(),
        task_name: name.into(),
        task_type,
        status: TaskStatus::Running,
        start_page: format!("p/{}", id % 3),
        task_start_time: UnixSecs::new(0),
        task_end_time: UnixSecs::new(10),
        created_at: UnixSecs::new(created_at),
        updated_at: UnixSecs::new(created_at),
        details: TaskDetails::default(),
    }
}

/// What the store answers, computed in memory from the reference meaning.
fn select(filter: &TaskFilter, window: PageWindow, tasks: &[Task]) -> (Vec<i64>, u64) {
    let mut hits: Vec<Task> = tasks
        .iter()
        .filter(|t| filter.matches(t))
        .cloned()
        .collect();
    newest_first(&mut hits);
    let total = hits.len() as u64;
    let page = hits
        .iter()
        .skip(usize::try_from(window.offset).unwrap_or(usize::MAX))
        .take(window.limit as usize)
        .map(|t| t.task_id)
        .collect();
    (page, total)
}

/// The selection query_task_info made before it moved to SQL (kept as the oracle).
fn former_select(q: &TaskQuery, tasks: &[Task]) -> (Vec<i64>, u64, u64) {
    let mut hits: Vec<&Task> = tasks
        .iter()
        .filter(|t| {
            let by = match &q.search {
                TaskSearch::Id(id) => u64::try_from(t.task_id).is_ok_and(|v| v == *id),
                TaskSearch::Name(part) => t.task_name.contains(part.as_str()),
                TaskSearch::StartPage(p) => &t.start_page == p,
            };
            by && q.category.is_none_or(|c| c == t.task_type)
        })
        .collect();
    hits.sort_by_key(|t| Reverse((t.created_at, t.task_id)));
    let total = hits.len() as u64;
    let skip = (q.page_no - 1).saturating_mul(q.page_size);
    let page = hits
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(q.page_size as usize)
        .map(|t| t.task_id)
        .collect();
    (page, total, total.div_ceil(q.page_size))
}

fn sample() -> Vec<Task> {
    (1..=7)
        .map(|i| {
            let kind = if i % 2 == 0 {
                TaskType::Exclusive
            } else {
                TaskType::Public
            };
            task(i, &format!("task {i}"), i * 10, kind)
        })
        .collect()
}

#[test]
fn query_pages_newest_first_and_filters() {
    let tasks = sample();
    let run = |q: &TaskQuery| select(&q.filter(), q.window(), &tasks);
    let q = TaskQuery::parse(Some(2), Some(3), None, Some(2), Some("task")).unwrap();
    let (page, total) = run(&q);
    assert_eq!((total, page_count(total, q.page_size)), (7, 3));
    assert_eq!(page, [4, 3, 2]);
    let q = TaskQuery::parse(Some(1), Some(50), Some(2), Some(2), None).unwrap();
    assert_eq!(run(&q).1, 3);
    let q = TaskQuery::parse(Some(1), Some(50), None, Some(1), Some("5")).unwrap();
    assert_eq!(run(&q).0, [5]);
    let q = TaskQuery::parse(Some(1), Some(50), None, Some(3), Some("p/0")).unwrap();
    assert_eq!(run(&q).0, [6, 3]);
    let q = TaskQuery::parse(Some(9), Some(50), None, Some(2), None).unwrap();
    assert!(run(&q).0.is_empty());
}

#[test]
fn an_empty_name_matches_every_task_and_a_huge_id_none() {
    let q = TaskQuery::parse(Some(1), Some(10), None, Some(2), Some("  ")).unwrap();
    assert_eq!(q.filter().by, TaskMatch::Any);
    let q = TaskQuery::parse(
        Some(1),
        Some(10),
        None,
        Some(1),
        Some("18446744073709551615"),
    )
    .unwrap();
    assert_eq!(q.filter().by, TaskMatch::Nothing);
}

#[test]
fn windows_saturate_far_past_the_end() {
    assert_eq!(
        PageWindow::page(u64::MAX, 50),
        PageWindow {
            offset: u64::MAX,
            limit: 50
        }
    );
    assert_eq!(PageWindow::page(3, 10).offset, 20);
    assert_eq!(page_count(0, 10), 0);
    assert_eq!(page_count(11, 10), 2);
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
    assert!(AppTaskIdQuery::parse(Some(0), Some(MAX_CREATE_RANGE.get()), None).is_ok());
    assert!(matches!(
        AppTaskIdQuery::parse(Some(0), Some(MAX_CREATE_RANGE.get() + 1), None),
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
    let all = PageWindow {
        offset: 0,
        limit: u64::MAX,
    };
    let q = AppTaskIdQuery::parse(Some(10), Some(20), None).unwrap();
    assert_eq!(select(&q.filter(), all, &tasks).0, [2, 1]);
    let q = AppTaskIdQuery::parse(Some(0), Some(100), Some(1)).unwrap();
    assert_eq!(select(&q.filter(), all, &tasks).0, [3, 1]);
}

fn tasks_strategy() -> impl Strategy<Value = Vec<Task>> {
    proptest::collection::vec((0..5i64, "[ab ]{0,4}", any::<bool>()), 0..30).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (at, name, excl))| {
                let kind = if excl {
                    TaskType::Exclusive
                } else {
                    TaskType::Public
                };
                task(i as i64 + 1, &name, at, kind)
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn parse_never_panics_and_keeps_its_bounds(
        no in proptest::option::of(any::<i64>()),
        size in proptest::option::of(-5i64..60),
        cat in proptest::option::of(-1i64..4),
        typ in proptest::option::of(0i64..5),
        content in "\\PC{0,12}",
    ) {
        if let Ok(q) = TaskQuery::parse(no, size, cat, typ, Some(&content)) {
            prop_assert!(q.page_no >= 1 && (1..=MAX_PAGE_SIZE).contains(&q.page_size));
            prop_assert_eq!(q.window().limit, q.page_size);
        }
    }

    #[test]
    fn the_sql_shaped_selection_equals_the_former_in_memory_one(
        tasks in tasks_strategy(),
        no in 1i64..5,
        size in 1i64..8,
        cat in proptest::option::of(1i64..=2),
        typ in 1i64..=3,
        content in "[ab0-9p/ ]{0,3}",
    ) {
        if let Ok(q) = TaskQuery::parse(Some(no), Some(size), cat, Some(typ), Some(&content)) {
            let (page, total) = select(&q.filter(), q.window(), &tasks);
            let (old_page, old_total, old_pages) = former_select(&q, &tasks);
            prop_assert_eq!(page, old_page);
            prop_assert_eq!(total, old_total);
            prop_assert_eq!(page_count(total, q.page_size), old_pages);
        }
    }

    #[test]
    fn app_task_id_parse_never_panics_and_bounds_the_range(
        start in proptest::option::of(any::<i64>()),
        end in proptest::option::of(any::<i64>()),
    ) {
        if let Ok(q) = AppTaskIdQuery::parse(start, end, None) {
            prop_assert!(q.start <= q.end && q.end - q.start <= MAX_CREATE_RANGE.get());
        }
    }
}
