//! URL links (seed 002): legacy `POST /api/apps/url_link/generate` (developer.toutiao.com) and v1
//! `POST /api/apps/v1/url_link/generate|query_info|query_quota/` (open.douyin.com).

use crate::client::Client;
use crate::error::{Error, Result};
use crate::family::Family;
use crate::transport::Call;
use dyopen_wire::dialect::{LinkLegacyEnvelope, OpenEnvelope};
use dyopen_wire::ids::FlexInt;
use dyopen_wire::link::{
    GenerateData, GenerateRequest, LegacyGenerateRequest, QueryInfoData, QueryInfoRequest,
    QueryQuotaData, QueryQuotaRequest,
};

use dyopen_wire::paths::{
    LINK_GENERATE as GENERATE, LINK_GENERATE_LEGACY as LEGACY, LINK_QUERY_INFO as QUERY_INFO,
    LINK_QUERY_QUOTA as QUERY_QUOTA,
};

/// What a new URL link opens, and until when.
///
/// ```
/// let link = dyopen_client::NewUrlLink::new("pages/index/index", 1_714_525_200)
///     .query(r#"{"from":"sms"}"#)
///     .app_name("douyinlite");
/// assert_eq!(link.app_name, "douyinlite");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUrlLink {
    /// The mini-program; default: the client's appid.
    pub app_id: Option<String>,
    /// Host app: `douyin` (default), `douyinlite` (v1 also `toutiao`, `toutiaolite`).
    pub app_name: String,
    /// A published page; `""` for the home page.
    pub path: String,
    /// A JSON object as text (`""` for `{}`), e.g. `{"id":"42"}`.
    pub query: String,
    /// Unix seconds, at most 180 days ahead; rounded up to whole hours by the platform.
    pub expire_time: i64,
}

impl NewUrlLink {
    /// A Douyin link to `path` expiring at `expire_time` (Unix seconds), without query.
    ///
    /// ```
    /// let link = dyopen_client::NewUrlLink::new("", 1_714_525_200);
    /// assert_eq!(link.app_name, "douyin");
    /// ```
    pub fn new(path: impl Into<String>, expire_time: i64) -> Self {
        Self {
            app_id: None,
            app_name: "douyin".into(),
            path: path.into(),
            query: String::new(),
            expire_time,
        }
    }

    /// Sets the query (a JSON object as text).
    ///
    /// ```
    /// let link = dyopen_client::NewUrlLink::new("", 1).query("{}");
    /// assert_eq!(link.query, "{}");
    /// ```
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// Sets the host app.
    ///
    /// ```
    /// let link = dyopen_client::NewUrlLink::new("", 1).app_name("toutiao");
    /// assert_eq!(link.app_name, "toutiao");
    /// ```
    pub fn app_name(mut self, app_name: impl Into<String>) -> Self {
        self.app_name = app_name.into();
        self
    }

    /// Sets the mini-program (a service provider acting for another app).
    ///
    /// ```
    /// let link = dyopen_client::NewUrlLink::new("", 1).app_id("tt0123456789abcdef");
    /// assert_eq!(link.app_id.as_deref(), Some("tt0123456789abcdef"));
    /// ```
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }
}

impl Client {
    fn link_app_id(&self, explicit: Option<&str>) -> Result<String> {
        explicit
            .or_else(|| self.appid())
            .map(str::to_owned)
            .ok_or_else(|| Error::Config("URL links need the appid".into()))
    }

    /// v1 `url_link/generate`: a new link (`https://z.douyin.com/…` on the platform,
    /// `{public base URL}/{code}` on dyopen).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let url = client
    ///     .url_link_generate(&dyopen_client::NewUrlLink::new("pages/index/index", 1_714_525_200))
    ///     .await?;
    /// println!("{url}");
    /// # Ok(()) }
    /// ```
    pub async fn url_link_generate(&self, link: &NewUrlLink) -> Result<String> {
        let req = GenerateRequest {
            access_token: None,
            app_id: Some(self.link_app_id(link.app_id.as_deref())?),
            app_name: Some(link.app_name.clone()),
            path: Some(link.path.clone()),
            query: Some(link.query.clone()),
            expire_time: Some(FlexInt(link.expire_time)),
        };
        let res: OpenEnvelope<GenerateData> =
            self.call(Call::new(GENERATE, Family::Open, &req)?).await?;
        Ok(res.data.url_link)
    }

    /// Legacy `url_link/generate` (developer.toutiao.com, `{err_no, err_tips, url_link}`; the
    /// token travels in the body).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let url = client
    ///     .url_link_generate_legacy(&dyopen_client::NewUrlLink::new("", 1_714_525_200))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn url_link_generate_legacy(&self, link: &NewUrlLink) -> Result<String> {
        let req = LegacyGenerateRequest {
            access_token: None,
            ma_app_id: Some(self.link_app_id(link.app_id.as_deref())?),
            app_name: Some(link.app_name.clone()),
            path: Some(link.path.clone()),
            query: Some(link.query.clone()),
            expire_time: Some(FlexInt(link.expire_time)),
        };
        let res: LinkLegacyEnvelope = self
            .call(Call::new(LEGACY, Family::LinkLegacy, &req)?)
            .await?;
        Ok(res.url_link)
    }

    /// v1 `url_link/query_info`: where a live link leads and when it expires (an expired or
    /// unknown link is a parameter error, as on the platform).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let info = client.url_link_query_info("http://127.0.0.1:8080/Ab3dE9x").await?;
    /// println!("{} until {}", info.path, info.expire_time);
    /// # Ok(()) }
    /// ```
    pub async fn url_link_query_info(&self, url_link: &str) -> Result<QueryInfoData> {
        let req = QueryInfoRequest {
            access_token: None,
            app_id: Some(self.link_app_id(None)?),
            url_link: Some(url_link.to_owned()),
        };
        let call = Call::new(QUERY_INFO, Family::Open, &req)?.idempotent();
        let res: OpenEnvelope<QueryInfoData> = self.call(call).await?;
        Ok(res.data)
    }

    /// v1 `url_link/query_quota`: links generated today (Asia/Shanghai) and the daily limit.
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// let q = client.url_link_query_quota().await?;
    /// println!("{}/{}", q.url_link_used, q.url_link_limit);
    /// # Ok(()) }
    /// ```
    pub async fn url_link_query_quota(&self) -> Result<QueryQuotaData> {
        let req = QueryQuotaRequest {
            access_token: None,
            app_id: Some(self.link_app_id(None)?),
        };
        let call = Call::new(QUERY_QUOTA, Family::Open, &req)?.idempotent();
        let res: OpenEnvelope<QueryQuotaData> = self.call(call).await?;
        Ok(res.data)
    }
}
