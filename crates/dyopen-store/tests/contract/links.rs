//! URL links: inserted under fresh codes within the daily quota, found, listed, searched, their
//! visits counted once per flush into totals and daily buckets, old buckets pruned.

use crate::helpers::{new_app, TestStore};
use dyopen_core::app::AppId;
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::link::{
    Host, Link, LinkCode, LinkError, LinkFilter, Liveness, NewLink, VisitCount, VISIT_DAYS_KEPT,
};
use dyopen_core::store::LinkStore;
use dyopen_core::StoreError;

backend_tests!(
    a_link_is_found_as_inserted_under_a_fresh_code,
    links_are_listed_newest_first_with_their_total,
    the_daily_quota_counts_per_app_and_day,
    concurrent_inserts_each_get_their_own_link,
    a_link_of_an_unknown_app_is_refused,
    a_visit_flush_counts_once_per_flush_id,
    visits_land_in_the_bucket_of_their_day_and_old_buckets_are_pruned,
    concurrent_settles_count_each_flush_and_each_pruned_bucket_once,
    a_link_search_filters_by_page_and_liveness_as_the_core_filter_does,
);

/// Quota large enough never to refuse.
const NO_LIMIT: i64 = 500_000;

fn new_link(appid: &AppId, path: &str, created_at: i64, expires_at: i64) -> NewLink {
    NewLink {
        appid: appid.clone(),
        host: Host::Douyin,
        path: path.into(),
        query: r#"{"a":"1"}"#.into(),
        created_at: UnixSecs::new(created_at),
        expires_at: UnixSecs::new(expires_at),
    }
}

/// Inserts a link on day 0; its code.
async fn one_link(s: &TestStore, appid: &AppId, expires_at: i64, path: &str) -> LinkCode {
    let link = new_link(appid, path, 0, expires_at);
    s.insert_link(&link, 0, NO_LIMIT)
        .await
        .expect("insert")
        .code
}

/// Adds `visits` under a fresh flush id and folds them in.
async fn flush(s: &TestStore, visits: &[VisitCount]) {
    static FLUSHES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = FLUSHES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    s.add_link_visits(&format!("flush-{n}"), visits)
        .await
        .expect("flush");
    s.settle_link_visits().await.expect("settle");
}

fn visit(code: LinkCode, day: i64, visits: i64) -> VisitCount {
    VisitCount { code, day, visits }
}

async fn a_link_is_found_as_inserted_under_a_fresh_code(s: TestStore) {
    let appid = new_app(&s).await;
    let link = new_link(&appid, "pages/a", 10, 3_610);
    let stored = s.insert_link(&link, 0, NO_LIMIT).await.expect("insert");
    let expected = Link {
        code: stored.code,
        appid: appid.clone(),
        host: Host::Douyin,
        path: "pages/a".into(),
        query: link.query.clone(),
        created_at: UnixSecs::new(10),
        expires_at: UnixSecs::new(3_610),
        visits: 0,
    };
    assert_eq!(stored, expected);
    assert_eq!(s.get_link(&stored.code).await.expect("get"), Some(expected));
    let other = s.insert_link(&link, 0, NO_LIMIT).await.expect("insert");
    assert_ne!(other.code, stored.code);
}

async fn links_are_listed_newest_first_with_their_total(s: TestStore) {
    let (appid, other) = (new_app(&s).await, new_app(&s).await);
    for created_at in [1, 3, 2] {
        let link = new_link(&appid, "pages/a", created_at, 9_999);
        s.insert_link(&link, 0, NO_LIMIT).await.expect("insert");
    }
    one_link(&s, &other, 9_999, "pages/a").await;
    let (links, total) = s.list_links(&appid, 0, 2).await.expect("list");
    let times: Vec<i64> = links.iter().map(|l| l.created_at.get()).collect();
    assert_eq!((times, total), (vec![3, 2], 3));
    let (rest, _) = s.list_links(&appid, 2, 2).await.expect("list");
    assert_eq!(rest.len(), 1);
}

