//! The redirect path's cache of resolved links, bounded by bytes (`--link-cache-bytes`) with a
//! weigher that counts each entry's real heap footprint (see [`entry_weight`]). Negative entries
//! (unknown codes) live [`NEGATIVE_TTL`], so a link created on another instance resolves quickly;
//! a link's entry lives until the link expires (real time for memory; whether a link is live is
//! decided on every request with the Clock, so a moved emulator clock is always obeyed).

use crate::state::AppState;
use axum::http::HeaderValue;
use dyopen_core::clock::Clock;
use dyopen_core::link::{Link, LinkCode};
use dyopen_core::StoreError;
use moka::sync::Cache;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Lifetime of a negative entry, and of the entry of a link that has already expired (so
/// repeated requests for an unknown or expired code reach the database at most this often).
pub const NEGATIVE_TTL: Duration = Duration::from_secs(2);
/// Longest real-time lifetime of an entry: a link lives at most 180 days, plus the hour its
/// expiry is rounded up by. A cap only matters when the emulator clock was moved far back.
pub const MAX_ENTRY_TTL: Duration = Duration::from_secs(180 * 86_400 + 3_600);

/// What the redirect and the landing page need of a link, computed once: about 150 bytes
/// plus the percent-encoded query, instead of the whole [`Link`] with its copies.
#[derive(Debug)]
pub struct CachedLink {
    /// Effective expiry, Clock seconds: live while `now < expires_at`.
    pub expires_at: i64,
    /// The `snssdk…://microapp?…` scheme URL as a ready `Location` value (a clone is a
    /// reference count).
    pub location: HeaderValue,
    /// The app's display name followed by the page path, in one allocation.
    text: Box<str>,
    /// Where the path starts in `text`.
    name_len: usize,
}

impl CachedLink {
    /// The cached form of `link` of the app named `app_name`.
    pub fn new(link: &Link, app_name: &str) -> Self {
        // The scheme URL is percent-encoded ASCII; a link that could not be a header value
        // would answer with an empty Location rather than fail.
        let location = HeaderValue::from_str(&link.scheme_url())
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        let mut text = String::with_capacity(app_name.len() + link.path.len());
        text.push_str(app_name);
        text.push_str(&link.path);
        Self {
            expires_at: link.expires_at,
            location,
            text: text.into_boxed_str(),
            name_len: app_name.len(),
        }
    }

    /// The app's display name (as it was when the entry was made).
    pub fn app_name(&self) -> &str {
        self.text.get(..self.name_len).unwrap_or_default()
    }

    /// The page.
    pub fn path(&self) -> &str {
        self.text.get(self.name_len..).unwrap_or_default()
    }

    /// The scheme URL as text.
    pub fn scheme_url(&self) -> &str {
        self.location.to_str().unwrap_or_default()
    }

    /// Heap bytes this entry holds: the `Arc` block, the Location bytes and the shared header
    /// `bytes` allocates on their first clone, and the name-and-path text.
    fn heap_bytes(&self) -> usize {
        malloc_size(std::mem::size_of::<Self>() + 2 * std::mem::size_of::<usize>())
            + malloc_size(self.location.len())
            + BYTES_SHARED
            + malloc_size(self.text.len())
    }
}

/// What glibc's malloc takes for an `n`-byte request: an 8-byte header, rounded up to 16 bytes,
/// at least 32 bytes.
fn malloc_size(n: usize) -> usize {
    ((n + 8 + 15) & !15).max(32)
}

/// `bytes::Bytes`' shared header, made when a buffer built from a `Vec` is first cloned.
const BYTES_SHARED: usize = 32;

/// moka's own memory per entry, measured (`docs/links.md`, "Cache"): its hash-table bucket with
/// the key, the value entry and entry info (atomics and timestamps), the `Arc` of the key, the
/// access-order deque node and the timer-wheel node of per-entry expiry, and the frequency
/// sketch's share, each with malloc's rounding.
pub const MOKA_ENTRY_OVERHEAD: usize = 384;

/// The weight of one cache entry in bytes: moka's overhead plus the entry's own heap bytes.
/// `None` is a negative entry (an unknown code).
pub fn entry_weight(value: &Option<Arc<CachedLink>>) -> u32 {
    let own = value.as_deref().map_or(0, CachedLink::heap_bytes);
    u32::try_from(MOKA_ENTRY_OVERHEAD + own).unwrap_or(u32::MAX)
}

/// Per-entry lifetimes: a link's entry until the link expires by the Clock (at least
/// [`NEGATIVE_TTL`], at most [`MAX_ENTRY_TTL`]), a negative entry [`NEGATIVE_TTL`].
struct LinkExpiry {
    clock: Arc<dyn Clock>,
}

impl LinkExpiry {
    fn ttl(&self, value: &Option<Arc<CachedLink>>) -> Duration {
        let Some(link) = value else {
            return NEGATIVE_TTL;
        };
        let left_ms = link
            .expires_at
            .saturating_mul(1000)
            .saturating_sub(self.clock.now().millis());
        match u64::try_from(left_ms) {
            Ok(ms) if ms > 0 => Duration::from_millis(ms).clamp(NEGATIVE_TTL, MAX_ENTRY_TTL),
            _ => NEGATIVE_TTL,
        }
    }
}

impl moka::Expiry<LinkCode, Option<Arc<CachedLink>>> for LinkExpiry {
    fn expire_after_create(
        &self,
        _code: &LinkCode,
        value: &Option<Arc<CachedLink>>,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(self.ttl(value))
    }

    fn expire_after_update(
        &self,
        _code: &LinkCode,
        value: &Option<Arc<CachedLink>>,
        _updated_at: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(self.ttl(value))
    }
}

/// Resolved links and negative entries in one byte-bounded cache.
pub struct LinkCache {
    entries: Cache<LinkCode, Option<Arc<CachedLink>>>,
}

impl LinkCache {
    /// An empty cache of at most `max_bytes`, its entries' lifetimes measured against `clock`.
    pub fn new(max_bytes: u64, clock: Arc<dyn Clock>) -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_code, value| entry_weight(value))
                .expire_after(LinkExpiry { clock })
                .build(),
        }
    }

    /// Caches a link this instance just generated.
    pub fn put(&self, link: &Link, app_name: &str) {
        self.entries
            .insert(link.code, Some(Arc::new(CachedLink::new(link, app_name))));
    }

    /// The link of `code`: from memory when warm, else from the store (then cached either way).
    pub async fn resolve(
        &self,
        state: &AppState,
        code: &LinkCode,
    ) -> Result<Option<Arc<CachedLink>>, StoreError> {
        if let Some(hit) = self.entries.get(code) {
            return Ok(hit);
        }
        let Some(link) = state.store.get_link(code).await? else {
            self.entries.insert(*code, None);
            return Ok(None);
        };
        let app_name = state
            .store
            .get_app(&link.appid)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let cached = Arc::new(CachedLink::new(&link, &app_name));
        self.entries.insert(*code, Some(cached.clone()));
        Ok(Some(cached))
    }

    /// Forgets everything (emulator reset).
    pub fn clear(&self) {
        self.entries.invalidate_all();
    }

    /// Bytes the entries weigh now, after moka's pending maintenance (tests and metrics).
    pub fn weighted_bytes(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyopen_core::app::AppId;
    use dyopen_core::clock::{ManualClock, Timestamp};
    use dyopen_core::link::Host;

    fn link(query: &str, expires_at: i64) -> Link {
        Link {
            code: LinkCode::generate(),
            appid: AppId::parse("tt0123456789abcdef").expect("appid"),
            host: Host::Douyin,
            path: "pages/index/index".into(),
            query: query.into(),
            created_at: 0,
            expires_at,
            visits: 0,
        }
    }

    #[test]
    fn an_entry_keeps_what_the_redirect_and_landing_page_need() {
        let l = link(r#"{"id":"7"}"#, 100);
        let c = CachedLink::new(&l, "Shop");
        assert_eq!(c.app_name(), "Shop");
        assert_eq!(c.path(), "pages/index/index");
        assert_eq!(c.scheme_url(), l.scheme_url());
        assert_eq!(c.location, l.scheme_url().as_str());
    }

    #[test]
    fn the_weight_grows_with_the_query() {
        let small = entry_weight(&Some(Arc::new(CachedLink::new(&link("{}", 1), "a"))));
        let q = format!(r#"{{"k":"{}"}}"#, "x".repeat(1000));
        let big = entry_weight(&Some(Arc::new(CachedLink::new(&link(&q, 1), "a"))));
        assert!(small < 700, "{small}");
        assert!(big >= small + 1000, "{small} {big}");
        assert_eq!(entry_weight(&None), MOKA_ENTRY_OVERHEAD as u32);
    }

    #[test]
    fn entries_live_until_their_link_expires_by_the_clock() {
        let clock = Arc::new(ManualClock::frozen_at(Timestamp::from_secs(1_000)));
        let expiry = LinkExpiry {
            clock: clock.clone(),
        };
        let live = Some(Arc::new(CachedLink::new(&link("{}", 4_600), "a")));
        assert_eq!(expiry.ttl(&live), Duration::from_secs(3_600));
        assert_eq!(expiry.ttl(&None), NEGATIVE_TTL);
        clock.set(Timestamp::from_secs(5_000));
        assert_eq!(expiry.ttl(&live), NEGATIVE_TTL, "already expired");
        clock.set(Timestamp::from_secs(-100_000_000));
        assert_eq!(expiry.ttl(&live), MAX_ENTRY_TTL);
    }

    #[test]
    fn the_cache_stays_within_its_byte_budget() {
        let clock: Arc<dyn Clock> = Arc::new(ManualClock::frozen_at(Timestamp::from_secs(0)));
        let budget = 256 << 10;
        let cache = LinkCache::new(budget, clock);
        let q = format!(r#"{{"k":"{}"}}"#, "x".repeat(1000));
        for _ in 0..2_000 {
            cache.put(&link(&q, 3_600), "app");
        }
        let used = cache.weighted_bytes();
        assert!(used <= budget, "{used} > {budget}");
        assert!(used > budget / 2, "the cache is used: {used}");
    }
}
