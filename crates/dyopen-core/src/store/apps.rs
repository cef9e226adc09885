//! Apps, their tokens and their service-provider grants.

use super::StoreError;
use crate::app::{App, AppId, AppPatch};
use crate::clock::{Timestamp, UnixSecs};
use crate::token::{NewToken, TokenRecord};
use async_trait::async_trait;

/// Storage of apps, tokens and provider grants.
#[async_trait]
pub trait AppStore: Send + Sync {
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Deletes every row of every table (the emulator's reset); the schema stays.
    async fn wipe_all(&self) -> Result<(), StoreError>;
    /// Inserts an app (its appid is new; a clash is [`StoreError::Conflict`]).
    async fn create_app(&self, app: &App) -> Result<(), StoreError>;
    /// The app, if it exists.
    async fn get_app(&self, appid: &AppId) -> Result<Option<App>, StoreError>;
    /// A page of apps, oldest first, and the total.
    async fn list_apps(&self, offset: u64, limit: u64) -> Result<(Vec<App>, u64), StoreError>;
    /// Applies a patch; `None` if the app does not exist.
    async fn update_app(&self, appid: &AppId, patch: &AppPatch) -> Result<Option<App>, StoreError>;
    /// Replaces the secret hash and revokes every live token of the app; false if no such app.
    async fn rotate_secret(
        &self,
        appid: &AppId,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Stores a token; the previous live token of the same kind keeps at most
    /// [`NewToken::previous_token_deadline`], older ones are revoked.
    async fn issue_token(&self, token: &NewToken) -> Result<(), StoreError>;
    /// The token with this hash.
    async fn find_token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Lets `provider` act for `appid`; idempotent.
    async fn grant_provider(
        &self,
        appid: &AppId,
        provider: &AppId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Withdraws a grant; false if there was none.
    async fn revoke_provider(&self, appid: &AppId, provider: &AppId) -> Result<bool, StoreError>;
    /// Whether `provider` may act for `appid`.
    async fn is_provider(&self, appid: &AppId, provider: &AppId) -> Result<bool, StoreError>;
    /// The grants `appid` has given: (provider, granted at).
    async fn list_providers(&self, appid: &AppId) -> Result<Vec<(AppId, UnixSecs)>, StoreError>;
}
