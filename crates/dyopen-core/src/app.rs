//! Apps (mini-programs): appid, secret, name, published pages, quotas and status.

use crate::clock::UnixSecs;
use rand::Rng;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use subtle::ConstantTimeEq;
use thiserror::Error;

/// Default URL links per Shanghai day.
pub const DEFAULT_DAILY_LINK_QUOTA: i64 = 500_000;
/// Default URL-link generations per second.
pub const DEFAULT_QPS_LIMIT: i64 = 100;
/// Longest page path.
pub const MAX_PATH_LEN: usize = 256;
/// Most published pages of an app (SPEC §8; dyopen's bound, the platform publishes none).
pub const MAX_PUBLISHED_PAGES: usize = 1_000;
/// Longest app name, in characters after trimming (dyopen's bound).
pub const MAX_APP_NAME_CHARS: usize = 64;

/// Why an app attribute was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppError {
    /// Not `tt` + 16 lowercase hex.
    #[error("appid must be tt followed by 16 lowercase hex digits")]
    BadAppId,
    /// Empty or longer than [`MAX_APP_NAME_CHARS`].
    #[error("name must be 1 to {} characters", MAX_APP_NAME_CHARS)]
    BadName,
    /// More than [`MAX_PUBLISHED_PAGES`] pages.
    #[error("an app has at most {max} published pages ({0} given)", max = MAX_PUBLISHED_PAGES)]
    TooManyPages(usize),
    /// A page path is not valid.
    #[error("page path {0:?} is invalid: 1-256 characters of [A-Za-z0-9_./-], no leading '/', no '?', no '..'")]
    BadPage(String),
    /// The same page twice.
    #[error("page path {0:?} is listed twice")]
    DuplicatePage(String),
    /// A quota below 1.
    #[error("{0} must be a positive integer")]
    BadQuota(&'static str),
    /// Not `active`/`banned`.
    #[error("status must be active or banned")]
    BadStatus,
}

/// `tt` + 16 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(String);

impl AppId {
    /// Parses an appid.
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let ok = s.len() == 18
            && s.starts_with("tt")
            && s[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(AppError::BadAppId)
        }
    }
    /// A fresh random appid.
    pub fn generate() -> Self {
        let bytes: [u8; 8] = rand::thread_rng().gen();
        Self(format!("tt{}", hex::encode(bytes)))
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AppId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An app secret in clear text (32 hex), only ever held while it is shown once.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecret(String);

impl std::fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppSecret(***)")
    }
}

impl AppSecret {
    /// A fresh random secret.
    pub fn generate() -> Self {
        let bytes: [u8; 16] = rand::thread_rng().gen();
        Self(hex::encode(bytes))
    }
    /// The secret of a fixture app that gives none: the first 32 hex digits of
    /// SHA-256(`"dyopen fixture secret:" + appid`), so the same appid always gets the same secret
    /// (documented in docs/emulator.md; for emulator fixtures only, since anyone can compute it).
    pub fn derived_for_fixture(appid: &AppId) -> Self {
        let digest = Sha256::digest(format!("dyopen fixture secret:{appid}").as_bytes());
        Self(hex::encode(&digest[..16]))
    }
    /// Wraps a secret presented by a client.
    pub fn presented(s: &str) -> Self {
        Self(s.to_owned())
    }
    /// The clear text.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The stored form: hex SHA-256.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
    /// Whether this secret matches a stored hash, compared in constant time.
    pub fn matches(&self, stored_hash: &str) -> bool {
        self.hash().as_bytes().ct_eq(stored_hash.as_bytes()).into()
    }
}

/// A page path: 1–256 characters of `[A-Za-z0-9_./-]`, no leading `/`, no `?`, no `..` segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PagePath(String);

impl PagePath {
    /// Parses a page path.
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let ok = !s.is_empty()
            && s.len() <= MAX_PATH_LEN
            && !s.starts_with('/')
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
            && !s.split('/').any(|seg| seg == "..");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(AppError::BadPage(s.to_owned()))
        }
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The published pages of an app, in order (the first is the home page), without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishedPages(Vec<PagePath>);

impl PublishedPages {
    /// Parses a list of at most [`MAX_PUBLISHED_PAGES`] distinct page paths, in linear time.
    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, AppError> {
        if raw.len() > MAX_PUBLISHED_PAGES {
            return Err(AppError::TooManyPages(raw.len()));
        }
        Self::parse_any_count(raw)
    }
    /// Parses pages as stored: every path valid and distinct, but no count limit, so an app
    /// stored before the limit existed still loads (its next change of pages must obey it).
    pub fn parse_stored<S: AsRef<str>>(raw: &[S]) -> Result<Self, AppError> {
        Self::parse_any_count(raw)
    }
    fn parse_any_count<S: AsRef<str>>(raw: &[S]) -> Result<Self, AppError> {
        let mut seen: HashSet<&str> = HashSet::with_capacity(raw.len());
        let mut out: Vec<PagePath> = Vec::with_capacity(raw.len());
        for s in raw {
            let p = PagePath::parse(s.as_ref())?;
            if !seen.insert(s.as_ref()) {
                return Err(AppError::DuplicatePage(p.0));
            }
            out.push(p);
        }
        Ok(Self(out))
    }
    /// The home page, if any page is published.
    pub fn home(&self) -> Option<&PagePath> {
        self.0.first()
    }
    /// Whether `path` is published.
    pub fn contains(&self, path: &str) -> bool {
        self.0.iter().any(|p| p.as_str() == path)
    }
    /// The paths as strings.
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|p| p.0.clone()).collect()
    }
}

