//! Conversions between the task wire types and core, both ways: the add_task draft, status and
//! talent-op codes, task views and the success envelope. Core keeps its own enums (it depends on
//! nothing of ours); each conversion here is an exhaustive match.

use crate::http::LogId;
use axum::Json;
use dyopen_core::clock::Timestamp;
use dyopen_core::task::{
    Talent, TalentOp, TalentsError, Task, TaskDetails, TaskDraft, TaskError, TaskStatus,
};
use dyopen_wire::dialect::OpenEnvelope;
use dyopen_wire::ids::FlexId;
use dyopen_wire::task::{self as wire, AddTaskRequest, OrientedTalentRel, TaskInfo};

// The SDK's chunk size and core's per-call limit are one rule.
const _: () =
    assert!(dyopen_wire::task::MAX_TALENTS_PER_CALL == dyopen_core::task::MAX_IDS_PER_CALL);

/// A v1/v2 success envelope around `data`.
pub fn ok<T>(data: T) -> Json<OpenEnvelope<T>> {
    Json(OpenEnvelope {
        err_no: 0,
        err_msg: String::new(),
        log_id: LogId::current(),
        data,
    })
}

/// The wire form of a stored task id (always non-negative).
pub fn wire_id(task_id: i64) -> FlexId {
    FlexId(u64::try_from(task_id).unwrap_or_default())
}

/// The core draft of an add_task body.
pub fn draft(req: AddTaskRequest) -> TaskDraft {
    TaskDraft {
        task_name: req.task_name,
        start_page: req.start_page,
        task_start_time: req.task_start_time.map(|t| t.0),
        task_end_time: req.task_end_time.map(|t| t.0),
        douyin_ids: req.douyin_ids,
        task_type: req.task_type.map(|t| t.0),
        details: TaskDetails {
            task_settle_type: req.task_settle_type.map_or(0, |v| v.0),
            page_type: req.page_type.map_or(0, |v| v.0),
            anchor_title: req.anchor_title.unwrap_or_default(),
            task_icon: req.task_icon.unwrap_or_default(),
            task_desc: req.task_desc.unwrap_or_default(),
            task_tags: req.task_tags.unwrap_or_default(),
            payment_allocate_ratio: req.payment_allocate_ratio.map(|n| n.to_string()),
            talent_payment_allocate_ratio: req.talent_payment_allocate_ratio.map(|n| n.to_string()),
            task_refund_period: req.task_refund_period.map(|v| v.0),
            refer_videos: req.refer_videos,
            refer_gids: req.refer_gids,
            refer_ma_captures: req.refer_ma_captures,
            mix_payment_allocate_ratio: req.mix_payment_allocate_ratio,
            talent_mix_payment_allocate_ratio: req.talent_mix_payment_allocate_ratio,
        },
    }
}

/// Core's status of a `task_status` code; a missing or undefined one is a bad field.
pub fn task_status(code: Option<i64>) -> Result<TaskStatus, TaskError> {
    let status = code.and_then(|c| wire::TaskStatus::try_from(c).ok());
    match status.ok_or(TaskError::BadField("task_status"))? {
        wire::TaskStatus::Running => Ok(TaskStatus::Running),
        wire::TaskStatus::Paused => Ok(TaskStatus::Paused),
        wire::TaskStatus::Terminated => Ok(TaskStatus::Terminated),
    }
}

/// The wire status of core's.
pub fn wire_status(status: TaskStatus) -> wire::TaskStatus {
    match status {
        TaskStatus::Running => wire::TaskStatus::Running,
        TaskStatus::Paused => wire::TaskStatus::Paused,
        TaskStatus::Terminated => wire::TaskStatus::Terminated,
    }
}

/// Core's op of an `op_type` code; an undefined one is a bad field.
pub fn talent_op(code: i64) -> Result<TalentOp, TalentsError> {
    match wire::TalentOp::try_from(code).map_err(|_| TalentsError::BadField("op_type"))? {
        wire::TalentOp::Add => Ok(TalentOp::Add),
        wire::TalentOp::Cancel => Ok(TalentOp::Cancel),
    }
}

fn number(text: &Option<String>) -> Option<serde_json::Number> {
    text.as_deref().and_then(|t| t.parse().ok())
}

/// A task as query_task_info shows it at `now`.
pub fn task_info(task: &Task, talents: &[Talent], now: Timestamp) -> TaskInfo {
    let d = &task.details;
    TaskInfo {
        task_id: wire_id(task.task_id),
        appid: task.appid.to_string(),
        task_name: task.task_name.clone(),
        task_type: task.task_type.code(),
        status: wire_status(task.effective_status(now)).code(),
        start_page: task.start_page.clone(),
        task_start_time: task.task_start_time.get().to_string(),
        task_end_time: task.task_end_time.get().to_string(),
        task_desc: d.task_desc.clone(),
        anchor_title: d.anchor_title.clone(),
        task_icon: d.task_icon.clone(),
        task_tags: d.task_tags.clone(),
        task_settle_type: d.task_settle_type,
        page_type: d.page_type,
        payment_allocate_ratio: number(&d.payment_allocate_ratio),
        talent_payment_allocate_ratio: number(&d.talent_payment_allocate_ratio),
        task_refund_period: d.task_refund_period,
        refer_videos: d.refer_videos.clone(),
        refer_gids: d.refer_gids.clone(),
        refer_ma_captures: d.refer_ma_captures.clone(),
        mix_payment_allocate_ratio: d.mix_payment_allocate_ratio.clone(),
        talent_mix_payment_allocate_ratio: d.talent_mix_payment_allocate_ratio.clone(),
        reject_reason: String::new(),
        oriented_talent_rel_list: talents
            .iter()
            .map(|t| OrientedTalentRel {
                douyin_id: t.douyin_id.clone(),
                cooperation_state: t.state.code(),
                cancel_operator: t.cancel_operator.code(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_statuses_go_both_ways_with_the_codes_the_store_keeps() {
        for status in [
            TaskStatus::Running,
            TaskStatus::Paused,
            TaskStatus::Terminated,
        ] {
            let code = wire_status(status).code();
            assert!(
                matches!(task_status(Some(code)), Ok(s) if s == status),
                "{status:?}"
            );
            // The store writes core's own code: the same number as on the wire.
            assert_eq!(status.code(), code);
        }
        for bad in [None, Some(0), Some(4), Some(-1)] {
            assert!(
                matches!(task_status(bad), Err(TaskError::BadField("task_status"))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn talent_ops_are_read_from_their_codes() {
        assert!(matches!(
            talent_op(wire::TalentOp::Add.code()),
            Ok(TalentOp::Add)
        ));
        assert!(matches!(
            talent_op(wire::TalentOp::Cancel.code()),
            Ok(TalentOp::Cancel)
        ));
        for bad in [0, 3, -1] {
            assert!(
                matches!(talent_op(bad), Err(TalentsError::BadField("op_type"))),
                "{bad}"
            );
        }
    }
}
