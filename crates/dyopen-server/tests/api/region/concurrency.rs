//! Bindings under concurrency, across two instances on one database: the page cap, whole/page
//! exclusivity and the change window each hold.

use super::*;

backend_tests!(
    fifty_concurrent_page_adds_bind_exactly_ten,
    concurrent_whole_and_page_adds_never_mix,
    concurrent_modifies_let_exactly_one_through,
);

/// Sends `bodies` to `path` all at once, alternating between `a` and `b`; returns the answers.
async fn race(a: &TestApp, b: &TestApp, path: &str, token: &str, bodies: Vec<Value>) -> Vec<Value> {
    let tasks = bodies.into_iter().enumerate().map(|(i, body)| {
        let target = if i % 2 == 0 { a } else { b };
        async move { target.post(path, Some(token), &body).await.1 }
    });
    futures::future::join_all(tasks).await
}

async fn fifty_concurrent_page_adds_bind_exactly_ten(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    let (mini, t) = app.app_with_token().await;
    let bodies = (0..50).map(|i| page("440300", &format!("p/{i}"))).collect();
    let results = race(&app, &other, ADD, &t, bodies).await;
    let ok = results.iter().filter(|v| v["err_no"] == 0).count();
    let capped = results
        .iter()
        .filter(|v| v["err_msg"] == "参数不合法:页面维度最多绑定10个页面")
        .count();
    assert_eq!((ok, capped), (10, 40), "{results:?}");
    let list = bindings(&app, &mini.appid).await;
    assert_eq!(list.as_array().unwrap().len(), 10);
}

async fn concurrent_whole_and_page_adds_never_mix(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    for _ in 0..3 {
        let (mini, t) = app.app_with_token().await;
        let bodies = (0..20)
            .map(|i| {
                if i % 2 == 0 {
                    whole("440300")
                } else {
                    page("440300", &format!("p/{i}"))
                }
            })
            .collect();
        race(&app, &other, ADD, &t, bodies).await;
        let list = bindings(&app, &mini.appid).await;
        let kinds: std::collections::HashSet<i64> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["bind_type"].as_i64().unwrap())
            .collect();
        assert_eq!(kinds.len(), 1, "{list}");
        if kinds.contains(&1) {
            assert_eq!(list.as_array().unwrap().len(), 1);
        }
    }
}

async fn concurrent_modifies_let_exactly_one_through(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let other = app.second_instance().await;
    let (_, t) = app.app_with_token().await;
    setup(&app, &t, vec![(ADD, whole("440300"))]).await;
    // Half move 440300→130400, half move it back: serially, the first succeeds and every
    // later one either names the wrong origin or hits the window. Exactly one may win.
    let bodies = (0..16)
        .map(|i| {
            if i % 2 == 0 {
                modify("440300", "130400", "")
            } else {
                modify("130400", "440300", "")
            }
        })
        .collect();
    let results = race(&app, &other, MODIFY, &t, bodies).await;
    let ok = results.iter().filter(|v| v["err_no"] == 0).count();
    assert_eq!(ok, 1, "{results:?}");
    for v in results.iter().filter(|v| v["err_no"] != 0) {
        assert!(
            v["err_no"] == 10101 || v["err_msg"] == "待修改的数据不存在",
            "{v}"
        );
    }
}
