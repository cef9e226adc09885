//! Store-level behaviour of the SPEC §8 data bounds, on both backends: task listings paged in
//! SQL (identical to core's reference filter and order), token retention, region history pruning
//! and apps with 1 000 pages.

use dyopen_core::app::{App, AppId, AppSecret, AppStatus, PublishedPages, MAX_PUBLISHED_PAGES};
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::region::{AddBinding, DeleteBinding, ModifyBinding, CHANGE_WINDOW};
use dyopen_core::store::{AppStore, RegionStore, TaskStore};
use dyopen_core::task::{
    newest_first, NewTask, PageWindow, Task, TaskDraft, TaskFilter, TaskMatch, TaskQuery, TaskType,
};
use dyopen_core::token::{hash_token, NewToken, TokenKind, DEAD_TOKENS_KEPT};
use dyopen_store::{SqlStore, StoreOptions};
use dyopen_testkit::*;

backend_tests!(
    task_pages_come_from_sql_and_equal_the_reference_selection,
    task_ids_select_by_creation_range_and_type,
    only_the_page_is_loaded_however_wide_the_other_tasks_are,
    token_retention_keeps_the_live_and_a_hundred_dead_tokens,
    region_history_is_pruned_past_the_seven_day_window,
    an_app_with_a_thousand_pages_round_trips,
);

async fn open(backend: Backend) -> Option<(TestDb, SqlStore)> {
    let db = TestDb::new(backend).await?;
    let store = SqlStore::connect(&StoreOptions::new(&db.url))
        .await
        .expect("connect");
    Some((db, store))
}

async fn new_app(store: &SqlStore, pages: &[String]) -> AppId {
    let app = App {
        appid: AppId::generate(),
        name: "store test".into(),
        secret_hash: AppSecret::generate().hash(),
        pages: PublishedPages::parse(pages).unwrap(),
        qps_limit: 100,
        daily_link_quota: 500_000,
        status: AppStatus::Active,
        created_at: UnixSecs::new(T0),
    };
    store.create_app(&app).await.unwrap();
    app.appid
}

fn new_task(name: &str, page: &str, exclusive: bool, desc: String) -> NewTask {
    let mut draft = TaskDraft {
        task_name: Some(name.into()),
        start_page: Some(page.into()),
        task_start_time: Some(T0),
        task_end_time: Some(T0 + 90 * 86_400),
        task_type: Some(if exclusive { 2 } else { 1 }),
        ..TaskDraft::default()
    };
    draft.details.task_desc = desc;
    NewTask::parse(draft, Timestamp::from_secs(T0)).unwrap()
}

/// The reference answer: core's filter and order over every task, then the window.
fn reference(tasks: &[Task], filter: &TaskFilter, window: PageWindow) -> (Vec<i64>, u64) {
    let mut hits: Vec<Task> = tasks
        .iter()
        .filter(|t| filter.matches(t))
        .cloned()
        .collect();
    newest_first(&mut hits);
    let page = hits
        .iter()
        .skip(window.offset as usize)
        .take(window.limit as usize)
        .map(|t| t.task_id)
        .collect();
    (page, hits.len() as u64)
}

