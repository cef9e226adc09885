//! Tasks and talents: created with their first talents, found, listed, their status and
//! talents changed by the core rules inside the store's transaction.

use crate::helpers::{at, new_app, TestStore, T0};
use dyopen_core::app::AppId;
use dyopen_core::store::TaskStore;
use dyopen_core::task::{
    CooperationState, DouyinId, NewTask, PageWindow, SubmissionError, TalentOp, TalentOutcome,
    TalentsError, TaskDraft, TaskError, TaskFilter, TaskMatch, TaskStatus,
};

backend_tests!(
    a_task_is_stored_with_its_first_talents_cooperating_in_order,
    a_status_change_is_the_apps_own_and_ends_at_termination,
    talents_are_added_and_cancelled_with_one_outcome_each,
    a_submission_records_the_video_of_a_cooperating_talent,
    listings_select_and_page_newest_first,
);

/// A task of `talents` (exclusive when it names any) running for 90 days from [`T0`].
fn new_task(name: &str, talents: &[&str]) -> NewTask {
    let draft = TaskDraft {
        task_name: Some(name.into()),
        start_page: Some("pages/index/index".into()),
        task_start_time: Some(T0),
        task_end_time: Some(T0 + 90 * 86_400),
        douyin_ids: Some(talents.iter().map(|&t| t.to_owned()).collect()),
        ..TaskDraft::default()
    };
    NewTask::parse(draft, at(0)).expect("task")
}

async fn a_task_is_stored_with_its_first_talents_cooperating_in_order(s: TestStore) {
    let appid = new_app(&s).await;
    let task = s
        .task_create(&appid, &new_task("t", &["b_1", "a_2"]), at(7))
        .await
        .expect("create");
    assert_eq!(
        (task.status, task.created_at.get()),
        (TaskStatus::Running, T0 + 7)
    );
    assert_eq!(
        s.task_get(task.task_id).await.expect("get"),
        Some(task.clone())
    );
    let talents = s.task_talents(task.task_id).await.expect("talents");
    let ids: Vec<&str> = talents.iter().map(|t| t.douyin_id.as_str()).collect();
    assert_eq!(ids, ["b_1", "a_2"]);
    assert!(talents
        .iter()
        .all(|t| t.state == CooperationState::Cooperating && t.video_id.is_none()));
    assert_eq!(s.task_get(task.task_id + 1).await.expect("get"), None);
}

async fn a_status_change_is_the_apps_own_and_ends_at_termination(s: TestStore) {
    let appid = new_app(&s).await;
    let task = s
        .task_create(&appid, &new_task("t", &[]), at(0))
        .await
        .expect("create");
    let id = task.task_id;
    let foreign = s
        .task_set_status(&AppId::generate(), id, TaskStatus::Paused, at(1))
        .await;
    assert!(
        matches!(foreign, Err(TaskError::UnknownTask)),
        "{foreign:?}"
    );
    let paused = s
        .task_set_status(&appid, id, TaskStatus::Paused, at(2))
        .await
        .expect("pause");
    assert_eq!(
        (paused.status, paused.updated_at.get()),
        (TaskStatus::Paused, T0 + 2)
    );
    assert_eq!(s.task_get(id).await.expect("get"), Some(paused));
    s.task_set_status(&appid, id, TaskStatus::Terminated, at(3))
        .await
        .expect("end");
    let after = s
        .task_set_status(&appid, id, TaskStatus::Running, at(4))
        .await;
    assert!(matches!(after, Err(TaskError::Terminated)), "{after:?}");
    let gone = s
        .task_set_status(&appid, id + 1, TaskStatus::Paused, at(4))
        .await;
    assert!(matches!(gone, Err(TaskError::UnknownTask)), "{gone:?}");
}

async fn talents_are_added_and_cancelled_with_one_outcome_each(s: TestStore) {
    let appid = new_app(&s).await;
    let task = s
        .task_create(&appid, &new_task("t", &["a"]), at(0))
        .await
        .expect("create");
    let ids = |list: &[&str]| list.iter().map(|&i| i.to_owned()).collect::<Vec<_>>();
    let added = s
        .talents_update(
            &appid,
            task.task_id,
            TalentOp::Add,
            &ids(&["a", "b"]),
            at(1),
        )
        .await
        .expect("add");
    assert_eq!(
        added,
        vec![
            ("a".to_owned(), TalentOutcome::AlreadyAdded),
            ("b".to_owned(), TalentOutcome::Added)
        ]
    );
    let cancelled = s
        .talents_update(
            &appid,
            task.task_id,
            TalentOp::Cancel,
            &ids(&["a", "zz"]),
            at(2),
        )
        .await
        .expect("cancel");
    assert_eq!(
        cancelled,
        vec![
            ("a".to_owned(), TalentOutcome::Cancelled),
            ("zz".to_owned(), TalentOutcome::NotOnTask)
        ]
    );
    let talents = s.task_talents(task.task_id).await.expect("talents");
    let states: Vec<(&str, CooperationState)> = talents
        .iter()
        .map(|t| (t.douyin_id.as_str(), t.state))
        .collect();
    assert_eq!(
        states,
        [
            ("a", CooperationState::Cancelled),
            ("b", CooperationState::Cooperating)
        ]
    );
    let none = s
        .talents_update(&appid, task.task_id + 1, TalentOp::Add, &ids(&["c"]), at(3))
        .await;
    assert!(matches!(none, Err(TalentsError::NoTask)), "{none:?}");
}

async fn a_submission_records_the_video_of_a_cooperating_talent(s: TestStore) {
    let appid = new_app(&s).await;
    let task = s
        .task_create(&appid, &new_task("t", &["a"]), at(0))
        .await
        .expect("create");
    let a = DouyinId::parse("a").expect("id");
    let talent = s
        .talent_submit(task.task_id, &a, Some("v1"), at(5))
        .await
        .expect("submit");
    assert_eq!(talent.state, CooperationState::Submitted);
    assert_eq!(
        s.task_talents(task.task_id).await.expect("talents"),
        vec![talent]
    );
    let again = s.talent_submit(task.task_id, &a, Some("v2"), at(6)).await;
    assert!(
        matches!(again, Err(SubmissionError::NotCooperating(_))),
        "{again:?}"
    );
    let missing = task.task_id + 1;
    let none = s.talent_submit(missing, &a, None, at(6)).await;
    assert!(
        matches!(none, Err(SubmissionError::NoTask(id)) if id == missing as u64),
        "{none:?}"
    );
}

async fn listings_select_and_page_newest_first(s: TestStore) {
    let (appid, other) = (new_app(&s).await, new_app(&s).await);
    let mut made = Vec::new();
    for (i, name) in ["alpha", "beta", "alphabet"].iter().enumerate() {
        let t = s
            .task_create(&appid, &new_task(name, &[]), at(i as i64))
            .await
            .expect("create");
        made.push(t.task_id);
    }
    s.task_create(&other, &new_task("alpha", &[]), at(9))
        .await
        .expect("create");
    let (page, total) = s
        .task_search(&appid, &TaskFilter::all(), PageWindow::page(1, 2))
        .await
        .expect("search");
    let page: Vec<i64> = page.iter().map(|t| t.task_id).collect();
    assert_eq!((page, total), (vec![made[2], made[1]], 3));
    let alpha = TaskFilter {
        by: TaskMatch::NameContains("alpha".into()),
        ..TaskFilter::all()
    };
    assert_eq!(
        s.task_ids(&appid, &alpha).await.expect("ids"),
        vec![made[2], made[0]]
    );
}
