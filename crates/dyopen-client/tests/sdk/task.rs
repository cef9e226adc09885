//! Tasks (v2 APIs) and talents (update_orient_talents, split into calls of ten).

use crate::helpers::{client, Proxy, TestServer, T0};
use dyopen_client::wire::ids::FlexInt;
use dyopen_client::wire::task::{AddTaskRequest, QueryTaskInfoRequest, SubmissionRequest};
use dyopen_client::{Client, Error, TalentOp, TalentsUpdate, TaskStatus};

const TALENTS: &str = "/api/apps/taskbox/update_orient_talents/";

fn task(name: &str, ids: &[&str], exclusive: bool) -> AddTaskRequest {
    AddTaskRequest {
        task_name: Some(name.into()),
        start_page: Some("pages/index/index".into()),
        task_start_time: Some(FlexInt(T0)),
        task_end_time: Some(FlexInt(T0 + 30 * 86_400)),
        douyin_ids: (!ids.is_empty()).then(|| ids.iter().map(|s| s.to_string()).collect()),
        task_type: exclusive.then_some(FlexInt(2)),
        ..Default::default()
    }
}

fn all_tasks() -> QueryTaskInfoRequest {
    QueryTaskInfoRequest {
        page_no: Some(FlexInt(1)),
        page_size: Some(FlexInt(50)),
        query_params_type: Some(FlexInt(2)),
        query_params_content: Some(String::new()),
        ..Default::default()
    }
}

#[tokio::test]
async fn tasks_are_created_queried_and_their_status_changed() {
    let server = TestServer::spawn().await;
    let app = server.app().await;
    let c = client(&server.base_url, &app);
    let public = c
        .task_add(&task("public", &[], false))
        .await
        .expect("add public");
    let exclusive = c
        .task_add(&task("exclusive", &["t_1", "t_2"], false))
        .await
        .expect("add");
    assert!(
        exclusive > 1_000_000_000_000_000_000,
        "19-digit id {exclusive}"
    );
    let info = c.task_query_info(&all_tasks()).await.expect("query");
    assert_eq!((info.total.as_str(), info.tasks.len()), ("2", 2));
    let ex = info
        .tasks
        .iter()
        .find(|t| t.task_id.0 == exclusive)
        .expect("listed");
    assert_eq!(ex.task_type, 2);
    assert_eq!(ex.oriented_talent_rel_list.len(), 2);
    c.task_update_status(public, TaskStatus::Paused)
        .await
        .expect("pause");
    c.task_update_status(public, TaskStatus::Terminated)
        .await
        .expect("terminate");
    let err = c
        .task_update_status(public, TaskStatus::Running)
        .await
        .expect_err("final");
    assert_eq!(err.code(), Some(28005001));
    let err = c
        .task_update_status(42, TaskStatus::Running)
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), Some(28005001));
    let mut ids = c
        .task_query_app_task_ids(T0, T0 + 86_400, None)
        .await
        .expect("ids");
    ids.sort_unstable();
    let mut both = vec![exclusive, public];
    both.sort_unstable();
    assert_eq!(ids, both);
    let ids = c
        .task_query_app_task_ids(T0, T0 + 86_400, Some(1))
        .await
        .expect("public ids");
    assert_eq!(ids, vec![public]);
    let err = c
        .task_query_app_task_ids(T0, T0 + 8 * 86_400, None)
        .await
        .expect_err("range");
    assert_eq!(err.code(), Some(28005001));
    let listed = server
        .admin
        .list_tasks(&app.appid, 1, 50)
        .await
        .expect("admin list");
    assert_eq!(listed.total, 2);
}

