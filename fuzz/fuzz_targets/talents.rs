//! `update_orient_talents`: body, op_type, task id, then the decision against an exclusive,
//! running task of the app with no talents yet.
#![no_main]

use dyopen_core::task::{task_id_from_wire, TaskState, TaskType};
use dyopen_fuzz::{app, body, split, task, NOW};
use dyopen_server::api::task::convert::talent_op;
use dyopen_wire::task::UpdateOrientTalentsRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 2) else {
        return;
    };
    let Some(req) = body::<UpdateOrientTalentsRequest>(selector == 1, bytes) else {
        return;
    };
    let Ok(op) = talent_op(req.op_type) else {
        return;
    };
    let Some(task_id) = task_id_from_wire(req.task_id.0) else {
        return;
    };
    let app = app();
    let task = task(task_id, TaskType::Exclusive);
    let state = TaskState::new(task_id, Some(task), Vec::new());
    if let Ok(decision) = state.decide_talents(&app.appid, op, &req.douyin_ids, NOW) {
        assert_eq!(
            decision.results.len(),
            req.douyin_ids.len(),
            "one result per id"
        );
    }
});
