//! Console sessions: one row per login, expired rows deleted at each login.

use crate::{Error, SqlStore};
use async_trait::async_trait;
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::session::ConsoleSession;
use dyopen_core::store::SessionStore;
use dyopen_core::StoreError;

/// A `console_sessions` row.
#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    csrf: String,
    created_at: i64,
    expires_at: i64,
}

impl From<SessionRow> for ConsoleSession {
    fn from(r: SessionRow) -> Self {
        ConsoleSession {
            id_hash: r.id_hash,
            csrf: r.csrf,
            created_at: UnixSecs::new(r.created_at),
            expires_at: UnixSecs::new(r.expires_at),
        }
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn session_open(
        &self,
        session: &ConsoleSession,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        Ok(session_open(self, session, now).await?)
    }

    async fn session_get(&self, id_hash: &str) -> Result<Option<ConsoleSession>, StoreError> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT id_hash, csrf, created_at, expires_at FROM console_sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.read)
        .await
        .map_err(Error::from)?;
        Ok(row.map(ConsoleSession::from))
    }

    async fn session_close(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM console_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&mut *self.writer.conn().await?)
            .await
            .map_err(Error::from)?;
        Ok(())
    }
}

async fn session_open(
    store: &SqlStore,
    session: &ConsoleSession,
    now: Timestamp,
) -> Result<(), Error> {
    let mut tx = store.begin().await?;
    // Not live at `now` (ConsoleSession::is_live): expires_at <= now.
    sqlx::query("DELETE FROM console_sessions WHERE expires_at <= $1")
        .bind(now.secs())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO console_sessions (id_hash, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&session.id_hash)
    .bind(&session.csrf)
    .bind(session.created_at.get())
    .bind(session.expires_at.get())
    .execute(&mut *tx)
    .await?;
    Ok(tx.commit().await?)
}
