//! The redirect path's cache of resolved links: a `quick_cache` (sharded, S3-FIFO, reads take a
//! shard's read lock) bounded by bytes (`--link-cache-bytes`) with a weigher that counts each
//! entry's real footprint ([`entry_weight`]). An entry keeps only what a redirect needs: the
//! expiry, the host, the app (shared by all its links) and the encoded start page; the
//! `Location` is assembled per request ([`CachedLink::location`]). Negative entries (unknown
//! codes) live [`NEGATIVE_TTL`], so a link created on another instance resolves quickly; a
//! link's entry is swept once its link has expired (real time, for memory); whether a link is
//! live is decided on every request with the Clock, so a moved emulator clock is always obeyed.

use crate::metrics::Metrics;
use axum::http::HeaderValue;
use dyopen_core::clock::{Clock, UnixSecs};
use dyopen_core::link::{path_of_encoded_start_page, write_scheme_url, Host, Link, LinkCode};
use dyopen_core::{Store, StoreError};
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Lifetime of a negative entry (an unknown code), so repeated requests for it reach the
/// database at most this often and a link made on another instance resolves this soon.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(2);
/// Longest real-time lifetime of an entry: a link lives at most 180 days, plus the hour its
/// expiry is rounded up by. A cap only matters when the emulator clock was moved far back.
pub const MAX_ENTRY_TTL: Duration = Duration::from_secs(180 * 86_400 + 3_600);
/// How often entries of expired links are swept out.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// What the redirect and the landing page need of a link, held in the cache's own slot (an
/// entry is a plain value, copied out on a hit): a hit reads no memory outside the cache's
/// table, and a short start page needs no allocation at all. 128 bytes in all with the
/// cache's bookkeeping, a 10-byte query included.
#[derive(Debug, Clone)]
pub struct CachedLink {
    /// Effective expiry, Clock time: live while `now < expires_at`.
    pub expires_at: UnixSecs,
    /// When the entry may be swept, in seconds since the cache was made (real time).
    sweep_after: u32,
    host: Host,
    /// The appid's 18 ASCII bytes.
    appid: [u8; APPID_LEN],
    /// The page with its query, percent-encoded: the scheme URL's `start_page`.
    start_page: StartPage,
}

/// Bytes of an appid (`tt` and 16 hex digits, `AppId::parse`).
const APPID_LEN: usize = 18;
/// Longest start page kept inside the entry (`pages%2Findex%2Findex%3Fid%3D1` is 30 bytes);
/// longer ones are shared from the heap.
const INLINE_START_PAGE: usize = 46;

/// An encoded start page: inline when short, else one shared allocation (cloning it on a hit
/// copies a pointer).
#[derive(Debug, Clone)]
enum StartPage {
    Inline {
        len: u8,
        bytes: [u8; INLINE_START_PAGE],
    },
    Shared(Arc<str>),
}

impl StartPage {
    fn new(page: &str) -> Self {
        match u8::try_from(page.len()) {
            Ok(len) if page.len() <= INLINE_START_PAGE => {
                let mut bytes = [0; INLINE_START_PAGE];
                bytes[..page.len()].copy_from_slice(page.as_bytes());
                Self::Inline { len, bytes }
            }
            _ => Self::Shared(page.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Made from a `&str`, so always UTF-8.
            Self::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Self::Shared(page) => page,
        }
    }

    /// Bytes held on the heap: a shared page's `Arc` block.
    fn heap_bytes(&self) -> usize {
        match self {
            Self::Inline { .. } => 0,
            Self::Shared(page) => malloc_size(2 * std::mem::size_of::<usize>() + page.len()),
        }
    }
}

impl CachedLink {
    fn appid(&self) -> &str {
        // Copied from an `AppId`, so always ASCII.
        std::str::from_utf8(&self.appid).unwrap_or_default()
    }

    /// The scheme URL as text.
    pub fn scheme_url(&self) -> String {
        let mut url = String::new();
        write_scheme_url(&mut url, self.host, self.appid(), self.start_page.as_str());
        url
    }

