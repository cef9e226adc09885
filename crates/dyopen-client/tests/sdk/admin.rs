//! The admin client: apps, secrets, providers, the emulator clock, and its error type.

use crate::helpers::{TestServer, ADMIN_TOKEN};
use dyopen_client::{AdminClient, Error};
use dyopen_wire::admin::{CreateAppRequest, UpdateAppRequest};
use dyopen_wire::emulator::ClockRequest;

#[tokio::test]
async fn apps_can_be_created_listed_updated_and_rotated() {
    let server = TestServer::spawn().await;
    let a = server.create_app(&["pages/index/index"]).await;
    let b = server.create_app(&[]).await;
    let page = server.admin.list_apps(1, 50).await.expect("list");
    assert_eq!(page.total, 2);
    assert!(page.items.iter().any(|x| x.appid == a.appid));
    let updated = server
        .admin
        .update_app(
            &b.appid,
            &UpdateAppRequest {
                pages: Some(vec!["pages/x/x".into()]),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(updated.pages, vec!["pages/x/x".to_owned()]);
    assert_eq!(
        server.admin.get_app(&b.appid).await.expect("get").pages,
        updated.pages
    );
    let rotated = server.admin.rotate_secret(&a.appid).await.expect("rotate");
    assert_ne!(rotated.secret, a.secret);
    server
        .admin
        .grant_provider(&a.appid, &b.appid)
        .await
        .expect("grant");
    assert_eq!(
        server
            .admin
            .list_providers(&a.appid)
            .await
            .expect("providers")
            .len(),
        1
    );
    server
        .admin
        .revoke_provider(&a.appid, &b.appid)
        .await
        .expect("revoke");
    assert!(server
        .admin
        .list_providers(&a.appid)
        .await
        .expect("providers")
        .is_empty());
}

#[tokio::test]
async fn admin_errors_and_bad_tokens_are_typed() {
    let server = TestServer::spawn().await;
    match server.admin.get_app("tt0000000000000000").await {
        Err(Error::Admin { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (404, "not_found"))
        }
        other => panic!("{other:?}"),
    }
    let bad = server
        .admin
        .create_app(&CreateAppRequest {
            name: String::new(),
            ..Default::default()
        })
        .await;
    assert!(
        matches!(bad, Err(Error::Admin { status: 400, .. })),
        "{bad:?}"
    );
    let wrong = AdminClient::new(&server.base_url, &format!("{ADMIN_TOKEN}x")).expect("client");
    assert!(matches!(
        wrong.list_apps(1, 10).await,
        Err(Error::Admin { status: 401, .. })
    ));
}

#[tokio::test]
async fn emulator_clock_moves() {
    let server = TestServer::spawn().await;
    let now = server
        .admin
        .emulator_clock(&ClockRequest {
            advance_seconds: Some(60),
            ..Default::default()
        })
        .await
        .expect("clock");
    assert_eq!(now.now, crate::helpers::T0 + 60);
    assert!(now.frozen);
}