/// A display name: 1–[`MAX_APP_NAME_CHARS`] characters after trimming.
pub fn parse_name(s: &str) -> Result<String, AppError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_APP_NAME_CHARS {
        return Err(AppError::BadName);
    }
    Ok(t.to_owned())
}

/// A positive quota or limit.
pub fn parse_quota(field: &'static str, v: i64) -> Result<i64, AppError> {
    if v >= 1 {
        Ok(v)
    } else {
        Err(AppError::BadQuota(field))
    }
}

/// Whether an app may generate links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppStatus {
    /// Normal.
    Active,
    /// Generation blocked (existing links keep working).
    Banned,
}

impl AppStatus {
    /// Parses `active`/`banned`.
    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s {
            "active" => Ok(Self::Active),
            "banned" => Ok(Self::Banned),
            _ => Err(AppError::BadStatus),
        }
    }
    /// The text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Banned => "banned",
        }
    }
}

/// A stored app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// Its id.
    pub appid: AppId,
    /// Display name.
    pub name: String,
    /// Hex SHA-256 of the secret.
    pub secret_hash: String,
    /// Published pages.
    pub pages: PublishedPages,
    /// URL-link qps.
    pub qps_limit: i64,
    /// URL links per day.
    pub daily_link_quota: i64,
    /// Active or banned.
    pub status: AppStatus,
    /// Creation.
    pub created_at: UnixSecs,
}

/// A new app's own fields, parsed once with their defaults, whoever asks for the app (the admin
/// API's create, an emulator fixture).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApp {
    /// Display name.
    pub name: String,
    /// Published pages.
    pub pages: PublishedPages,
    /// URL-link qps ([`DEFAULT_QPS_LIMIT`] when not given).
    pub qps_limit: i64,
    /// URL links per day ([`DEFAULT_DAILY_LINK_QUOTA`] when not given).
    pub daily_link_quota: i64,
    /// Active unless given.
    pub status: AppStatus,
}

impl NewApp {
    /// Parses the fields of a new app; absent quotas and status take their defaults.
    pub fn parse<S: AsRef<str>>(
        name: &str,
        pages: &[S],
        qps_limit: Option<i64>,
        daily_link_quota: Option<i64>,
        status: Option<&str>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            name: parse_name(name)?,
            pages: PublishedPages::parse(pages)?,
            qps_limit: parse_quota("qps_limit", qps_limit.unwrap_or(DEFAULT_QPS_LIMIT))?,
            daily_link_quota: parse_quota(
                "daily_link_quota",
                daily_link_quota.unwrap_or(DEFAULT_DAILY_LINK_QUOTA),
            )?,
            status: status.map_or(Ok(AppStatus::Active), AppStatus::parse)?,
        })
    }

    /// The app, under `appid` with the secret of `secret_hash`, created at `created_at`.
    pub fn into_app(self, appid: AppId, secret_hash: String, created_at: UnixSecs) -> App {
        App {
            appid,
            name: self.name,
            secret_hash,
            pages: self.pages,
            qps_limit: self.qps_limit,
            daily_link_quota: self.daily_link_quota,
            status: self.status,
            created_at,
        }
    }
}

