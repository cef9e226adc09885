//! The v2 task APIs: add_task (body, rules and text limits, page check, then the task as
//! query_task_info shows it), update_status, query_task_info and query_app_task_id (the filter
//! and page window the store runs in SQL, applied to one task).
#![no_main]

use dyopen_core::task::{AppTaskIdQuery, NewTask, TaskQuery, TaskType};
use dyopen_fuzz::{app, body, split, task, NOW};
use dyopen_server::api::task::convert::{draft, task_info, task_status};
use dyopen_wire::task::{
    AddTaskRequest, QueryAppTaskIdRequest, QueryTaskInfoRequest, UpdateStatusRequest,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, bytes)) = split(data, 8) else {
        return;
    };
    let form = selector >= 4;
    match selector % 4 {
        0 => {
            let Some(req) = body::<AddTaskRequest>(form, bytes) else {
                return;
            };
            let Ok(cmd) = NewTask::parse(draft(req), NOW) else {
                return;
            };
            let app = app();
            if cmd.check_page(&app.pages).is_ok() {
                let task = cmd.into_task(7_218_760_632_718_443_557, app.appid, NOW);
                let _ = serde_json::to_vec(&task_info(&task, &[], NOW)).expect("serialises");
            }
        }
        1 => {
            let Some(req) = body::<UpdateStatusRequest>(form, bytes) else {
                return;
            };
            let _ = task_status(req.task_status.map(|s| s.0));
        }
        2 => {
            let Some(req) = body::<QueryTaskInfoRequest>(form, bytes) else {
                return;
            };
            if let Ok(q) = TaskQuery::parse(
                req.page_no.map(|v| v.0),
                req.page_size.map(|v| v.0),
                req.task_category.map(|v| v.0),
                req.query_params_type.map(|v| v.0),
                req.query_params_content.as_deref(),
            ) {
                let _ = q
                    .filter()
                    .matches(&task(7_218_760_632_718_443_557, TaskType::Public));
                let _ = q.window();
            }
        }
        _ => {
            let Some(req) = body::<QueryAppTaskIdRequest>(form, bytes) else {
                return;
            };
            if let Ok(q) = AppTaskIdQuery::parse(
                req.create_start_time.map(|v| v.0),
                req.create_end_time.map(|v| v.0),
                req.task_category.map(|v| v.0),
            ) {
                let _ = q
                    .filter()
                    .matches(&task(7_218_760_632_718_443_557, TaskType::Exclusive));
            }
        }
    }
});