#[tokio::test]
async fn thirty_five_ids_go_out_in_four_calls_with_results_in_order() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    let task_id = c.task_add(&task("big", &[], true)).await.expect("add");
    let ids: Vec<String> = (0..35).map(|i| format!("talent_{i:02}")).collect();
    let mut chunks = Vec::new();
    let results = c
        .update_orient_talents_with(
            &TalentsUpdate::new(task_id, TalentOp::Add, ids.clone()),
            |r| chunks.push(r.len()),
        )
        .await
        .expect("add 35");
    assert_eq!(proxy.count(TALENTS), 4);
    assert_eq!(chunks, vec![10, 10, 10, 5]);
    assert_eq!(
        results
            .iter()
            .map(|r| r.douyin_id.clone())
            .collect::<Vec<_>>(),
        ids
    );
    assert!(
        results.iter().all(|r| r.update_result == "请求成功,已添加"),
        "{results:?}"
    );

    // Per-id failures are results, not errors.
    let again = c
        .update_orient_talents(&TalentsUpdate::new(
            task_id,
            TalentOp::Add,
            ["talent_00", "new_one"],
        ))
        .await
        .expect("partly repeated");
    assert_eq!(again[0].update_result, "请求失败,该达人已添加,无法重复添加");
    assert_eq!(again[1].update_result, "请求成功,已添加");
    server
        .admin
        .record_submission(
            task_id,
            &SubmissionRequest {
                douyin_id: "talent_01".into(),
                video_id: None,
            },
        )
        .await
        .expect("submission");
    let cancel = c
        .update_orient_talents(&TalentsUpdate::new(
            task_id,
            TalentOp::Cancel,
            ["talent_00", "talent_01", "nobody"],
        ))
        .await
        .expect("cancel");
    let texts: Vec<&str> = cancel.iter().map(|r| r.update_result.as_str()).collect();
    assert_eq!(
        texts,
        [
            "请求成功,已取消",
            "请求失败,达人已投稿,无法取消合作",
            "请求失败,该达人未关联此任务"
        ]
    );
    let detail = server.admin.get_task(task_id).await.expect("detail");
    assert_eq!(detail.talents.len(), 36);
}

#[tokio::test]
async fn talents_call_errors_stop_the_run_and_keep_their_code() {
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    let public = c.task_add(&task("public", &[], false)).await.expect("add");
    let ids: Vec<String> = (0..25).map(|i| format!("t{i}")).collect();
    match c
        .update_orient_talents(&TalentsUpdate::new(public, TalentOp::Add, ids))
        .await
    {
        Err(Error::Api { code, message, .. }) => {
            assert_eq!((code, message.as_str()), (5442, "任务不存在"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        proxy.count(TALENTS),
        1,
        "stopped after the first failing call"
    );
    let no_appid = Client::builder()
        .base_url(&server.base_url)
        .build()
        .expect("client");
    let err = no_appid
        .update_orient_talents(&TalentsUpdate::new(public, TalentOp::Add, ["a"]))
        .await
        .expect_err("no appid");
    assert!(matches!(err, Error::Config(_)));
}

#[tokio::test]
async fn talents_refresh_an_expired_token_and_retry_system_errors() {
    use dyopen_client::wire::emulator::FaultRequest;
    let server = TestServer::spawn().await;
    let proxy = Proxy::start(&server.base_url).await;
    let app = server.app().await;
    let c = client(&proxy.base_url, &app);
    let task_id = c.task_add(&task("x", &[], true)).await.expect("add"); // client token
    c.access_token().await.expect("v2 token"); // talents use the v2 token: cache one
    server.clock.advance(dyopen_core::clock::Seconds::hours(2)); // 5502 for the cached token
    server
        .admin
        .emulator_fault(&FaultRequest {
            path: TALENTS.into(),
            err_kind: "system_error".into(),
            count: 1,
            delay_ms: None,
        })
        .await
        .expect("fault");
    let r = c
        .update_orient_talents(&TalentsUpdate::new(task_id, TalentOp::Add, ["a"]))
        .await
        .expect("after refresh and retry");
    assert_eq!(r[0].update_result, "请求成功,已添加");
    // 1: injected 4001010, 2: 5502 (expired), 3: success with the new token.
    assert_eq!(proxy.count(TALENTS), 3);
    assert_eq!(proxy.count("/api/apps/v2/token"), 2);
}
