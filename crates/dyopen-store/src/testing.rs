//! Test support: a fresh PostgreSQL schema per test, so tests run in parallel on one database,
//! and a row count for tests of retention and pruning.

use crate::{Error, SqlStore};
use dyopen_core::StoreError;
use sqlx::Connection;

impl SqlStore {
    /// How many rows of `table` (a plain table name) belong to `appid`: lets tests see what
    /// retention and pruning left behind, which no API shows.
    pub async fn count_app_rows(&self, table: &str, appid: &str) -> Result<i64, StoreError> {
        if !table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(Error::Other(format!("not a table name: {table}")).into());
        }
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE appid = $1");
        let (n,): (i64,) = sqlx::query_as(&sql)
            .bind(appid)
            .fetch_one(&self.read)
            .await
            .map_err(Error::from)?;
        Ok(n)
    }
}

/// Creates a schema with a random name on `base_url`; returns a URL whose connections use it
/// (`options=-c search_path=…`) and the schema's name.
pub async fn create_pg_schema(base_url: &str) -> Result<(String, String), StoreError> {
    let schema = format!("t_{:016x}", rand_u64());
    run_on_pg(base_url, &format!("CREATE SCHEMA {schema}")).await?;
    let sep = if base_url.contains('?') { '&' } else { '?' };
    Ok((
        format!("{base_url}{sep}options=-c%20search_path%3D{schema}"),
        schema,
    ))
}

/// Drops a schema made by [`create_pg_schema`].
pub async fn drop_pg_schema(base_url: &str, schema: &str) -> Result<(), StoreError> {
    Ok(run_on_pg(base_url, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await?)
}

/// Runs one statement on a connection of its own.
async fn run_on_pg(base_url: &str, sql: &str) -> Result<(), Error> {
    let mut conn = sqlx::PgConnection::connect(base_url).await?;
    sqlx::query(sql).execute(&mut conn).await?;
    Ok(conn.close().await?)
}

fn rand_u64() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}