async fn task_pages_come_from_sql_and_equal_the_reference_selection(backend: Backend) {
    let Some((_db, store)) = open(backend).await else {
        return;
    };
    let app = new_app(&store, &["p/a".into(), "p/b".into()]).await;
    let other = new_app(&store, &["p/a".into()]).await;
    // Names with LIKE wildcards, case variants and CJK; several tasks per second (ties on
    // created_at are broken by id).
    let names = [
        "春节推广",
        "Sale 50%",
        "sale_x",
        "SALE",
        "a%b",
        "a_b",
        "中秋",
        "春",
    ];
    let mut tasks = Vec::new();
    for i in 0..40usize {
        let now = Timestamp::from_secs(T0 + (i as i64 / 3) * 60);
        let t = new_task(
            names[i % names.len()],
            if i % 4 == 0 { "p/b" } else { "p/a" },
            i % 3 == 0,
            String::new(),
        );
        tasks.push(store.task_create(&app, &t, now).await.unwrap());
    }
    store
        .task_create(
            &other,
            &new_task("春节推广", "p/a", false, String::new()),
            Timestamp::from_secs(T0),
        )
        .await
        .unwrap();
    let mut filters = vec![TaskFilter::all()];
    for by in [
        TaskMatch::NameContains("春".into()),
        TaskMatch::NameContains("%".into()),
        TaskMatch::NameContains("_".into()),
        TaskMatch::NameContains("sale".into()),
        TaskMatch::NameContains("Sale 50%".into()),
        TaskMatch::StartPage("p/b".into()),
        TaskMatch::Id(tasks[7].task_id),
        TaskMatch::Id(tasks[7].task_id + 1),
        TaskMatch::Nothing,
    ] {
        for task_type in [None, Some(TaskType::Public), Some(TaskType::Exclusive)] {
            filters.push(TaskFilter {
                by: by.clone(),
                task_type,
                created_between: None,
            });
        }
    }
    for filter in &filters {
        for (page_no, page_size) in [(1, 50), (1, 7), (2, 7), (6, 7), (7, 7), (u64::MAX, 50)] {
            let window = PageWindow::page(page_no, page_size);
            let (page, total) = store.task_search(&app, filter, window).await.unwrap();
            let ids: Vec<i64> = page.iter().map(|t| t.task_id).collect();
            assert_eq!(
                (ids, total),
                reference(&tasks, filter, window),
                "{filter:?} {window:?}"
            );
            assert!(page.len() as u64 <= page_size);
            // The rows come back whole (details included), as task_create stored them.
            for t in &page {
                assert!(tasks.contains(t), "{t:?}");
            }
        }
    }
    // Through the query parser too: an empty name lists everything, newest first.
    let q = TaskQuery::parse(Some(1), Some(50), None, Some(2), Some("")).unwrap();
    let (page, total) = store
        .task_search(&app, &q.filter(), q.window())
        .await
        .unwrap();
    assert_eq!(total, 40);
    assert_eq!(page[0].task_id, tasks[39].task_id);
    store.close().await;
}

async fn task_ids_select_by_creation_range_and_type(backend: Backend) {
    let Some((_db, store)) = open(backend).await else {
        return;
    };
    let app = new_app(&store, &["p/a".into()]).await;
    let mut tasks = Vec::new();
    for i in 0..12i64 {
        let t = new_task("t", "p/a", i % 2 == 0, String::new());
        let now = Timestamp::from_secs(T0 + i * 86_400);
        tasks.push(store.task_create(&app, &t, now).await.unwrap());
    }
    for (from, to, task_type) in [
        (T0, T0 + 7 * 86_400, None),
        (T0 + 86_400, T0 + 86_400, None),
        (T0 + 3 * 86_400, T0 + 9 * 86_400, Some(TaskType::Exclusive)),
        (T0 - 10, T0 - 1, None),
    ] {
        let filter = TaskFilter {
            by: TaskMatch::Any,
            task_type,
            created_between: Some((UnixSecs::new(from), UnixSecs::new(to))),
        };
        let all = PageWindow {
            offset: 0,
            limit: u64::MAX,
        };
        assert_eq!(
            store.task_ids(&app, &filter).await.unwrap(),
            reference(&tasks, &filter, all).0,
            "{filter:?}"
        );
    }
    store.close().await;
}

