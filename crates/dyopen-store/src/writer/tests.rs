//! The synchronous writer connection's transactions.

use crate::{Error, SqlStore};
use dyopen_core::StoreError;

/// A store with a `scratch` table of numbers.
async fn store() -> (SqlStore, tempfile::TempDir) {
    let (store, dir) = crate::sqlite::temp_store().await;
    sqlx::query("CREATE TABLE scratch (n BIGINT PRIMARY KEY)")
        .execute(&mut *store.writer.conn().await.expect("writer"))
        .await
        .expect("create");
    (store, dir)
}

async fn rows(store: &SqlStore) -> Vec<i64> {
    sqlx::query_scalar("SELECT n FROM scratch ORDER BY n")
        .fetch_all(&store.read)
        .await
        .expect("read")
}

fn insert(tx: &rusqlite::Transaction<'_>, n: i64) -> Result<(), Error> {
    tx.execute("INSERT INTO scratch (n) VALUES (?1)", [n])?;
    Ok(())
}

#[tokio::test]
async fn a_synchronous_transaction_commits_or_rolls_back_whole() {
    let (store, _dir) = store().await;
    store
        .writer
        .sqlite_tx(|tx| insert(tx, 1).and_then(|()| insert(tx, 2)))
        .await
        .expect("commits");
    let failed: Result<(), Error> = store
        .writer
        .sqlite_tx(|tx| {
            insert(tx, 3)?;
            Err(Error::Other("the rule said no".into()))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(rows(&store).await, [1, 2], "the failed one left nothing");
    store.close().await;
}

/// A sqlx transaction cut short holds SQLite's write lock until someone rolls it back: the
/// synchronous connection's `BEGIN IMMEDIATE` would wait out the busy timeout behind it.
#[tokio::test]
async fn a_cut_sqlx_transaction_is_rolled_back_before_a_synchronous_one() {
    let (store, _dir) = store().await;
    let mut cut = store.writer.begin().await.expect("begin");
    sqlx::query("INSERT INTO scratch (n) VALUES (7)")
        .execute(&mut *cut)
        .await
        .expect("insert");
    drop(cut);
    // Without the rollback: SQLITE_BUSY after the busy timeout.
    store
        .writer
        .sqlite_tx(|tx| insert(tx, 8))
        .await
        .expect("commits");
    assert_eq!(rows(&store).await, [8]);
    store.close().await;
}

#[tokio::test]
async fn a_constraint_violation_is_a_conflict() {
    let (store, _dir) = store().await;
    store
        .writer
        .sqlite_tx(|tx| insert(tx, 1))
        .await
        .expect("commits");
    let again: Result<(), Error> = store.writer.sqlite_tx(|tx| insert(tx, 1)).await;
    let e = StoreError::from(again.expect_err("duplicate key"));
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    // The connection is still good.
    store
        .writer
        .sqlite_tx(|tx| insert(tx, 2))
        .await
        .expect("commits");
    assert_eq!(rows(&store).await, [1, 2]);
    store.close().await;
}
