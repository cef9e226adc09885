//! Unit and property tests of the task rules: status, talents and submissions.

use super::*;
use crate::task::{NewTask, TaskDetails, TaskDraft};
use proptest::prelude::*;

const NOW: Timestamp = Timestamp::from_secs(1_000);

fn task(app: &AppId, task_type: TaskType) -> Task {
    Task {
        task_id: 7,
        appid: app.clone(),
        task_name: "t".into(),
        task_type,
        status: TaskStatus::Running,
        start_page: "pages/index/index".into(),
        task_start_time: UnixSecs::new(0),
        task_end_time: UnixSecs::new(2_000),
        created_at: UnixSecs::new(0),
        updated_at: UnixSecs::new(0),
        details: TaskDetails::default(),
    }
}

fn talent(id: &str, seq: i64, state: CooperationState) -> Talent {
    Talent {
        douyin_id: id.into(),
        seq,
        state,
        cancel_operator: if state == CooperationState::Cancelled {
            CancelOperator::Talent
        } else {
            CancelOperator::Nobody
        },
        video_id: None,
        created_at: UnixSecs::new(0),
        updated_at: UnixSecs::new(0),
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The state of `task` with all of `talents`.
fn state(task: Option<&Task>, talents: &[Talent]) -> TaskState {
    TaskState::new(7, task.cloned(), talents.to_vec())
}

fn outcomes(d: &TalentsDecision) -> Vec<TalentOutcome> {
    d.results.iter().map(|(_, o)| *o).collect()
}

#[test]
fn checks_run_in_order_task_then_terminated_then_count() {
    let app = AppId::generate();
    let t = task(&app, TaskType::Exclusive);
    let none: Vec<String> = vec![];
    let r = |task: Option<&Task>, app: &AppId, ids: &[String], now| {
        state(task, &[]).decide_talents(app, TalentOp::Add, ids, now)
    };
    assert!(matches!(
        r(None, &app, &none, NOW),
        Err(TalentsError::NoTask)
    ));
    assert!(matches!(
        r(Some(&t), &AppId::generate(), &none, NOW),
        Err(TalentsError::NoTask)
    ));
    let public = task(&app, TaskType::Public);
    assert!(matches!(
        r(Some(&public), &app, &none, NOW),
        Err(TalentsError::NoTask)
    ));
    let ended = Timestamp::from_secs(2_000);
    assert!(matches!(
        r(Some(&t), &app, &none, ended),
        Err(TalentsError::Terminated)
    ));
    let stopped = Task {
        status: TaskStatus::Terminated,
        ..t.clone()
    };
    assert!(matches!(
        r(Some(&stopped), &app, &none, NOW),
        Err(TalentsError::Terminated)
    ));
    assert!(matches!(
        r(Some(&t), &app, &none, NOW),
        Err(TalentsError::BadCount)
    ));
    let eleven: Vec<String> = (0..11).map(|i| format!("u{i}")).collect();
    assert!(matches!(
        r(Some(&t), &app, &eleven, NOW),
        Err(TalentsError::BadCount)
    ));
    let paused = Task {
        status: TaskStatus::Paused,
        ..t.clone()
    };
    assert!(r(Some(&paused), &app, &ids(&["a"]), NOW).is_ok());
}

#[test]
fn every_row_of_the_table() {
    let app = AppId::generate();
    let t = task(&app, TaskType::Exclusive);
    let existing = [
        talent("coop", 0, CooperationState::Cooperating),
        talent("gone", 1, CooperationState::Cancelled),
        talent("done", 2, CooperationState::Submitted),
    ];
    let add = state(Some(&t), &existing)
        .decide_talents(
            &app,
            TalentOp::Add,
            &ids(&["new", "coop", "done", "gone", "bad id"]),
            NOW,
        )
        .unwrap();
    use TalentOutcome::*;
    assert_eq!(
        outcomes(&add),
        [Added, AlreadyAdded, AlreadyAdded, Added, InvalidId]
    );
    assert_eq!(add.writes.len(), 2);
    let readd = add
        .writes
        .iter()
        .find(|w| w.talent.douyin_id == "gone")
        .unwrap();
    assert_eq!(
        (readd.insert, readd.talent.seq, readd.talent.state),
        (false, 1, CooperationState::Cooperating)
    );
    assert_eq!(readd.talent.cancel_operator, CancelOperator::Nobody);
    let new = add
        .writes
        .iter()
        .find(|w| w.talent.douyin_id == "new")
        .unwrap();
    assert_eq!((new.insert, new.talent.seq), (true, 3));
    let cancel = state(Some(&t), &existing)
        .decide_talents(
            &app,
            TalentOp::Cancel,
            &ids(&["coop", "gone", "done", "nobody", "a b"]),
            NOW,
        )
        .unwrap();
    assert_eq!(
        outcomes(&cancel),
        [
            Cancelled,
            AlreadyCancelled,
            AlreadySubmitted,
            NotOnTask,
            InvalidId
        ]
    );
    assert_eq!(cancel.writes.len(), 1);
    assert_eq!(
        cancel.writes[0].talent.cancel_operator,
        CancelOperator::Developer
    );
    assert_eq!(
        AlreadyCancelled.text(),
        "请求失败,和该达人的合作已取消,无法重复取消"
    );
}

#[test]
fn duplicates_in_one_list_see_the_new_state() {
    let app = AppId::generate();
    let t = task(&app, TaskType::Exclusive);
    let d = state(Some(&t), &[])
        .decide_talents(&app, TalentOp::Add, &ids(&["a", "a"]), NOW)
        .unwrap();
    assert_eq!(
        outcomes(&d),
        [TalentOutcome::Added, TalentOutcome::AlreadyAdded]
    );
    assert_eq!(d.writes.len(), 1);
    let existing = [talent("a", 0, CooperationState::Cooperating)];
    let d = state(Some(&t), &existing)
        .decide_talents(&app, TalentOp::Cancel, &ids(&["a", "a"]), NOW)
        .unwrap();
    assert_eq!(
        outcomes(&d),
        [TalentOutcome::Cancelled, TalentOutcome::AlreadyCancelled]
    );
}

#[test]
fn cap_counts_cancelled_talents_and_readd_uses_no_slot() {
    let app = AppId::generate();
    let t = task(&app, TaskType::Exclusive);
    let full: Vec<Talent> = (0..200)
        .map(|i| {
            talent(
                &format!("u{i}"),
                i,
                if i == 0 {
                    CooperationState::Cancelled
                } else {
                    CooperationState::Cooperating
                },
            )
        })
        .collect();
    let d = state(Some(&t), &full)
        .decide_talents(&app, TalentOp::Add, &ids(&["x", "u0"]), NOW)
        .unwrap();
    assert_eq!(
        outcomes(&d),
        [TalentOutcome::CapReached, TalentOutcome::Added]
    );
    let d = state(Some(&t), &full[..199])
        .decide_talents(&app, TalentOp::Add, &ids(&["x", "y"]), NOW)
        .unwrap();
    assert_eq!(
        outcomes(&d),
        [TalentOutcome::Added, TalentOutcome::CapReached]
    );
}

#[test]
fn terminated_is_final_and_end_time_terminates() {
    let app = AppId::generate();
    let draft = TaskDraft {
        task_name: Some(" t ".into()),
        start_page: Some("pages/index/index".into()),
        task_start_time: Some(100),
        task_end_time: Some(200),
        ..TaskDraft::default()
    };
    let t = NewTask::parse(draft, Timestamp::from_secs(0))
        .unwrap()
        .into_task(1, app.clone(), Timestamp::from_secs(0));
    assert!(state(Some(&t), &[])
        .decide_status(&app, TaskStatus::Paused, Timestamp::from_secs(199))
        .is_ok());
    assert!(matches!(
        state(Some(&t), &[]).decide_status(&app, TaskStatus::Running, Timestamp::from_secs(200)),
        Err(TaskError::Terminated)
    ));
    let done = Task {
        status: TaskStatus::Terminated,
        ..t.clone()
    };
    assert!(matches!(
        state(Some(&done), &[]).decide_status(&app, TaskStatus::Running, Timestamp::from_secs(0)),
        Err(TaskError::Terminated)
    ));
    assert!(matches!(
        state(Some(&t), &[]).decide_status(
            &AppId::generate(),
            TaskStatus::Running,
            Timestamp::from_secs(0)
        ),
        Err(TaskError::UnknownTask)
    ));
    assert!(matches!(
        state(None, &[]).decide_status(&app, TaskStatus::Running, Timestamp::from_secs(0)),
        Err(TaskError::UnknownTask)
    ));
}

#[test]
fn submission_needs_a_cooperating_talent_on_a_live_task() {
    let app = AppId::generate();
    let t = task(&app, TaskType::Exclusive);
    let existing = [
        talent("coop", 0, CooperationState::Cooperating),
        talent("gone", 1, CooperationState::Cancelled),
    ];
    let id = |s: &str| DouyinId::parse(s).unwrap();
    let s = state(Some(&t), &existing)
        .decide_submission(&id("coop"), Some("v1"), NOW)
        .unwrap();
    assert_eq!(
        (s.state, s.video_id.as_deref()),
        (CooperationState::Submitted, Some("v1"))
    );
    assert!(matches!(
        state(Some(&t), &existing).decide_submission(&id("gone"), None, NOW),
        Err(SubmissionError::NotCooperating(_))
    ));
    assert!(matches!(
        state(Some(&t), &existing).decide_submission(&id("zz"), None, NOW),
        Err(SubmissionError::NotCooperating(_))
    ));
    assert!(matches!(
        state(Some(&t), &existing).decide_submission(
            &id("coop"),
            None,
            Timestamp::from_secs(2_000)
        ),
        Err(SubmissionError::Terminated)
    ));
    assert!(matches!(
        state(None, &[]).decide_submission(&id("coop"), None, NOW),
        Err(SubmissionError::NoTask(7))
    ));
}

fn id_strategy() -> impl Strategy<Value = String> {
    prop_oneof!["[a-e]{1,2}", "[A-Za-z0-9_.]{1,32}", ".{0,40}",]
}

proptest! {
    #[test]
    fn any_list_of_up_to_ten_ids_never_exceeds_200_and_answers_each_id(
        existing in 0usize..=200,
        cancelled_every in 1usize..7,
        lists in proptest::collection::vec(proptest::collection::vec(id_strategy(), 1..=10), 1..8),
        ops in proptest::collection::vec(any::<bool>(), 8),
    ) {
        let app = AppId::generate();
        let t = task(&app, TaskType::Exclusive);
        let mut talents: Vec<Talent> = (0..existing)
            .map(|i| talent(&format!("seed{i}"), i as i64, if i % cancelled_every == 0 { CooperationState::Cancelled } else { CooperationState::Cooperating }))
            .collect();
        for (list, add) in lists.iter().zip(ops) {
            let op = if add { TalentOp::Add } else { TalentOp::Cancel };
            let d = state(Some(&t), &talents).decide_talents(&app, op, list, NOW).unwrap();
            prop_assert_eq!(d.results.len(), list.len());
            for ((sent, _), raw) in d.results.iter().zip(list) {
                prop_assert_eq!(sent, raw);
            }
            for w in d.writes {
                if w.insert {
                    prop_assert_eq!(w.talent.seq as usize, talents.len());
                    talents.push(w.talent);
                } else {
                    let slot = talents.iter_mut().find(|t| t.douyin_id == w.talent.douyin_id).unwrap();
                    *slot = w.talent;
                }
            }
            prop_assert!(talents.len() <= MAX_TALENTS_PER_TASK);
            let distinct: std::collections::HashSet<_> = talents.iter().map(|t| &t.douyin_id).collect();
            prop_assert_eq!(distinct.len(), talents.len());
        }
    }

    #[test]
    fn deciding_among_the_named_talents_and_a_count_equals_deciding_among_all(
        existing in 0usize..=200,
        cancelled_every in 1usize..7,
        list in proptest::collection::vec(
            prop_oneof!["seed[0-9]{1,3}", "[a-e]{1,2}", ".{0,4}"], 1..=10),
        add in any::<bool>(),
    ) {
        let app = AppId::generate();
        let t = task(&app, TaskType::Exclusive);
        let talents: Vec<Talent> = (0..existing)
            .map(|i| talent(&format!("seed{i}"), i as i64, if i % cancelled_every == 0 { CooperationState::Cancelled } else { CooperationState::Cooperating }))
            .collect();
        let named: Vec<Talent> = talents
            .iter()
            .filter(|t| list.contains(&t.douyin_id))
            .cloned()
            .collect();
        let op = if add { TalentOp::Add } else { TalentOp::Cancel };
        let all = state(Some(&t), &talents).decide_talents(&app, op, &list, NOW).unwrap();
        let named = TaskState { task_id: 7, task: Some(t.clone()), talents: named, talent_count: talents.len() };
        let among = named.decide_talents(&app, op, &list, NOW).unwrap();
        prop_assert_eq!(all, among);
    }
}
