//! Console sessions.

use super::StoreError;
use crate::clock::Timestamp;
use crate::session::ConsoleSession;
use async_trait::async_trait;

/// Storage of console sessions (whether one is live is [`ConsoleSession::is_live`]'s to say).
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new session, and deletes every session no longer live at `now` (so the table
    /// holds at most the sessions of the last 12 hours).
    async fn session_open(
        &self,
        session: &ConsoleSession,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The session with this id hash, live or not.
    async fn session_get(&self, id_hash: &str) -> Result<Option<ConsoleSession>, StoreError>;
    /// Deletes the session (logout); deleting one that is gone is not an error.
    async fn session_close(&self, id_hash: &str) -> Result<(), StoreError>;
}
