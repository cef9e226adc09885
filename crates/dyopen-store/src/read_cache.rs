//! A short-lived in-memory cache of the two reads every open-API request makes (token by hash,
//! app by appid), so the hot paths do not query the database each time.
//!
//! Writes through this store invalidate the affected entries at once; changes made by another
//! instance are seen after at most [`READ_CACHE_TTL`] (docs/decisions/0004).

use dyopen_core::app::{App, AppId};
use dyopen_core::token::{TokenKind, TokenRecord};
use moka::sync::Cache;
use std::time::Duration;

/// How long a cached token or app may be served without asking the database.
pub const READ_CACHE_TTL: Duration = Duration::from_secs(1);
const CAPACITY: u64 = 100_000;

/// Tokens by hash and apps by appid.
pub(crate) struct ReadCache {
    tokens: Cache<String, TokenRecord>,
    apps: Cache<String, App>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ReadCache({} tokens, {} apps)",
            self.tokens.entry_count(),
            self.apps.entry_count()
        )
    }
}

impl ReadCache {
    pub(crate) fn new() -> Self {
        Self {
            tokens: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(READ_CACHE_TTL)
                .support_invalidation_closures()
                .build(),
            apps: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(READ_CACHE_TTL)
                .build(),
        }
    }
    pub(crate) fn token(&self, hash: &str) -> Option<TokenRecord> {
        self.tokens.get(hash)
    }
    pub(crate) fn put_token(&self, hash: &str, record: &TokenRecord) {
        self.tokens.insert(hash.to_owned(), record.clone());
    }
    pub(crate) fn app(&self, appid: &AppId) -> Option<App> {
        self.apps.get(appid.as_str())
    }
    pub(crate) fn put_app(&self, app: &App) {
        self.apps.insert(app.appid.as_str().to_owned(), app.clone());
    }
    /// Forgets an app (after any change to it).
    pub(crate) fn forget_app(&self, appid: &AppId) {
        self.apps.invalidate(appid.as_str());
    }
    /// Forgets the app's tokens of `kind` (every kind when `None`), whose expiry just changed.
    pub(crate) fn forget_tokens(&self, appid: &AppId, kind: Option<TokenKind>) {
        let appid = appid.clone();
        // Only fails when closures are not enabled on the builder, which they are.
        let _ = self.tokens.invalidate_entries_if(move |_, r| {
            r.appid == appid && kind.is_none_or(|k| r.kind == k)
        });
    }
    /// Forgets everything (emulator reset).
    pub(crate) fn clear(&self) {
        self.tokens.invalidate_all();
        self.apps.invalidate_all();
    }
}
