//! Retry safety of link batches and the visit flush, on SQLite and (with `DYOPEN_TEST_PG_URL`)
//! PostgreSQL. A commit whose outcome is really unknown is made over HTTP by the server tests
//! (`commit_cut.rs`, a TCP proxy that drops COMMIT's answer); here: the receipt that decides.

use super::writer::{settle, write_batch, write_batch_coded, Attempt, Outcome};
use super::*;
use crate::{Backend, SqlStore, StoreOptions};
use dyopen_core::app::{App, AppStatus, PublishedPages};
use dyopen_core::store::AppStore;

struct Db {
    store: SqlStore,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Db {
    async fn close(self) {
        self.store.close().await;
        if let Some((base, schema)) = &self.pg {
            let _ = crate::testing::drop_pg_schema(base, schema).await;
        }
    }
}

/// SQLite always; PostgreSQL when `DYOPEN_TEST_PG_URL` is set.
async fn backends() -> Vec<Db> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut out = vec![Db {
        store: SqlStore::connect(&StoreOptions::new(url))
            .await
            .expect("sqlite"),
        _dir: Some(dir),
        pg: None,
    }];
    match std::env::var("DYOPEN_TEST_PG_URL") {
        Ok(base) => {
            let (url, schema) = crate::testing::create_pg_schema(&base)
                .await
                .expect("schema");
            out.push(Db {
                store: SqlStore::connect(&StoreOptions::new(url))
                    .await
                    .expect("pg"),
                _dir: None,
                pg: Some((base, schema)),
            });
        }
        Err(_) if std::env::var("DYOPEN_REQUIRE_PG").as_deref() == Ok("1") => {
            panic!("DYOPEN_REQUIRE_PG=1 but DYOPEN_TEST_PG_URL is not set")
        }
        Err(_) => {
            // Straight to stderr: the harness captures print macros, and a skip must show.
            let _ = std::io::Write::write_fmt(
                &mut std::io::stderr(),
                format_args!("skipped: DYOPEN_TEST_PG_URL is not set, PostgreSQL case not run\n"),
            );
        }
    }
    out
}

async fn app(store: &SqlStore) -> AppId {
    let appid = AppId::generate();
    store
        .create_app(&App {
            appid: appid.clone(),
            name: "shop".into(),
            secret_hash: "x".into(),
            pages: PublishedPages::parse(&["pages/index/index".to_owned()]).expect("pages"),
            qps_limit: 100,
            daily_link_quota: 500_000,
            status: AppStatus::Active,
            created_at: UnixSecs::new(0),
        })
        .await
        .expect("app");
    appid
}

fn new_link(appid: &AppId) -> NewLink {
    NewLink {
        appid: appid.clone(),
        host: dyopen_core::link::Host::Douyin,
        path: "pages/index/index".into(),
        query: "{}".into(),
        created_at: UnixSecs::new(0),
        expires_at: UnixSecs::new(3_600),
    }
}

async fn count(store: &SqlStore, appid: &AppId) -> (u64, i64) {
    let (_, total) = store.list_links(appid, 0, 1).await.expect("list");
    (total, store.links_used_on(appid, 0).await.expect("used"))
}

#[tokio::test]
async fn a_committed_batch_run_again_under_its_receipt_writes_nothing_more() {
    for db in backends().await {
        let appid = app(&db.store).await;
        let links: Vec<NewLink> = (0..3).map(|_| new_link(&appid)).collect();
        let jobs: Vec<(&NewLink, i64, i64)> = links.iter().map(|l| (l, 0, 500_000)).collect();
        let receipt = receipts::new_id();
        let Outcome::Committed(first) = write_batch(&db.store.writer, &jobs, &receipt).await else {
            panic!("first run commits")
        };
        assert!(first.iter().all(Result::is_ok));
        assert_eq!(count(&db.store, &appid).await, (3, 3));
        // The same batch again (as a retry after an unknown COMMIT outcome would run it).
        let again = write_batch(&db.store.writer, &jobs, &receipt).await;
        assert!(matches!(again, Outcome::Unknown(_)), "{again:?}");
        assert_eq!(
            count(&db.store, &appid).await,
            (3, 3),
            "no second link, no second count"
        );
        db.close().await;
    }
}

