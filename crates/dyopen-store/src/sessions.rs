//! Console sessions: one row per login, expired rows deleted at each login.

use crate::{backend_err, SqlStore};
use async_trait::async_trait;
use dyopen_core::clock::Timestamp;
use dyopen_core::session::ConsoleSession;
use dyopen_core::store::SessionStore;
use dyopen_core::StoreError;
use sqlx::Row;

#[async_trait]
impl SessionStore for SqlStore {
    async fn session_open(
        &self,
        session: &ConsoleSession,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        // Not live at `now` (ConsoleSession::is_live): expires_at <= now.
        sqlx::query("DELETE FROM console_sessions WHERE expires_at <= $1")
            .bind(now.secs())
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query(
            "INSERT INTO console_sessions (id_hash, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&session.id_hash)
        .bind(&session.csrf)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)
    }

    async fn session_get(&self, id_hash: &str) -> Result<Option<ConsoleSession>, StoreError> {
        let row = sqlx::query(
            "SELECT id_hash, csrf, created_at, expires_at FROM console_sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.read)
        .await
        .map_err(backend_err)?;
        row.map(|r| {
            Ok(ConsoleSession {
                id_hash: r.try_get("id_hash")?,
                csrf: r.try_get("csrf")?,
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
        .map_err(backend_err)
    }

    async fn session_close(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM console_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.write)
            .await
            .map_err(backend_err)?;
        Ok(())
    }
}
