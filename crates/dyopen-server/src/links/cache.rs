//! The redirect path's cache: resolved links (bounded, idle entries evicted) and negative
//! entries for unknown codes that live at most [`NEGATIVE_TTL`], so a link created on another
//! instance resolves quickly. Freshness uses real time (moka); expiry decisions use the Clock.

use crate::state::AppState;
use dyopen_core::link::{Link, LinkCode};
use dyopen_core::StoreError;
use moka::sync::Cache;
use std::sync::Arc;
use std::time::Duration;

/// Largest number of cached links.
pub const MAX_CACHED_LINKS: u64 = 1_000_000;
/// Lifetime of a negative entry.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(2);

/// A link with what the redirect and landing page need, computed once.
#[derive(Debug, Clone)]
pub struct ResolvedLink {
    /// The stored link.
    pub link: Link,
    /// The app's display name.
    pub app_name: String,
    /// `snssdk…://microapp?…`.
    pub scheme_url: String,
    /// `scheme_url` as a ready `Location` value (cloning it is a reference count).
    pub location: axum::http::HeaderValue,
    /// `{public_base_url}/{code}`.
    pub url_link: String,
}

impl ResolvedLink {
    /// Builds the cached form of `link`.
    pub fn new(link: Link, app_name: String, public_base_url: &str) -> Self {
        let scheme_url = link.scheme_url();
        Self {
            // The scheme URL is percent-encoded ASCII; a link that could not be a header value
            // would answer with an empty Location rather than fail.
            location: axum::http::HeaderValue::from_str(&scheme_url)
                .unwrap_or_else(|_| axum::http::HeaderValue::from_static("")),
            scheme_url,
            url_link: format!("{public_base_url}/{}", link.code),
            app_name,
            link,
        }
    }
}

/// Positive and negative link cache.
pub struct LinkCache {
    found: Cache<LinkCode, Arc<ResolvedLink>>,
    missing: Cache<LinkCode, ()>,
}

impl Default for LinkCache {
    fn default() -> Self {
        Self::new()
    }
}

impl LinkCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self {
            // Bounded by size only: a time-to-idle would add bookkeeping to every hit.
            found: Cache::builder().max_capacity(MAX_CACHED_LINKS).build(),
            missing: Cache::builder()
                .max_capacity(MAX_CACHED_LINKS)
                .time_to_live(NEGATIVE_TTL)
                .build(),
        }
    }

    /// Caches a link this instance just generated.
    pub fn put(&self, link: Arc<ResolvedLink>) {
        self.missing.invalidate(&link.link.code);
        self.found.insert(link.link.code.clone(), link);
    }

    /// The link of `code`: from memory when warm, else from the store (then cached either way).
    pub async fn resolve(
        &self,
        state: &AppState,
        code: &LinkCode,
    ) -> Result<Option<Arc<ResolvedLink>>, StoreError> {
        if let Some(hit) = self.found.get(code) {
            return Ok(Some(hit));
        }
        if self.missing.contains_key(code) {
            return Ok(None);
        }
        let Some(link) = state.store.get_link(code).await? else {
            self.missing.insert(code.clone(), ());
            return Ok(None);
        };
        let app_name = state
            .store
            .get_app(&link.appid)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let resolved = Arc::new(ResolvedLink::new(link, app_name, &state.public_base_url));
        self.found.insert(code.clone(), resolved.clone());
        Ok(Some(resolved))
    }

    /// Forgets everything (emulator reset).
    pub fn clear(&self) {
        self.found.invalidate_all();
        self.missing.invalidate_all();
    }
}