async fn only_the_page_is_loaded_however_wide_the_other_tasks_are(backend: Backend) {
    let Some((_db, store)) = open(backend).await else {
        return;
    };
    let app = new_app(&store, &["p/a".into()]).await;
    // Sixty tasks with 512 KB descriptions, as stored before the text limits existed (the store
    // itself does not judge lengths), and one small, newest task.
    let wide = "d".repeat(512 * 1024);
    for i in 0..60i64 {
        let mut t = new_task("wide", "p/a", false, String::new());
        t.details.task_desc = wide.clone();
        store
            .task_create(&app, &t, Timestamp::from_secs(T0 + i))
            .await
            .unwrap();
    }
    let small = new_task("small", "p/a", false, "s".into());
    let small = store
        .task_create(&app, &small, Timestamp::from_secs(T0 + 100))
        .await
        .unwrap();
    let (page, total) = store
        .task_search(&app, &TaskFilter::all(), PageWindow::page(1, 1))
        .await
        .unwrap();
    assert_eq!(total, 61);
    assert_eq!(page, vec![small]);
    // A name search past the end loads nothing but still counts.
    let filter = TaskFilter {
        by: TaskMatch::NameContains("wide".into()),
        ..TaskFilter::all()
    };
    let (page, total) = store
        .task_search(&app, &filter, PageWindow::page(3, 50))
        .await
        .unwrap();
    assert_eq!((page.len(), total), (0, 60));
    store.close().await;
}

async fn issue(store: &SqlStore, app: &AppId, at: i64) -> String {
    let (token, text) = NewToken::issue(app.clone(), TokenKind::V2, Timestamp::from_secs(at));
    store.issue_token(&token).await.unwrap();
    text
}

async fn token_retention_keeps_the_live_and_a_hundred_dead_tokens(backend: Backend) {
    let Some((_db, store)) = open(backend).await else {
        return;
    };
    let app = new_app(&store, &[]).await;
    let other = new_app(&store, &[]).await;
    let other_token = issue(&store, &other, T0).await;
    // 110 tokens at one instant: the newest two are live (the previous one in its grace).
    let mut texts = Vec::new();
    for _ in 0..110 {
        texts.push(issue(&store, &app, T0).await);
    }
    let dead = DEAD_TOKENS_KEPT as usize;
    let n = texts.len();
    let now = T0;
    for (i, text) in texts.iter().enumerate() {
        let found = store.find_token(&hash_token(text)).await.unwrap();
        let rank_from_newest = n - 1 - i; // 0 = newest
        match rank_from_newest {
            0 | 1 => assert!(
                found.unwrap().expires_at.get() > now,
                "live #{rank_from_newest}"
            ),
            r if r < 2 + dead => assert!(found.unwrap().expires_at.get() <= now, "dead #{r}"),
            r => assert!(found.is_none(), "deleted #{r}"),
        }
    }
    assert_eq!(
        store.count_app_rows("tokens", app.as_str()).await.unwrap(),
        2 + DEAD_TOKENS_KEPT
    );
    // Once the previous token has expired, it is dead too: one live, still a hundred dead.
    let later = issue(&store, &app, T0 + 7_200).await;
    assert!(store
        .find_token(&hash_token(&later))
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        store.count_app_rows("tokens", app.as_str()).await.unwrap(),
        1 + DEAD_TOKENS_KEPT
    );
    // Another app's tokens are untouched, and the kinds are kept apart.
    assert!(store
        .find_token(&hash_token(&other_token))
        .await
        .unwrap()
        .is_some());
    let (client, text) = NewToken::issue(app.clone(), TokenKind::Client, Timestamp::from_secs(T0));
    store.issue_token(&client).await.unwrap();
    assert!(store
        .find_token(&hash_token(&text))
        .await
        .unwrap()
        .is_some());
    // 101 v2 tokens and the client token.
    assert_eq!(
        store.count_app_rows("tokens", app.as_str()).await.unwrap(),
        2 + DEAD_TOKENS_KEPT
    );
    // Bursts for two apps at once all succeed and stay bounded.
    let (a, b) = (store.clone(), store.clone());
    let (app2, other2) = (app.clone(), other.clone());
    let burst_a = tokio::spawn(async move {
        for _ in 0..150 {
            issue(&a, &app2, T0 + 7_200).await;
        }
    });
    let burst_b = tokio::spawn(async move {
        for _ in 0..30 {
            issue(&b, &other2, T0 + 7_200).await;
        }
    });
    burst_a.await.unwrap();
    burst_b.await.unwrap();
    // `app` also holds its one client token.
    for (id, client_tokens) in [(&app, 1), (&other, 0)] {
        let rows = store.count_app_rows("tokens", id.as_str()).await.unwrap();
        assert!(rows <= client_tokens + 2 + DEAD_TOKENS_KEPT, "{rows}");
    }
    store.close().await;
}

