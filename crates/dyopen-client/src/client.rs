//! [`Client`] and [`ClientBuilder`]: base URLs, credentials, the managed token, retries and the
//! optional rate limiter. The API methods live in one module per family (`token`, `region`, …).

use crate::auth::{TokenCache, TokenKind};
use crate::error::{Error, Result};
use crate::limiter::RateLimiter;
use crate::retry::RetryPolicy;
use dyopen_wire::paths::PlatformHost;
use std::sync::Arc;
use std::time::Duration;

pub use dyopen_wire::paths::{DOUYIN_BASE_URL, TOUTIAO_BASE_URL};

/// A client of the open APIs, for dyopen or the real platform. Cheap to clone (shared inside).
///
/// ```no_run
/// # async fn run() -> dyopen_client::Result<()> {
/// use dyopen_client::{Client, RegionTarget};
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080") // dyopen serves both hosts' paths
///     .credentials("tt0123456789abcdef", "0123456789abcdef0123456789abcdef")
///     .build()?;
/// let data_id = client.region_add(&RegionTarget::Whole, "440300").await?;
/// println!("bound: {data_id}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) douyin: String,
    pub(crate) toutiao: String,
    pub(crate) credentials: Option<(String, String)>,
    /// Forces one token kind for every API (dyopen accepts both); `None`: each API gets the kind
    /// the platform expects ([`crate::family::Family::platform_token_kind`]).
    pub(crate) token_kind: Option<TokenKind>,
    pub(crate) retry: RetryPolicy,
    /// Whether a call rejected for its token fetches a new one and tries once more.
    pub(crate) token_refresh: bool,
    pub(crate) limiter: Option<RateLimiter>,
    /// The managed v2 (mini-program) token.
    pub(crate) tokens: TokenCache,
    /// The managed client token.
    pub(crate) client_tokens: TokenCache,
}

impl Inner {
    /// The cache of `kind`.
    pub(crate) fn cache(&self, kind: TokenKind) -> &TokenCache {
        match kind {
            TokenKind::V2 => &self.tokens,
            TokenKind::Client => &self.client_tokens,
        }
    }
}

/// Settings of a [`Client`]; start with [`Client::builder`].
///
/// ```
/// use dyopen_client::{Client, RetryPolicy, TokenKind};
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080")
///     .credentials("tt0123456789abcdef", "secret")
///     .token_kind(TokenKind::Client)
///     .retry(RetryPolicy::none())
///     .rate_limit(100)
///     .build()
///     .unwrap();
/// assert_eq!(client.appid(), Some("tt0123456789abcdef"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    douyin: String,
    toutiao: String,
    credentials: Option<(String, String)>,
    token_kind: Option<TokenKind>,
    retry: RetryPolicy,
    token_refresh: bool,
    qps: Option<u32>,
    timeout: Duration,
    connect_timeout: Duration,
    refresh_ahead: Duration,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            douyin: DOUYIN_BASE_URL.to_owned(),
            toutiao: TOUTIAO_BASE_URL.to_owned(),
            credentials: None,
            token_kind: None,
            retry: RetryPolicy::default(),
            token_refresh: true,
            qps: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            refresh_ahead: Duration::from_secs(300),
            http: None,
        }
    }
}

