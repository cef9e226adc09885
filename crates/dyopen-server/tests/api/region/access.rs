//! Who may bind: the access token (where it is read from, when it is checked, when it expires),
//! and the admin API's view of the bindings.

use super::*;

backend_tests!(
    token_is_required_and_checked_after_the_body,
    admin_lists_bindings_with_names_and_next_change,
);

async fn token_is_required_and_checked_after_the_body(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (_, t) = app.app_with_token().await;
    let body = whole("440300");
    let auth = err_add(10100, "鉴权失败,access_token非法");
    let (_, v) = app.post(ADD, None, &body).await;
    assert_eq!(redact(v), auth);
    for (token, body, want) in [
        ("clt.0000", body.clone(), auth.clone()),
        ("garbage", body.clone(), auth.clone()),
        // A bad body is reported before a bad token.
        (
            "garbage",
            json!({"bind_type": 9, "region_id": "440300"}),
            err_add(10001, "参数不合法:bind_type参数不合法"),
        ),
    ] {
        assert_eq!(
            call(&app, ADD, token, body.clone()).await,
            want,
            "{token} {body}"
        );
    }
    // Expired after 7200 s.
    app.advance(7199);
    steps(&app, &t, vec![(ADD, page("440300", "p/a"), ok_add())]).await;
    app.advance(1);
    steps(&app, &t, vec![(ADD, body, auth)]).await;
    // The token also works from the body and the query string.
    let (mini, _) = app.app_with_token().await;
    let fresh = app.v2_token(&mini).await;
    let (_, v) = app
        .post(
            ADD,
            None,
            &json!({"bind_type": 1, "region_id": "440300", "access_token": fresh}),
        )
        .await;
    assert_eq!(redact(v), ok_add());
    let (_, v) = app
        .post(
            &format!("{DELETE}?access_token={fresh}"),
            None,
            &json!({"region_id": "440300"}),
        )
        .await;
    assert_eq!(redact(v), ok());
}

async fn admin_lists_bindings_with_names_and_next_change(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else {
        return;
    };
    let (mini, t) = app.app_with_token().await;
    setup(
        &app,
        &t,
        vec![
            (ADD, page("440300", "p/a")),
            (ADD, page("429004", "p/b")),
            (MODIFY, modify("440300", "130400", "p/a")),
        ],
    )
    .await;
    let list = bindings(&app, &mini.appid).await;
    let rows: Vec<(String, String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().into(),
                r["city_name"].as_str().unwrap().into(),
                r["province_name"].as_str().unwrap().into(),
                r["next_change_at"].as_str().unwrap().into(),
            )
        })
        .collect();
    for (path, city, province, next_change) in [
        ("p/a", "邯郸市", "河北省", "2024-05-08T00:00:00Z"),
        ("p/b", "仙桃市", "湖北省", "2024-05-01T00:00:00Z"),
    ] {
        let row = (
            path.into(),
            city.into(),
            province.into(),
            next_change.into(),
        );
        assert!(rows.contains(&row), "{rows:?}");
    }
    let (status, _) = app
        .admin(
            reqwest::Method::GET,
            "/apps/tt0000000000000000/regions",
            None,
        )
        .await;
    assert_eq!(status, 404);
}