#[tokio::test]
async fn a_link_whose_code_clashes_is_stored_under_a_fresh_code() {
    for db in backends().await {
        let appid = app(&db.store).await;
        let links: Vec<NewLink> = (0..2).map(|_| new_link(&appid)).collect();
        let jobs: Vec<(&NewLink, i64, i64)> = links.iter().map(|l| (l, 0, 500_000)).collect();
        let taken = LinkCode::generate();
        let Outcome::Committed(first) =
            write_batch_coded(&db.store.writer, &jobs[..1], &[taken], &receipts::new_id()).await
        else {
            panic!("first batch commits")
        };
        assert_eq!(first[0].as_ref().expect("stored").code, taken);
        // The second batch's first link is offered the same code.
        let fresh = LinkCode::generate();
        let Outcome::Committed(second) = write_batch_coded(
            &db.store.writer,
            &jobs,
            &[taken, fresh],
            &receipts::new_id(),
        )
        .await
        else {
            panic!("second batch commits")
        };
        let moved = second[0].as_ref().expect("stored").code;
        assert_ne!(moved, taken, "a clash gets another code");
        assert_eq!(second[1].as_ref().expect("stored").code, fresh);
        for code in [taken, moved, fresh] {
            assert!(
                db.store.get_link(&code).await.expect("get").is_some(),
                "{code:?}"
            );
        }
        assert_eq!(count(&db.store, &appid).await, (3, 3));
        db.close().await;
    }
}

#[test]
fn a_retry_that_finds_the_receipt_answers_with_the_attempt_in_doubt() {
    let link = |c: &str| {
        Ok(Link {
            code: LinkCode::parse(c).expect("code"),
            appid: AppId::parse("tt0123456789abcdef").expect("appid"),
            host: dyopen_core::link::Host::Douyin,
            path: String::new(),
            query: "{}".into(),
            created_at: UnixSecs::new(0),
            expires_at: UnixSecs::new(1),
            visits: 0,
        })
    };
    let fail = |past_receipt, in_doubt| Attempt::Failed {
        past_receipt,
        in_doubt,
        error: crate::Error::Other("cut".into()),
    };
    // COMMIT's answer lost, then the retry finds the receipt: the first attempt's links.
    let out = settle(vec![
        fail(true, Some(vec![link("AAAAAAA")])),
        Attempt::AlreadyCommitted,
    ]);
    assert!(
        matches!(&out, Outcome::Committed(r) if r[0].as_ref().is_ok_and(|l| l.code.as_str() == "AAAAAAA")),
        "{out:?}"
    );
    // COMMIT's answer lost, then a retry wrote its own receipt: the first did not commit, and
    // the retry's links are the answer.
    let out = settle(vec![
        fail(true, Some(vec![link("AAAAAAA")])),
        Attempt::Committed(vec![link("BBBBBBB")]),
    ]);
    assert!(
        matches!(&out, Outcome::Committed(r) if r[0].as_ref().is_ok_and(|l| l.code.as_str() == "BBBBBBB"))
    );
    // COMMIT's answer lost and the database never came back: unknown (no split into singles).
    let out = settle(vec![
        fail(true, Some(vec![link("AAAAAAA")])),
        fail(false, None),
        fail(false, None),
    ]);
    assert!(matches!(out, Outcome::Unknown(_)));
    // A retry got past the receipt and then failed before COMMIT: certainly nothing written.
    let out = settle(vec![
        fail(true, Some(vec![link("AAAAAAA")])),
        fail(true, None),
        fail(false, None),
    ]);
    assert!(matches!(out, Outcome::NotCommitted(_)));
}