impl ClientBuilder {
    /// One base URL for every API (a dyopen server serves both hosts' paths).
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().base_url("http://127.0.0.1:8080");
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.douyin.clone_from(&url);
        self.toutiao = url;
        self
    }

    /// Base URL for the open.douyin.com APIs (default [`DOUYIN_BASE_URL`]).
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().douyin_base_url("https://open.douyin.com");
    /// ```
    pub fn douyin_base_url(mut self, url: impl Into<String>) -> Self {
        self.douyin = url.into();
        self
    }

    /// Base URL for the developer.toutiao.com APIs (default [`TOUTIAO_BASE_URL`]).
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().toutiao_base_url("https://developer.toutiao.com");
    /// ```
    pub fn toutiao_base_url(mut self, url: impl Into<String>) -> Self {
        self.toutiao = url.into();
        self
    }

    /// The app's appid and secret, used to fetch the managed token.
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().credentials("tt0123456789abcdef", "secret");
    /// ```
    pub fn credentials(mut self, appid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials = Some((appid.into(), secret.into()));
        self
    }

    /// Uses one token kind for every API. By default each API gets the kind the real platform
    /// expects (client token for the v1/v2 URL-link and task APIs, v2 token for city binding,
    /// talents and the legacy URL link); dyopen accepts either kind everywhere.
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().token_kind(dyopen_client::TokenKind::Client);
    /// ```
    pub fn token_kind(mut self, kind: TokenKind) -> Self {
        self.token_kind = Some(kind);
        self
    }

    /// Retry policy for system errors and connection failures.
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().retry(dyopen_client::RetryPolicy::none());
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether a call the platform rejects for its token (invalid, expired, revoked) fetches a
    /// new token and is sent once more (default true). `dyopen verify` turns it off, so every
    /// answer it compares is the answer to exactly the request it made.
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().token_refresh(false);
    /// ```
    pub fn token_refresh(mut self, on: bool) -> Self {
        self.token_refresh = on;
        self
    }

    /// Limit this client to `qps` requests per second (token bucket, burst `qps`).
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().rate_limit(100);
    /// ```
    pub fn rate_limit(mut self, qps: u32) -> Self {
        self.qps = Some(qps);
        self
    }

    /// Whole-request timeout (default 30 s). A timed-out non-idempotent call is never retried.
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().timeout(std::time::Duration::from_secs(5));
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry the managed token is refreshed (default 300 s).
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().refresh_ahead(std::time::Duration::from_secs(60));
    /// ```
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// Use this `reqwest::Client` (its own timeouts then apply).
    ///
    /// ```
    /// let b = dyopen_client::Client::builder().http_client(reqwest::Client::new());
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the base URLs and builds the client.
    ///
    /// ```
    /// assert!(dyopen_client::Client::builder().base_url("not a url").build().is_err());
    /// ```
    pub fn build(self) -> Result<Client> {
        let douyin = check_base(&self.douyin)?;
        let toutiao = check_base(&self.toutiao)?;
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(concat!("dyopen-client/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                douyin,
                toutiao,
                credentials: self.credentials,
                token_kind: self.token_kind,
                retry: self.retry,
                token_refresh: self.token_refresh,
                limiter: self.qps.map(RateLimiter::new),
                tokens: TokenCache::new(self.refresh_ahead),
                client_tokens: TokenCache::new(self.refresh_ahead),
            }),
        })
    }
}

fn check_base(url: &str) -> Result<String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| Error::Config(format!("base URL {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!("base URL {url:?}: not http(s)")));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

impl Client {
    /// A builder with the platform's hosts as base URLs.
    ///
    /// ```
    /// let client = dyopen_client::Client::builder().build().unwrap();
    /// assert_eq!(client.base_url_douyin(), "https://open.douyin.com");
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client of one base URL (e.g. a dyopen server) with credentials and default settings.
    ///
    /// ```
    /// let client = dyopen_client::Client::new("http://127.0.0.1:8080", "tt0123456789abcdef", "secret").unwrap();
    /// assert_eq!(client.base_url_toutiao(), "http://127.0.0.1:8080");
    /// ```
    pub fn new(base_url: &str, appid: &str, secret: &str) -> Result<Self> {
        Self::builder()
            .base_url(base_url)
            .credentials(appid, secret)
            .build()
    }

    /// The appid of the credentials, if any.
    ///
    /// ```
    /// assert_eq!(dyopen_client::Client::builder().build().unwrap().appid(), None);
    /// ```
    pub fn appid(&self) -> Option<&str> {
        self.inner.credentials.as_ref().map(|(a, _)| a.as_str())
    }

    /// The base URL of the open.douyin.com APIs.
    ///
    /// ```
    /// let c = dyopen_client::Client::builder().douyin_base_url("http://x:1/").build().unwrap();
    /// assert_eq!(c.base_url_douyin(), "http://x:1");
    /// ```
    pub fn base_url_douyin(&self) -> &str {
        &self.inner.douyin
    }

    /// The base URL of the developer.toutiao.com APIs.
    ///
    /// ```
    /// let c = dyopen_client::Client::builder().build().unwrap();
    /// assert_eq!(c.base_url_toutiao(), "https://developer.toutiao.com");
    /// ```
    pub fn base_url_toutiao(&self) -> &str {
        &self.inner.toutiao
    }

    /// The URL of `path` on the base URL of the host that serves it on the platform
    /// ([`dyopen_wire::paths::host_of`]; a path that is no open API goes to the douyin base).
    pub(crate) fn url(&self, path: &str) -> String {
        match dyopen_wire::paths::host_of(path) {
            Some(PlatformHost::Toutiao) => format!("{}{path}", self.inner.toutiao),
            Some(PlatformHost::Douyin) | None => format!("{}{path}", self.inner.douyin),
        }
    }
}