    /// The scheme URL as a `Location` value, assembled for this answer (one allocation: cheaper
    /// in memory than keeping a ready value per cached link, and the cache holds a million).
    pub fn location(&self) -> HeaderValue {
        // The scheme URL is percent-encoded ASCII; a link that could not be a header value
        // would answer with an empty Location rather than fail.
        HeaderValue::from_maybe_shared(bytes::Bytes::from(self.scheme_url()))
            .unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The page.
    pub fn path(&self) -> String {
        path_of_encoded_start_page(self.start_page.as_str())
    }
}

/// A cache entry: a link, or a code known to be unknown until the given instant.
#[derive(Debug, Clone)]
enum Entry {
    Found(CachedLink),
    Missing { until_ms: u64 },
}

/// What glibc's malloc takes for an `n`-byte request: an 8-byte header, rounded up to 16 bytes,
/// at least 32 bytes.
fn malloc_size(n: usize) -> usize {
    ((n + 8 + 15) & !15).max(32)
}

/// quick_cache's own memory per entry besides the value, measured (`docs/links.md`, "Cache"):
/// the rest of the shard's slab slot (key, hash, links), the index table's share at its load
/// factor, and the slab's spare capacity.
pub const CACHE_SLOT_OVERHEAD: usize = 48;

/// The weight of one cache entry in bytes: its slot (the value inside it included) plus a
/// shared start page's heap bytes.
fn entry_weight(entry: &Entry) -> u64 {
    let heap = match entry {
        Entry::Found(link) => link.start_page.heap_bytes(),
        Entry::Missing { .. } => 0,
    };
    (CACHE_SLOT_OVERHEAD + std::mem::size_of::<Entry>() + heap) as u64
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<LinkCode, Entry> for ByBytes {
    fn weight(&self, _code: &LinkCode, entry: &Entry) -> u64 {
        entry_weight(entry)
    }
}

/// Resolved links and negative entries in one byte-bounded cache.
pub struct LinkCache {
    entries: Cache<LinkCode, Entry, ByBytes>,
    /// The names of the apps of cached links (the landing page's title), by appid.
    apps: Mutex<HashMap<[u8; APPID_LEN], Arc<str>>>,
    /// The origin of the entries' real-time deadlines.
    epoch: Instant,
    clock: Arc<dyn Clock>,
}

impl LinkCache {
    /// An empty cache of at most `max_bytes`, its entries' lifetimes measured against `clock`.
    pub fn new(max_bytes: u64, clock: Arc<dyn Clock>) -> Self {
        // The estimate only sizes the index tables up front.
        let estimated = usize::try_from(max_bytes / 256)
            .unwrap_or(usize::MAX)
            .max(64);
        Self {
            entries: Cache::with_weighter(estimated, max_bytes.max(1), ByBytes),
            apps: Mutex::new(HashMap::new()),
            epoch: Instant::now(),
            clock,
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Notes the name of app `appid` (replacing an older one after a rename).
    fn note_app(&self, appid: [u8; APPID_LEN], name: &str) {
        let mut apps = self.apps.lock().unwrap_or_else(|p| p.into_inner());
        if apps.get(&appid).is_none_or(|known| &**known != name) {
            apps.insert(appid, name.into());
        }
    }

    /// The name of `link`'s app, as it was when one of its links was last cached.
    pub fn app_name(&self, link: &CachedLink) -> Arc<str> {
        let apps = self.apps.lock().unwrap_or_else(|p| p.into_inner());
        apps.get(&link.appid).cloned().unwrap_or_else(|| "".into())
    }

    /// The cached form of `link` of the app named `app_name`, to be swept once it has expired.
    fn cached(&self, link: &Link, app_name: &str) -> CachedLink {
        let left_ms = link
            .expires_at
            .to_timestamp()
            .millis()
            .saturating_sub(self.clock.now().millis());
        let ttl = Duration::from_millis(u64::try_from(left_ms).unwrap_or(0))
            .clamp(NEGATIVE_TTL, MAX_ENTRY_TTL);
        let sweep_after = (self.epoch.elapsed() + ttl).as_secs();
        let mut appid = [0; APPID_LEN];
        let given = link.appid.as_str().as_bytes();
        let n = given.len().min(APPID_LEN);
        appid[..n].copy_from_slice(&given[..n]);
        self.note_app(appid, app_name);
        CachedLink {
            expires_at: link.expires_at,
            sweep_after: u32::try_from(sweep_after).unwrap_or(u32::MAX),
            host: link.host,
            appid,
            start_page: StartPage::new(&link.encoded_start_page()),
        }
    }

    /// Caches a link this instance just generated.
    pub fn put(&self, link: &Link, app_name: &str) {
        let entry = Entry::Found(self.cached(link, app_name));
        self.entries.insert(link.code, entry);
    }

    /// The cached link of `code`, if the cache holds it (no store, no metrics: the redirect's
    /// fast path, which leaves everything else to [`LinkCache::resolve`]).
    pub fn peek(&self, code: &LinkCode) -> Option<CachedLink> {
        match self.entries.get(code) {
            Some(Entry::Found(link)) => Some(link),
            _ => None,
        }
    }

    /// The link of `code`: from memory when warm, else from `store` (then cached either way);
    /// hits and misses are counted in `metrics`.
    pub async fn resolve(
        &self,
        store: &dyn Store,
        metrics: &Metrics,
        code: &LinkCode,
    ) -> Result<Option<CachedLink>, StoreError> {
        let hit = match self.entries.get(code) {
            Some(Entry::Found(link)) => Some(Some(link)),
            Some(Entry::Missing { until_ms }) if self.now_ms() < until_ms => Some(None),
            _ => None,
        };
        if let Some(hit) = hit {
            metrics.link_cache_hits.increment(1);
            return Ok(hit);
        }
        metrics.link_cache_misses.increment(1);
        let Some(link) = store.get_link(code).await? else {
            let until_ms = self
                .now_ms()
                .saturating_add(NEGATIVE_TTL.as_millis() as u64);
            self.entries.insert(*code, Entry::Missing { until_ms });
            return Ok(None);
        };
        let app_name = store
            .get_app(&link.appid)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let cached = self.cached(&link, &app_name);
        self.entries.insert(*code, Entry::Found(cached.clone()));
        Ok(Some(cached))
    }

    /// Removes the entries of links that have expired (by real time) and stale negative ones.
    pub fn sweep(&self) {
        let (now_ms, now_secs) = (self.now_ms(), self.epoch.elapsed().as_secs());
        self.entries.retain(|_, entry| match entry {
            Entry::Found(link) => u64::from(link.sweep_after) > now_secs,
            Entry::Missing { until_ms } => *until_ms > now_ms,
        });
    }

    /// Sweeps every [`SWEEP_EVERY`] until dropped (a task of the server's runtime).
    pub async fn run_sweeper(&self) {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            self.sweep();
        }
    }

    /// Forgets everything (emulator reset).
    pub fn clear(&self) {
        self.entries.clear();
        self.apps.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Bytes the entries weigh now (tests and metrics).
    pub fn weighted_bytes(&self) -> u64 {
        self.entries.weight()
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyopen_core::app::AppId;
    use dyopen_core::clock::{ManualClock, Timestamp};

    fn link(query: &str, expires_at: i64) -> Link {
        Link {
            code: LinkCode::generate(),
            appid: AppId::parse("tt0123456789abcdef").expect("appid"),
            host: Host::Douyin,
            path: "pages/index/index".into(),
            query: query.into(),
            created_at: UnixSecs::new(0),
            expires_at: UnixSecs::new(expires_at),
            visits: 0,
        }
    }

    fn cache(budget: u64, now: i64) -> (LinkCache, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::frozen_at(Timestamp::from_secs(now)));
        (LinkCache::new(budget, clock.clone()), clock)
    }

    #[test]
    fn an_entry_keeps_what_the_redirect_and_landing_page_need() {
        let (c, _) = cache(1 << 20, 0);
        let l = link(r#"{"id":"7"}"#, 100);
        let cached = c.cached(&l, "Shop");
        assert_eq!(&*c.app_name(&cached), "Shop");
        assert_eq!(cached.path(), "pages/index/index");
        assert_eq!(cached.scheme_url(), l.scheme_url());
        assert_eq!(cached.location(), l.scheme_url().as_str());
        assert!(matches!(cached.start_page, StartPage::Inline { .. }));
        c.cached(&link("{}", 1), "Shop, renamed");
        assert_eq!(&*c.app_name(&cached), "Shop, renamed", "the newest name");
        let long = link(&format!(r#"{{"k":"{}"}}"#, "x".repeat(100)), 100);
        let cached = c.cached(&long, "Shop");
        assert!(matches!(cached.start_page, StartPage::Shared(_)));
        assert_eq!(cached.scheme_url(), long.scheme_url());
        assert_eq!(cached.path(), "pages/index/index");
    }

    #[test]
    fn the_weight_grows_with_the_query() {
        let (c, _) = cache(1 << 20, 0);
        let small = entry_weight(&Entry::Found(c.cached(&link("{}", 1), "a")));
        let q = format!(r#"{{"k":"{}"}}"#, "x".repeat(1000));
        let big = entry_weight(&Entry::Found(c.cached(&link(&q, 1), "a")));
        // docs/links.md gives these sizes.
        assert_eq!(std::mem::size_of::<Entry>(), 80);
        assert_eq!(small, 128, "{small}");
        assert!(big >= small + 1000, "{small} {big}");
        assert_eq!(entry_weight(&Entry::Missing { until_ms: 0 }), small);
    }

    #[test]
    fn entries_are_swept_once_their_link_expired_and_negative_ones_soon() {
        let (c, clock) = cache(1 << 20, 1_000);
        let fresh = link("{}", 1_000 + 3_600);
        let expired = link("{}", 900);
        c.put(&fresh, "a");
        c.put(&expired, "a");
        assert_eq!(c.cached(&fresh, "a").sweep_after, 3_600);
        assert_eq!(
            u64::from(c.cached(&expired, "a").sweep_after),
            NEGATIVE_TTL.as_secs(),
            "an expired link is kept only as long as a negative entry"
        );
        clock.set(Timestamp::from_secs(-100_000_000));
        assert_eq!(
            u64::from(c.cached(&fresh, "a").sweep_after),
            MAX_ENTRY_TTL.as_secs()
        );
        c.sweep();
        assert_eq!(c.len(), 2, "nothing is due yet");
    }

    #[test]
    fn the_cache_stays_within_its_byte_budget() {
        let budget = 256 << 10;
        let (c, _) = cache(budget, 0);
        let q = format!(r#"{{"k":"{}"}}"#, "x".repeat(1000));
        for _ in 0..2_000 {
            c.put(&link(&q, 3_600), "app");
        }
        let used = c.weighted_bytes();
        assert!(used <= budget, "{used} > {budget}");
        assert!(used > budget / 2, "the cache is used: {used}");
    }
}
