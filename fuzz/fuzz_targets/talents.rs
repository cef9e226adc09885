//! `update_orient_talents`: body, op_type, task id, then the decision against an exclusive,
//! running task of the app with no talents yet.
#![no_main]

use dyopen_core::task::{
    decide_talents, task_id_from_wire, TalentOp, Task, TaskDetails, TaskStatus, TaskType,
};
use dyopen_fuzz::{app, body, split, NOW};
use dyopen_wire::task::UpdateOrientTalentsRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 2) else {
        return;
    };
    let Some(req) = body::<UpdateOrientTalentsRequest>(selector == 1, bytes) else {
        return;
    };
    let Ok(op) = TalentOp::parse(req.op_type) else {
        return;
    };
    let Some(task_id) = task_id_from_wire(req.task_id.0) else {
        return;
    };
    let app = app();
    let task = Task {
        task_id,
        appid: app.appid.clone(),
        task_name: "fuzz".into(),
        task_type: TaskType::Exclusive,
        status: TaskStatus::Running,
        start_page: "pages/index/index".into(),
        task_start_time: NOW.secs(),
        task_end_time: NOW.secs() + 86_400,
        created_at: NOW.secs(),
        updated_at: NOW.secs(),
        details: TaskDetails::default(),
    };
    if let Ok(decision) = decide_talents(Some(&task), &[], &app.appid, op, &req.douyin_ids, NOW) {
        assert_eq!(
            decision.results.len(),
            req.douyin_ids.len(),
            "one result per id"
        );
    }
});