#[tokio::test]
async fn a_visit_flush_counts_exactly_once_per_id_across_many_codes() {
    for db in backends().await {
        let appid = app(&db.store).await;
        let n = visits::CODES_PER_STATEMENT + 300;
        let links: Vec<NewLink> = (0..n).map(|_| new_link(&appid)).collect();
        let jobs: Vec<(&NewLink, i64, i64)> = links.iter().map(|l| (l, 0, 500_000)).collect();
        let Outcome::Committed(made) =
            write_batch(&db.store.writer, &jobs, &receipts::new_id()).await
        else {
            panic!("links made")
        };
        let codes: Vec<LinkCode> = made.into_iter().map(|l| l.expect("link").code).collect();
        let visit = |code: LinkCode, visits: i64| VisitCount {
            code,
            day: 20_000,
            visits,
        };
        let visits: Vec<VisitCount> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| visit(*c, i64::try_from(i % 7).unwrap_or(0) + 1))
            .chain([visit(LinkCode::parse("zzzzzzz").expect("code"), 5)])
            .collect();
        let expected: i64 = visits[..n].iter().map(|v| v.visits).sum();
        let id = receipts::new_id();
        db.store.add_link_visits(&id, &visits).await.expect("flush");
        db.store
            .add_link_visits(&id, &visits)
            .await
            .expect("same flush again");
        let total = |store: &SqlStore| {
            let appid = appid.clone();
            let store = store.clone();
            async move {
                let (all, _) = store.list_links(&appid, 0, 100_000).await.expect("list");
                all.iter().map(|l| l.visits).sum::<i64>()
            }
        };
        assert_eq!(total(&db.store).await, 0, "recorded, not yet settled");
        assert_eq!(db.store.settle_link_visits().await.expect("settle"), 1);
        assert_eq!(total(&db.store).await, expected, "once per flush id");
        db.store
            .add_link_visits(&id, &visits)
            .await
            .expect("the same flush after settling");
        db.store
            .add_link_visits(&receipts::new_id(), &visits[..2])
            .await
            .expect("another flush");
        assert_eq!(db.store.settle_link_visits().await.expect("settle"), 1);
        assert_eq!(db.store.settle_link_visits().await.expect("settle"), 0);
        assert_eq!(
            total(&db.store).await,
            expected + visits[0].visits + visits[1].visits
        );
        let days = db
            .store
            .visits_by_day(&appid, None, 20_000, 20_000)
            .await
            .expect("buckets");
        assert_eq!(
            days,
            vec![(20_000, expected + visits[0].visits + visits[1].visits)],
            "the buckets hold what the totals hold"
        );
        db.close().await;
    }
}

/// A write cancelled at any point (a client that hung up) leaves no transaction behind: the next
/// writes begin and commit. On PostgreSQL sqlx can hand back a connection still inside the
/// transaction when `begin` is cancelled between the statement and its check, and the pool's
/// release hook closes such a connection; SQLite's held writer connection is marked open before
/// its `BEGIN IMMEDIATE`, and the next user rolls back first (`crate::writer`).
#[tokio::test]
async fn writes_cancelled_anywhere_leave_no_transaction_open() {
    use std::time::Duration;
    for db in backends().await {
        let mut completed = 0;
        // Gives up after `us` microseconds (tokio's timers round up to milliseconds).
        async fn after_micros(us: u64) {
            let until = std::time::Instant::now() + Duration::from_micros(us);
            while std::time::Instant::now() < until {
                tokio::task::yield_now().await;
            }
        }
        for i in 0..400u64 {
            // Cancel after 0–199 µs, so that some cuts land inside the `BEGIN`.
            let attempt = tokio::select! {
                biased;
                tx = db.store.begin() => Some(tx),
                () = after_micros(i % 200) => None,
            };
            if let Some(tx) = attempt {
                tx.expect("begin");
                completed += 1;
            }
        }
        for _ in 0..3 {
            let tx = tokio::time::timeout(Duration::from_secs(10), db.store.begin())
                .await
                .expect("a write begins within the busy timeout")
                .expect("and is not refused as nested");
            tx.commit().await.expect("commit");
        }
        assert!(
            completed < 400,
            "some attempts were cut short ({:?})",
            db.store.backend
        );
        db.close().await;
    }
}

