//! Apps and provider grants: created, found, listed, patched, wiped.

use crate::helpers::{app, at, new_app, TestStore, T0};
use dyopen_core::app::{AppId, AppPatch, AppStatus, PublishedPages};
use dyopen_core::clock::UnixSecs;
use dyopen_core::store::AppStore;
use dyopen_core::StoreError;

backend_tests!(
    the_store_answers_a_ping,
    an_app_is_found_as_created_and_listed_oldest_first,
    an_appid_taken_twice_is_a_conflict,
    an_unknown_app_is_absent_and_cannot_be_changed,
    a_patch_changes_only_its_fields_and_is_seen_at_once,
    provider_grants_are_idempotent_listed_and_revoked_once,
    a_wipe_empties_the_tables_and_forgets_what_was_read,
);

async fn the_store_answers_a_ping(s: TestStore) {
    s.ping().await.expect("ping");
}

async fn an_app_is_found_as_created_and_listed_oldest_first(s: TestStore) {
    let (older, newer) = (app(0), app(10));
    s.create_app(&newer).await.expect("create");
    s.create_app(&older).await.expect("create");
    assert_eq!(
        s.get_app(&older.appid).await.expect("get"),
        Some(older.clone())
    );
    let (all, total) = s.list_apps(0, 10).await.expect("list");
    assert_eq!((all, total), (vec![older, newer.clone()], 2));
    let (page, total) = s.list_apps(1, 1).await.expect("list");
    assert_eq!((page, total), (vec![newer], 2));
}

async fn an_appid_taken_twice_is_a_conflict(s: TestStore) {
    let first = app(0);
    s.create_app(&first).await.expect("create");
    let again = s.create_app(&first).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

async fn an_unknown_app_is_absent_and_cannot_be_changed(s: TestStore) {
    let nobody = AppId::generate();
    assert_eq!(s.get_app(&nobody).await.expect("get"), None);
    let patch = AppPatch {
        name: Some("x".into()),
        ..AppPatch::default()
    };
    assert_eq!(s.update_app(&nobody, &patch).await.expect("update"), None);
    assert!(!s.rotate_secret(&nobody, "h", at(0)).await.expect("rotate"));
}

async fn a_patch_changes_only_its_fields_and_is_seen_at_once(s: TestStore) {
    let before = app(0);
    s.create_app(&before).await.expect("create");
    // Read once, so a stale cached copy would show.
    s.get_app(&before.appid).await.expect("get");
    let pages =
        PublishedPages::parse(&["pages/a/a".to_owned(), "pages/b/b".to_owned()]).expect("pages");
    let patch = AppPatch {
        pages: Some(pages.clone()),
        daily_link_quota: Some(7),
        status: Some(AppStatus::Banned),
        ..AppPatch::default()
    };
    let after = s.update_app(&before.appid, &patch).await.expect("update");
    let expected = dyopen_core::app::App {
        pages,
        daily_link_quota: 7,
        status: AppStatus::Banned,
        ..before.clone()
    };
    assert_eq!(after.as_ref(), Some(&expected));
    assert_eq!(s.get_app(&before.appid).await.expect("get"), Some(expected));
}

async fn provider_grants_are_idempotent_listed_and_revoked_once(s: TestStore) {
    let owner = new_app(&s).await;
    let (first, second) = (AppId::generate(), AppId::generate());
    assert!(!s.is_provider(&owner, &first).await.expect("is"));
    s.grant_provider(&owner, &second, at(5))
        .await
        .expect("grant");
    s.grant_provider(&owner, &first, at(1))
        .await
        .expect("grant");
    s.grant_provider(&owner, &first, at(9))
        .await
        .expect("again");
    assert!(s.is_provider(&owner, &first).await.expect("is"));
    assert!(!s.is_provider(&first, &owner).await.expect("one way"));
    assert_eq!(
        s.list_providers(&owner).await.expect("list"),
        vec![
            (first.clone(), UnixSecs::new(T0 + 1)),
            (second.clone(), UnixSecs::new(T0 + 5))
        ],
        "oldest grant first; granting again keeps the first time"
    );
    assert!(s.revoke_provider(&owner, &first).await.expect("revoke"));
    assert!(!s.revoke_provider(&owner, &first).await.expect("twice"));
    assert_eq!(
        s.list_providers(&owner).await.expect("list"),
        vec![(second, UnixSecs::new(T0 + 5))]
    );
}

async fn a_wipe_empties_the_tables_and_forgets_what_was_read(s: TestStore) {
    let appid = new_app(&s).await;
    assert!(s.get_app(&appid).await.expect("get").is_some());
    s.wipe_all().await.expect("wipe");
    assert_eq!(s.get_app(&appid).await.expect("get"), None);
    assert_eq!(s.list_apps(0, 10).await.expect("list"), (vec![], 0));
}
