//! Modifying and deleting bindings: what they check, and the 7-day change window per target.

use super::*;

backend_tests!(
    delete_of_missing_binding_is_refused,
    whole_bound_app_treats_path_as_empty,
    modify_checks_origin_and_rejects_same_city,
    modify_and_delete_share_a_7_day_window_per_target,
    window_is_keyed_on_target_not_binding,
    failed_requests_never_consume_the_window,
    data_id_is_stable_across_modify,
);

async fn delete_of_missing_binding_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let missing = err(10001, "待删除的数据不存在");
    let bad_region = err(10001, "参数不合法:region_id参数不合法");
    steps(
        &app,
        &t,
        vec![(DELETE, delete("440300", "p/a"), missing.clone())],
    )
    .await;
    setup(&app, &t, vec![(ADD, page("440300", "p/a"))]).await;
    steps(
        &app,
        &t,
        vec![
            (DELETE, delete("130400", "p/a"), missing.clone()),
            (DELETE, json!({"region_id": "440300"}), missing),
            (DELETE, delete("440000", "p/a"), bad_region.clone()),
            (DELETE, json!({"path": "p/a"}), bad_region),
            (DELETE, delete("440300", "p/a"), ok()),
        ],
    )
    .await;
}

async fn whole_bound_app_treats_path_as_empty(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    setup(&app, &t, vec![(ADD, whole("440300"))]).await;
    let change = modify("440300", "130400", "some/page");
    steps(&app, &t, vec![(MODIFY, change, ok())]).await;
    app.advance(WEEK);
    let t = app.client_token(&mini).await;
    steps(
        &app,
        &t,
        vec![(DELETE, delete("130400", "another/page"), ok())],
    )
    .await;
}

async fn modify_checks_origin_and_rejects_same_city(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    setup(&app, &t, vec![(ADD, page("440300", "p/a"))]).await;
    let missing = err(10001, "待修改的数据不存在");
    let same = err(10001, "参数不合法:current_region与origin_region相同");
    let bad_current = err(10001, "参数不合法:current_region参数不合法");
    let bad_origin = err(10001, "参数不合法:origin_region参数不合法");
    steps(
        &app,
        &t,
        vec![
            (MODIFY, modify("130400", "440400", "p/a"), missing.clone()),
            (MODIFY, modify("440300", "440400", "p/b"), missing),
            (MODIFY, modify("440300", "440300", "p/a"), same),
            (MODIFY, modify("440300", "440000", "p/a"), bad_current),
            (MODIFY, modify("44030", "440400", "p/a"), bad_origin.clone()),
            (
                MODIFY,
                json!({"current_region": "440400", "path": "p/a"}),
                bad_origin,
            ),
            (MODIFY, modify("440300", "440400", "p/a"), ok()),
        ],
    )
    .await;
}

async fn modify_and_delete_share_a_7_day_window_per_target(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    setup(
        &app,
        &t,
        vec![(ADD, page("440300", "p/a")), (ADD, page("440300", "p/b"))],
    )
    .await;
    let throttled = err(10101, "修改区域的频率过高");
    steps(
        &app,
        &t,
        vec![
            (MODIFY, modify("440300", "440400", "p/a"), ok()),
            (MODIFY, modify("440400", "440300", "p/a"), throttled.clone()),
            (DELETE, delete("440400", "p/a"), throttled.clone()),
            // Another target is not throttled.
            (MODIFY, modify("440300", "440400", "p/b"), ok()),
        ],
    )
    .await;
    // One second before the window ends: still throttled; at the boundary: allowed.
    app.advance(WEEK - 1);
    let t = app.client_token(&mini).await;
    steps(&app, &t, vec![(DELETE, delete("440400", "p/a"), throttled)]).await;
    app.advance(1);
    steps(&app, &t, vec![(DELETE, delete("440400", "p/a"), ok())]).await;
}

async fn window_is_keyed_on_target_not_binding(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    setup(&app, &t, vec![(ADD, page("440300", "p/a"))]).await;
    steps(
        &app,
        &t,
        vec![
            (DELETE, delete("440300", "p/a"), ok()),
            // Adding is never throttled.
            (ADD, page("440300", "p/a"), ok_add()),
            (
                MODIFY,
                modify("440300", "440400", "p/a"),
                err(10101, "修改区域的频率过高"),
            ),
        ],
    )
    .await;
}

async fn failed_requests_never_consume_the_window(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    setup(
        &app,
        &t,
        vec![
            (ADD, page("440300", "p/a")),
            (MODIFY, modify("130400", "440400", "p/a")),
            (DELETE, delete("130400", "p/a")),
        ],
    )
    .await;
    steps(
        &app,
        &t,
        vec![(MODIFY, modify("440300", "440400", "p/a"), ok())],
    )
    .await;
}

async fn data_id_is_stable_across_modify(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    let (_, v) = app.post(ADD, Some(&t), &page("440300", "p/a")).await;
    let data_id = v["data_id"].as_str().unwrap().to_owned();
    setup(&app, &t, vec![(MODIFY, modify("440300", "440400", "p/a"))]).await;
    let list = bindings(&app, &mini.appid).await;
    assert_eq!(list[0]["data_id"], data_id.as_str());
    assert_eq!(list[0]["region_id"], "440400");
}