async fn region_history_is_pruned_past_the_seven_day_window(backend: Backend) {
    let Some((_db, store)) = open(backend).await else {
        return;
    };
    let app = new_app(&store, &[]).await;
    let at = |s: i64| Timestamp::from_secs(T0 + s);
    let add = |path: &str| AddBinding::parse(Some(2), Some("440300"), Some(path)).unwrap();
    let delete = |path: &str| DeleteBinding::parse(Some("440300"), Some(path)).unwrap();
    let count = || store.count_app_rows("region_changes", app.as_str());
    // Churn through paths: every delete records a change of its target.
    for (i, path) in ["p/a", "p/b", "p/c"].iter().enumerate() {
        let t = at(i as i64 * 10);
        store.region_add(&app, &add(path), t).await.unwrap();
        store.region_delete(&app, &delete(path), t).await.unwrap();
    }
    assert_eq!(count().await.unwrap(), 3);
    // Exactly 7 days after the first change, the next write prunes it (it throttles nothing).
    store
        .region_add(&app, &add("p/d"), at(CHANGE_WINDOW.get()))
        .await
        .unwrap();
    assert_eq!(count().await.unwrap(), 2);
    // The throttle still sees the target's own unexpired change: p/b changed at +10.
    store
        .region_add(&app, &add("p/b"), at(CHANGE_WINDOW.get()))
        .await
        .unwrap();
    let modify = ModifyBinding::parse(Some("440300"), Some("130400"), Some("p/b")).unwrap();
    assert!(matches!(
        store.region_modify(&app, &modify, at(CHANGE_WINDOW.get() + 9)).await,
        Err(dyopen_core::region::CityError::TooFrequent { next_change_at })
            if next_change_at.get() == T0 + 10 + CHANGE_WINDOW.get()
    ));
    // A failed request prunes nothing either (its transaction is rolled back).
    assert_eq!(count().await.unwrap(), 2);
    store
        .region_modify(&app, &modify, at(CHANGE_WINDOW.get() + 10))
        .await
        .unwrap();
    // p/b's old change went at the horizon and its new one is recorded; p/c's (+20) stays.
    assert_eq!(count().await.unwrap(), 2);
    store
        .region_add(&app, &add("p/e"), at(CHANGE_WINDOW.get() + 20))
        .await
        .unwrap();
    assert_eq!(count().await.unwrap(), 1);
    // The listing shows the last change of bound targets only.
    let state = store.region_state(&app).await.unwrap();
    assert_eq!(state.changes.len(), 1);
    assert_eq!(
        state.next_change_at("p/b").map(UnixSecs::get),
        Some(T0 + 2 * CHANGE_WINDOW.get() + 10)
    );
    store.close().await;
}

async fn an_app_with_a_thousand_pages_round_trips(backend: Backend) {
    let Some((_db, store)) = open(backend).await else {
        return;
    };
    let pages: Vec<String> = (0..MAX_PUBLISHED_PAGES)
        .map(|i| format!("pages/p{i}/index"))
        .collect();
    let app = new_app(&store, &pages).await;
    let stored = store.get_app(&app).await.unwrap().unwrap();
    assert_eq!(stored.pages.to_strings(), pages);
    store.close().await;
}