async fn the_daily_quota_counts_per_app_and_day(s: TestStore) {
    let (appid, other) = (new_app(&s).await, new_app(&s).await);
    let link = new_link(&appid, "pages/a", 0, 9_999);
    for _ in 0..2 {
        s.insert_link(&link, 7, 2).await.expect("within the quota");
    }
    let refused = s.insert_link(&link, 7, 2).await;
    assert!(
        matches!(refused, Err(LinkError::QuotaExceeded)),
        "{refused:?}"
    );
    assert_eq!(s.links_used_on(&appid, 7).await.expect("used"), 2);
    s.insert_link(&link, 8, 2).await.expect("a new day");
    let theirs = new_link(&other, "pages/a", 0, 9_999);
    s.insert_link(&theirs, 7, 2).await.expect("another app");
    assert_eq!(s.links_used_on(&appid, 8).await.expect("used"), 1);
    assert_eq!(s.links_used_on(&other, 7).await.expect("used"), 1);
    assert_eq!(s.links_used_on(&other, 6).await.expect("used"), 0);
    assert_eq!(s.list_links(&appid, 0, 10).await.expect("list").1, 3);
}

async fn concurrent_inserts_each_get_their_own_link(s: TestStore) {
    let appid = new_app(&s).await;
    let link = new_link(&appid, "pages/a", 0, 9_999);
    let store = (*s).clone();
    let calls = (0..40).map(|_| {
        let (store, link) = (store.clone(), link.clone());
        tokio::spawn(async move { store.insert_link(&link, 0, 30).await })
    });
    let mut codes = std::collections::HashSet::new();
    let mut refused = 0;
    for call in calls.collect::<Vec<_>>() {
        match call.await.expect("task") {
            Ok(made) => assert!(codes.insert(made.code), "a code answered twice"),
            Err(LinkError::QuotaExceeded) => refused += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((codes.len(), refused), (30, 10));
    assert_eq!(s.links_used_on(&appid, 0).await.expect("used"), 30);
}

async fn a_link_of_an_unknown_app_is_refused(s: TestStore) {
    let link = new_link(&AppId::generate(), "pages/a", 0, 9_999);
    let refused = s.insert_link(&link, 0, NO_LIMIT).await;
    assert!(
        matches!(refused, Err(LinkError::Storage(StoreError::Conflict(_)))),
        "{refused:?}"
    );
}

async fn a_visit_flush_counts_once_per_flush_id(s: TestStore) {
    let appid = new_app(&s).await;
    let code = one_link(&s, &appid, 9_999, "pages/a").await;
    let visits = [visit(code, 5, 3)];
    for _ in 0..2 {
        s.add_link_visits("the-same-flush", &visits)
            .await
            .expect("flush");
    }
    assert_eq!(s.settle_link_visits().await.expect("settle"), 1);
    assert_eq!(s.settle_link_visits().await.expect("settle"), 0);
    let link = s.get_link(&code).await.expect("get").expect("link");
    assert_eq!(link.visits, 3);
    assert_eq!(
        s.visits_by_day(&appid, Some(&code), 0, 10)
            .await
            .expect("days"),
        vec![(5, 3)]
    );
}

async fn visits_land_in_the_bucket_of_their_day_and_old_buckets_are_pruned(s: TestStore) {
    let appid = new_app(&s).await;
    let a = one_link(&s, &appid, 3_600, "pages/index/index").await;
    let b = one_link(&s, &appid, 3_600, "pages/index/index").await;
    flush(&s, &[visit(a, 100, 2), visit(a, 101, 3), visit(b, 101, 4)]).await;
    flush(&s, &[visit(b, 101, 1)]).await;
    let app_days = s.visits_by_day(&appid, None, 0, 1_000).await;
    assert_eq!(app_days.expect("app"), vec![(100, 2), (101, 8)]);
    let a_days = s.visits_by_day(&appid, Some(&a), 0, 1_000).await;
    assert_eq!(a_days.expect("a"), vec![(100, 2), (101, 3)]);
    let window = s.visits_by_day(&appid, None, 101, 101).await;
    assert_eq!(window.expect("window"), vec![(101, 8)]);
    // VISIT_DAYS_KEPT days on from day 101: day 100 falls out, day 101 is the oldest kept.
    flush(&s, &[visit(a, 101 + VISIT_DAYS_KEPT - 1, 1)]).await;
    let kept = s.visits_by_day(&appid, None, 0, 1_000).await;
    assert_eq!(
        kept.expect("kept"),
        vec![(101, 8), (101 + VISIT_DAYS_KEPT - 1, 1)]
    );
    let (links, _) = s.list_links(&appid, 0, 10).await.expect("list");
    let totals: i64 = links.iter().map(|l| l.visits).sum();
    assert_eq!(
        totals, 11,
        "totals keep every visit, pruned buckets included"
    );
}

/// Totals are folded history plus kept buckets (decision 0016): settling from many tasks at once
/// (on PostgreSQL, several connections, so really at once) adds each flush row once, and an old
/// bucket pruned by one of them is added to its link's history once.
async fn concurrent_settles_count_each_flush_and_each_pruned_bucket_once(s: TestStore) {
    let appid = new_app(&s).await;
    let a = one_link(&s, &appid, 3_600, "pages/index/index").await;
    let b = one_link(&s, &appid, 3_600, "pages/index/index").await;
    let new_day = 100 + VISIT_DAYS_KEPT + 5;
    for i in 0..40 {
        let visits = [visit(a, 100, 1), visit(b, 100 + i % 3, 2)];
        s.add_link_visits(&format!("f-{i:02}"), &visits)
            .await
            .expect("flush");
        if i == 10 || i == 35 {
            // Flushes of a much later day among them, one in each settling transaction's
            // rows (32 a transaction, in id order): both prune days 100..=105.
            s.add_link_visits(&format!("f-{i:02}n"), &[visit(a, new_day, 1)])
                .await
                .expect("flush");
        }
    }
    let store = (*s).clone();
    let settles: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.settle_link_visits().await })
        })
        .collect();
    let mut folded = 0;
    for settle in settles {
        folded += settle.await.expect("task").expect("settle");
    }
    assert_eq!(folded, 42, "each flush row settled once");
    let total = |code: LinkCode| {
        let s = (*s).clone();
        async move { s.get_link(&code).await.expect("get").expect("link").visits }
    };
    assert_eq!((total(a).await, total(b).await), (42, 80));
    // Buckets settled after the prune may have stayed; the next settle of the new day prunes.
    flush(&s, &[visit(a, new_day, 1)]).await;
    assert_eq!((total(a).await, total(b).await), (43, 80));
    let days = s.visits_by_day(&appid, None, 0, 10_000).await;
    assert_eq!(days.expect("days"), vec![(new_day, 3)]);
}

async fn a_link_search_filters_by_page_and_liveness_as_the_core_filter_does(s: TestStore) {
    let appid = new_app(&s).await;
    one_link(&s, &appid, 1_000, "pages/a").await;
    one_link(&s, &appid, 2_000, "pages/a").await;
    one_link(&s, &appid, 2_000, "pages/b").await;
    for path in [None, Some("pages/a"), Some("pages/b"), Some("pages/c")] {
        for liveness in [Liveness::All, Liveness::Live, Liveness::Expired] {
            let filter = LinkFilter {
                path: path.map(str::to_owned),
                liveness,
                now: Timestamp::from_secs(1_000),
            };
            let (links, total) = s
                .search_links(&appid, &filter, 0, 10)
                .await
                .expect("search");
            let (all, _) = s.list_links(&appid, 0, 10).await.expect("all");
            let want = all
                .iter()
                .filter(|l| filter.admits(&l.path, l.expires_at))
                .count();
            assert_eq!(links.len(), want, "{filter:?}");
            assert_eq!(total, want as u64, "{filter:?}");
        }
    }
}
