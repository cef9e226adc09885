//! City bindings: added, moved, deleted under the 7-day throttle of their target, with the
//! change history pruned once it throttles nothing.

use crate::helpers::{at, new_app, TestStore, T0};
use dyopen_core::app::AppId;
use dyopen_core::clock::UnixSecs;
use dyopen_core::region::{AddBinding, CityError, DeleteBinding, ModifyBinding, CHANGE_WINDOW};
use dyopen_core::store::{AppStore, RegionStore};
use dyopen_core::StoreError;

const CHANGE_WINDOW_SECS: i64 = CHANGE_WINDOW.get();

backend_tests!(
    an_added_binding_is_listed_with_its_times,
    a_modify_keeps_the_data_id_and_starts_the_throttle,
    a_delete_removes_the_binding_and_throttles_its_target,
    the_rules_refuse_inside_the_store_transaction,
    a_binding_of_an_unknown_app_is_a_conflict,
    history_is_pruned_once_it_throttles_nothing,
);

fn add(path: &str, region: &str) -> AddBinding {
    AddBinding::parse(Some(2), Some(region), Some(path)).expect("add")
}

fn modify(path: &str, from: &str, to: &str) -> ModifyBinding {
    ModifyBinding::parse(Some(from), Some(to), Some(path)).expect("modify")
}

fn delete(path: &str, region: &str) -> DeleteBinding {
    DeleteBinding::parse(Some(region), Some(path)).expect("delete")
}

async fn an_added_binding_is_listed_with_its_times(s: TestStore) {
    let appid = new_app(&s).await;
    let b = s
        .region_add(&appid, &add("p/a", "440300"), at(5))
        .await
        .expect("add");
    assert_eq!((b.path.as_str(), b.region_id.as_str()), ("p/a", "440300"));
    assert_eq!((b.created_at.get(), b.modified_at.get()), (T0 + 5, T0 + 5));
    let state = s.region_state(&appid).await.expect("state");
    assert_eq!(state.bindings, vec![b]);
    assert!(state.changes.is_empty(), "an add is no change of a target");
    let other = new_app(&s).await;
    assert!(s
        .region_state(&other)
        .await
        .expect("state")
        .bindings
        .is_empty());
}

async fn a_modify_keeps_the_data_id_and_starts_the_throttle(s: TestStore) {
    let appid = new_app(&s).await;
    let b = s
        .region_add(&appid, &add("p/a", "440300"), at(0))
        .await
        .expect("add");
    s.region_modify(&appid, &modify("p/a", "440300", "130400"), at(1))
        .await
        .expect("modify");
    let state = s.region_state(&appid).await.expect("state");
    assert_eq!(state.bindings.len(), 1);
    let moved = &state.bindings[0];
    assert_eq!(
        (moved.data_id, moved.region_id.as_str()),
        (b.data_id, "130400")
    );
    assert_eq!(moved.modified_at.get(), T0 + 1);
    assert_eq!(
        state.next_change_at("p/a").map(UnixSecs::get),
        Some(T0 + 1 + CHANGE_WINDOW_SECS)
    );
    let again = s
        .region_modify(
            &appid,
            &modify("p/a", "130400", "440300"),
            at(CHANGE_WINDOW_SECS),
        )
        .await;
    assert!(
        matches!(again, Err(CityError::TooFrequent { next_change_at }) if next_change_at.get() == T0 + 1 + CHANGE_WINDOW_SECS),
        "{again:?}"
    );
    s.region_modify(
        &appid,
        &modify("p/a", "130400", "440300"),
        at(1 + CHANGE_WINDOW_SECS),
    )
    .await
    .expect("the window has passed");
}

async fn a_delete_removes_the_binding_and_throttles_its_target(s: TestStore) {
    let appid = new_app(&s).await;
    s.region_add(&appid, &add("p/a", "440300"), at(0))
        .await
        .expect("add");
    s.region_delete(&appid, &delete("p/a", "440300"), at(3))
        .await
        .expect("delete");
    let state = s.region_state(&appid).await.expect("state");
    assert!(state.bindings.is_empty());
    assert!(
        state.changes.is_empty(),
        "only bound targets' changes are listed"
    );
    s.region_add(&appid, &add("p/a", "440300"), at(4))
        .await
        .expect("add again");
    let state = s.region_state(&appid).await.expect("state");
    assert_eq!(
        state.next_change_at("p/a").map(UnixSecs::get),
        Some(T0 + 3 + CHANGE_WINDOW_SECS)
    );
    let refused = s
        .region_delete(&appid, &delete("p/a", "440300"), at(5))
        .await;
    assert!(
        matches!(refused, Err(CityError::TooFrequent { .. })),
        "{refused:?}"
    );
    assert_eq!(
        s.region_state(&appid).await.expect("state").bindings.len(),
        1
    );
}

async fn the_rules_refuse_inside_the_store_transaction(s: TestStore) {
    let appid = new_app(&s).await;
    s.region_add(&appid, &add("p/a", "440300"), at(0))
        .await
        .expect("add");
    let twice = s.region_add(&appid, &add("p/a", "130400"), at(1)).await;
    assert!(
        matches!(twice, Err(CityError::PathAlreadyBound)),
        "{twice:?}"
    );
    let nothing = s
        .region_delete(&appid, &delete("p/b", "440300"), at(1))
        .await;
    assert!(
        matches!(nothing, Err(CityError::NothingToDelete)),
        "{nothing:?}"
    );
    let state = s.region_state(&appid).await.expect("state");
    assert_eq!(state.bindings.len(), 1, "a refused write changes nothing");
}

async fn a_binding_of_an_unknown_app_is_a_conflict(s: TestStore) {
    let refused = s
        .region_add(&AppId::generate(), &add("p/a", "440300"), at(0))
        .await;
    assert!(
        matches!(refused, Err(CityError::Storage(StoreError::Conflict(_)))),
        "{refused:?}"
    );
}

async fn history_is_pruned_once_it_throttles_nothing(s: TestStore) {
    let appid = new_app(&s).await;
    for (i, path) in ["p/a", "p/b"].iter().enumerate() {
        let t = at(i as i64 * 10);
        s.region_add(&appid, &add(path, "440300"), t)
            .await
            .expect("add");
        s.region_delete(&appid, &delete(path, "440300"), t)
            .await
            .expect("delete");
    }
    let changes = || s.count_app_rows("region_changes", appid.as_str());
    assert_eq!(changes().await.expect("count"), 2);
    // At exactly the window's end the first change throttles nothing: the next write prunes it.
    s.region_add(&appid, &add("p/c", "440300"), at(CHANGE_WINDOW_SECS))
        .await
        .expect("add");
    assert_eq!(changes().await.expect("count"), 1);
    s.region_add(&appid, &add("p/d", "440300"), at(10 + CHANGE_WINDOW_SECS))
        .await
        .expect("add");
    assert_eq!(changes().await.expect("count"), 0);
    assert!(s.get_app(&appid).await.expect("get").is_some());
}