/// Migration 0009 (decision 0016) on a database written by the migrations before it: totals,
/// buckets and a flush row not yet settled all read the same afterwards.
#[tokio::test]
async fn visit_totals_read_the_same_across_the_bucket_migration() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (url, pg) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
                None,
            ),
            Backend::Postgres => match std::env::var("DYOPEN_TEST_PG_URL") {
                Ok(base) => {
                    let (url, schema) = crate::testing::create_pg_schema(&base)
                        .await
                        .expect("schema");
                    (url, Some((base, schema)))
                }
                // `backends()` in the other tests says it is skipped (or fails when required).
                Err(_) => continue,
            },
        };
        // The migrations up to 0008, from this crate's own files, on their own.
        let sub = if pg.is_some() { "postgres" } else { "sqlite" };
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(sub);
        let before = dir.path().join("before");
        std::fs::create_dir(&before).expect("dir");
        for entry in std::fs::read_dir(&source).expect("migrations") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if name.as_str() < "0009" {
                std::fs::copy(&path, before.join(&name)).expect("copy");
            }
        }
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("pool");
        let old = sqlx::migrate::Migrator::new(before.as_path())
            .await
            .expect("migrator");
        old.run(&pool).await.expect("migrations to 0008");
        // Under 0008, links.visits held every settled visit, buckets included.
        for sql in [
            "INSERT INTO apps (appid, name, secret_hash, pages, qps_limit, daily_link_quota, status, created_at) \
             VALUES ('tt0000000000000001', 'shop', 'x', '[\"pages/index/index\"]', 100, 500000, 'active', 0)",
            "INSERT INTO links (code, appid, host, path, query, created_at, expires_at, visits) VALUES \
             ('aaaaaaa', 'tt0000000000000001', 'douyin', 'pages/index/index', '{}', 0, 9999999999, 10), \
             ('bbbbbbb', 'tt0000000000000001', 'douyin', 'pages/index/index', '{}', 0, 9999999999, 2)",
            "INSERT INTO link_visit_days (code, day, appid, visits) VALUES \
             ('aaaaaaa', 5, 'tt0000000000000001', 3), ('aaaaaaa', 6, 'tt0000000000000001', 4)",
            "INSERT INTO visit_deltas (id, newest_day, payload) VALUES \
             ('f1', 6, '[[\"aaaaaaa\",6,5],[\"bbbbbbb\",7,1]]')",
        ] {
            sqlx::query(sql).execute(&pool).await.expect(sql);
        }
        pool.close().await;

        let store = SqlStore::connect(&StoreOptions::new(url))
            .await
            .expect("migrated store");
        let db = Db {
            store,
            _dir: Some(dir),
            pg,
        };
        let appid = AppId::parse("tt0000000000000001").expect("appid");
        let visits_of = |code: &str| {
            let store = db.store.clone();
            let code = LinkCode::parse(code).expect("code");
            async move {
                store
                    .get_link(&code)
                    .await
                    .expect("get")
                    .expect("link")
                    .visits
            }
        };
        assert_eq!(
            visits_of("aaaaaaa").await,
            10,
            "{backend:?}: before settling"
        );
        assert_eq!(visits_of("bbbbbbb").await, 2, "{backend:?}");
        assert_eq!(db.store.settle_link_visits().await.expect("settle"), 1);
        assert_eq!(
            visits_of("aaaaaaa").await,
            15,
            "{backend:?}: the flush row added"
        );
        assert_eq!(visits_of("bbbbbbb").await, 3, "{backend:?}");
        let a = LinkCode::parse("aaaaaaa").expect("code");
        let days = db.store.visits_by_day(&appid, Some(&a), 0, 100).await;
        assert_eq!(days.expect("days"), vec![(5, 3), (6, 9)], "{backend:?}");
        let (listed, _) = db.store.list_links(&appid, 0, 10).await.expect("list");
        assert_eq!(
            listed.iter().map(|l| l.visits).sum::<i64>(),
            18,
            "{backend:?}"
        );
        db.close().await;
    }
}