/// A validated change to an app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppPatch {
    /// New name.
    pub name: Option<String>,
    /// New pages.
    pub pages: Option<PublishedPages>,
    /// New qps limit.
    pub qps_limit: Option<i64>,
    /// New daily quota.
    pub daily_link_quota: Option<i64>,
    /// New status.
    pub status: Option<AppStatus>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_new_app_takes_the_defaults_and_refuses_what_an_update_refuses() {
        let app = NewApp::parse("shop", &["pages/index/index"], None, None, None).unwrap();
        assert_eq!(
            (app.qps_limit, app.daily_link_quota, app.status),
            (
                DEFAULT_QPS_LIMIT,
                DEFAULT_DAILY_LINK_QUOTA,
                AppStatus::Active
            )
        );
        let given = NewApp::parse("shop", &["a"], Some(5), Some(7), Some("banned")).unwrap();
        assert_eq!(
            (given.qps_limit, given.daily_link_quota, given.status),
            (5, 7, AppStatus::Banned)
        );
        assert_eq!(
            NewApp::parse(" ", &["a"], None, None, None),
            Err(AppError::BadName)
        );
        assert_eq!(
            NewApp::parse("shop", &["a"], Some(0), None, None),
            Err(AppError::BadQuota("qps_limit"))
        );
        assert_eq!(
            NewApp::parse("shop", &["a"], None, Some(-1), None),
            Err(AppError::BadQuota("daily_link_quota"))
        );
        assert!(NewApp::parse("shop", &["a"], None, None, Some("frozen")).is_err());
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn appid_rejects_wrong_prefix_length_and_case() {
        for bad in [
            "",
            "tt",
            "xx0123456789abcdef",
            "tt0123456789ABCDEF",
            "tt0123456789abcde",
            "tt0123456789abcdef0",
        ] {
            assert_eq!(AppId::parse(bad), Err(AppError::BadAppId), "{bad}");
        }
        assert!(AppId::parse("ttf31985a46c214faf").is_ok());
    }

    #[test]
    fn page_path_rejects_leading_slash_query_dotdot_and_length() {
        for bad in [
            "",
            "/pages/a",
            "pages/a?x=1",
            "pages/../a",
            "..",
            "a b",
            &"a".repeat(257),
        ] {
            assert!(PagePath::parse(bad).is_err(), "{bad}");
        }
        for good in ["pages/index/index", "a", "a..b/c", &"a".repeat(256)] {
            assert!(PagePath::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn published_pages_reject_duplicates() {
        assert_eq!(
            PublishedPages::parse(&["a", "a"]),
            Err(AppError::DuplicatePage("a".into()))
        );
    }

    #[test]
    fn published_pages_stop_at_one_thousand() {
        let pages = |n: usize| (0..n).map(|i| format!("pages/p{i}")).collect::<Vec<_>>();
        let ok = PublishedPages::parse(&pages(MAX_PUBLISHED_PAGES)).unwrap();
        assert!(ok.contains("pages/p999"));
        assert_eq!(ok.home().map(PagePath::as_str), Some("pages/p0"));
        assert_eq!(
            PublishedPages::parse(&pages(MAX_PUBLISHED_PAGES + 1)),
            Err(AppError::TooManyPages(MAX_PUBLISHED_PAGES + 1))
        );
        // Stored lists load whatever their length.
        assert!(PublishedPages::parse_stored(&pages(MAX_PUBLISHED_PAGES + 1)).is_ok());
    }

    #[test]
    fn names_are_trimmed_and_at_most_sixty_four_characters() {
        assert_eq!(parse_name("  店  "), Ok("店".to_owned()));
        assert!(parse_name(&"名".repeat(MAX_APP_NAME_CHARS)).is_ok());
        assert_eq!(
            parse_name(&"名".repeat(MAX_APP_NAME_CHARS + 1)),
            Err(AppError::BadName)
        );
        assert_eq!(parse_name("   "), Err(AppError::BadName));
    }

    #[test]
    fn fixture_secrets_are_derived_from_the_appid() {
        let a = AppId::parse("tt0123456789abcdef").unwrap();
        let b = AppId::parse("tt0123456789abcdee").unwrap();
        let s = AppSecret::derived_for_fixture(&a);
        assert_eq!(s, AppSecret::derived_for_fixture(&a));
        assert_ne!(s, AppSecret::derived_for_fixture(&b));
        assert_eq!(s.expose().len(), 32);
        assert!(s.expose().bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn secret_matches_only_its_hash() {
        let s = AppSecret::generate();
        assert_eq!(s.expose().len(), 32);
        assert!(s.matches(&s.hash()));
        assert!(!AppSecret::presented("nope").matches(&s.hash()));
    }

    proptest! {
        #[test]
        fn generated_appids_parse(_i in 0..50u8) {
            let id = AppId::generate();
            prop_assert_eq!(AppId::parse(id.as_str()), Ok(id));
        }

        #[test]
        fn published_pages_keep_order_and_reject_exactly_the_repeats(
            raw in proptest::collection::vec("[a-c]{1,2}", 0..40)
        ) {
            let distinct = raw.iter().collect::<HashSet<_>>().len() == raw.len();
            match PublishedPages::parse(&raw) {
                Ok(p) => {
                    prop_assert!(distinct);
                    prop_assert_eq!(p.to_strings(), raw);
                }
                Err(e) => {
                    prop_assert!(!distinct);
                    prop_assert!(matches!(e, AppError::DuplicatePage(_)));
                }
            }
        }

        #[test]
        fn page_path_round_trips_or_rejects(s in "[A-Za-z0-9_./?-]{0,300}") {
            if let Ok(p) = PagePath::parse(&s) {
                prop_assert_eq!(PagePath::parse(p.as_str()), Ok(p.clone()));
                prop_assert!(!p.as_str().contains('?'));
            }
        }
    }
}
