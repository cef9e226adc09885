//! The rules of URL-link generation: request parsing, hosts, expiry, and the decision against
//! the app (status, published pages, query, expiry window).

use super::code::LinkCode;
use super::query::{percent_encode, LinkQuery, QueryProblem};
use crate::app::{App, AppId, AppStatus};
use crate::clock::{Seconds, Timestamp, UnixSecs};
use crate::store::StoreError;
use thiserror::Error;

/// Longest distance of `expire_time` from now: 180 days.
pub const MAX_EXPIRY: Seconds = Seconds::days(180);
/// Expiry is rounded up to whole hours from now.
pub const EXPIRY_STEP: Seconds = Seconds::hours(1);

/// Everything that can go wrong with a URL-link request. Display texts are the legacy dialect's
/// (`参数填写错误:<detail>` for parameter errors); [`LinkError::detail`] is the specific part.
#[derive(Debug, Error)]
pub enum LinkError {
    /// A required field is absent or empty.
    #[error("参数填写错误:{0}不能为空")]
    Missing(&'static str),
    /// `app_name` is not a host this endpoint accepts.
    #[error("参数填写错误:app_name不合法")]
    BadHost,
    /// The app is banned.
    #[error("权限被封禁")]
    Banned,
    /// `path` carries a `?`.
    #[error("参数填写错误:path不能携带query")]
    PathHasQuery,
    /// `path` is not one of the app's published pages.
    #[error("参数填写错误:path不是已发布的页面")]
    PathNotPublished,
    /// `path` is empty and the app publishes no page (no home page).
    #[error("参数填写错误:小程序没有已发布的页面")]
    NoHomePage,
    /// `query` breaks a rule.
    #[error("参数填写错误:{0}")]
    Query(#[from] QueryProblem),
    /// `expire_time` is not after now, or more than 180 days ahead.
    #[error("到期时间不在范围内")]
    ExpiryOutOfRange,
    /// More generations this second than the app's qps.
    #[error("生成URL_Link频率过快")]
    TooFast,
    /// The app's daily quota is used up.
    #[error("生成URL_Link数量超过上限")]
    QuotaExceeded,
    /// `query_info` of a link that does not exist, has expired or belongs to another app.
    #[error("参数填写错误:url_link不存在或已失效")]
    UnknownLink,
    /// The store could not insert the link after its retries.
    #[error("链接生成失败,联系开发人员")]
    GenerateFailed(StoreError),
    /// The store failed otherwise.
    #[error("内部错误")]
    Storage(#[from] StoreError),
}

impl LinkError {
    /// The specific part of a parameter error's text (after `参数填写错误:`), else the whole text.
    pub fn detail(&self) -> String {
        let text = self.to_string();
        match text.strip_prefix("参数填写错误:") {
            Some(rest) => rest.to_owned(),
            None => text,
        }
    }
}

/// The host app a link opens in (`app_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// 抖音.
    Douyin,
    /// 抖音极速版.
    DouyinLite,
    /// 今日头条.
    Toutiao,
    /// 今日头条极速版.
    ToutiaoLite,
}

/// Which generator a request came through: the two differ in the name of the app field and in
/// the hosts they accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkApi {
    /// `POST /api/apps/v1/url_link/generate/` (open.douyin.com): `app_id`, all four hosts.
    V1,
    /// `POST /api/apps/url_link/generate` (developer.toutiao.com): `ma_app_id`, Douyin hosts only.
    Legacy,
}

impl LinkApi {
    /// The request field naming the app.
    pub fn app_field(self) -> &'static str {
        match self {
            Self::V1 => "app_id",
            Self::Legacy => "ma_app_id",
        }
    }
}

impl Host {
    /// Parses `app_name`; the legacy endpoint accepts only the two Douyin hosts.
    pub fn parse(s: &str, api: LinkApi) -> Result<Self, LinkError> {
        match (s, api) {
            ("douyin", _) => Ok(Self::Douyin),
            ("douyinlite", _) => Ok(Self::DouyinLite),
            ("toutiao", LinkApi::V1) => Ok(Self::Toutiao),
            ("toutiaolite", LinkApi::V1) => Ok(Self::ToutiaoLite),
            _ => Err(LinkError::BadHost),
        }
    }
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Douyin => "douyin",
            Self::DouyinLite => "douyinlite",
            Self::Toutiao => "toutiao",
            Self::ToutiaoLite => "toutiaolite",
        }
    }
    /// The URL scheme of the host's app.
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Douyin => "snssdk1128",
            Self::DouyinLite => "snssdk2329",
            Self::Toutiao => "snssdk143",
            Self::ToutiaoLite => "snssdk35",
        }
    }
}

/// The fields of a generate request, as sent (the app under the name its API gives it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkDraft {
    /// `app_id` (v1) or `ma_app_id` (legacy).
    pub named_app: Option<String>,
    /// The host's name.
    pub app_name: Option<String>,
    /// Page path (`None` or `""` = home page).
    pub path: Option<String>,
    /// Query text (`None` or `""` = `{}`).
    pub query: Option<String>,
    /// Unix seconds.
    pub expire_time: Option<i64>,
}

/// A generate request after the checks that need nothing but the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateLink {
    /// The app named by `ma_app_id`/`app_id`.
    pub named_app: String,
    /// The host.
    pub host: Host,
    /// `path` as sent (`""` = home page).
    pub path: String,
    /// `query` as sent (`""` = `{}`).
    pub query: String,
    /// `expire_time`, Unix seconds.
    pub expire_time: i64,
}

fn required(field: &'static str, v: Option<String>) -> Result<String, LinkError> {
    v.filter(|s| !s.is_empty()).ok_or(LinkError::Missing(field))
}

impl GenerateLink {
    /// Checks the required fields and the host, in the seed's order: app, app_name, expire_time.
    pub fn parse(draft: LinkDraft, api: LinkApi) -> Result<Self, LinkError> {
        let named_app = required(api.app_field(), draft.named_app)?;
        let host = Host::parse(&required("app_name", draft.app_name)?, api)?;
        let expire_time = draft.expire_time.ok_or(LinkError::Missing("expire_time"))?;
        Ok(Self {
            named_app,
            host,
            path: draft.path.unwrap_or_default(),
            query: draft.query.unwrap_or_default(),
            expire_time,
        })
    }

    /// Decides against the app at `now`: banned, path, query, expiry (in that order).
    pub fn plan(&self, app: &App, now: Timestamp) -> Result<NewLink, LinkError> {
        if app.status == AppStatus::Banned {
            return Err(LinkError::Banned);
        }
        let path = if self.path.is_empty() {
            app.pages
                .home()
                .ok_or(LinkError::NoHomePage)?
                .as_str()
                .to_owned()
        } else if self.path.contains('?') {
            return Err(LinkError::PathHasQuery);
        } else if app.pages.contains(&self.path) {
            self.path.clone()
        } else {
            return Err(LinkError::PathNotPublished);
        };
        let query = LinkQuery::parse(&self.query)?;
        let expires_at = effective_expiry(now.unix_secs(), self.expire_time)?;
        Ok(NewLink {
            appid: app.appid.clone(),
            host: self.host,
            path,
            query: query.as_str().to_owned(),
            created_at: now.unix_secs(),
            expires_at,
        })
    }
}

/// now + ceil((expire_time − now) / 1 h) × 1 h, for `now < expire_time ≤ now + 180 days`
/// (`expire_time` is the request's Unix second, as sent).
pub fn effective_expiry(now: UnixSecs, expire_time: i64) -> Result<UnixSecs, LinkError> {
    let ahead = expire_time.saturating_sub(now.get());
    let (max, step) = (MAX_EXPIRY.get(), EXPIRY_STEP.get());
    if ahead <= 0 || ahead > max {
        return Err(LinkError::ExpiryOutOfRange);
    }
    let hours = (ahead + step - 1) / step;
    Ok(now + Seconds::new(hours * step))
}

/// A link about to be stored (its code is drawn by the store, which retries on a clash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    /// Its app.
    pub appid: AppId,
    /// The host app.
    pub host: Host,
    /// The resolved page (the home page when sent empty).
    pub path: String,
    /// The validated query text.
    pub query: String,
    /// Creation.
    pub created_at: UnixSecs,
    /// Effective expiry: live while `now < expires_at`.
    pub expires_at: UnixSecs,
}

/// A stored link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Its code.
    pub code: LinkCode,
    /// Its app.
    pub appid: AppId,
    /// The host app.
    pub host: Host,
    /// The page.
    pub path: String,
    /// The query text (a JSON object).
    pub query: String,
    /// Creation.
    pub created_at: UnixSecs,
    /// Effective expiry.
    pub expires_at: UnixSecs,
    /// Visits flushed so far.
    pub visits: i64,
}

impl Link {
    /// Whether the link still resolves at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        live_until(self.expires_at, now)
    }

    /// The page with its query (`path?k=v&…`) percent-encoded as a whole: the `start_page` of
    /// the scheme URL.
    pub fn encoded_start_page(&self) -> String {
        // The stored query was validated on insert; an unreadable one opens the bare page.
        let start_page = LinkQuery::parse(&self.query)
            .map(|q| q.start_page(&self.path))
            .unwrap_or_else(|_| self.path.clone());
        percent_encode(&start_page)
    }

    /// `snssdk1128://microapp?version=v2&app_id=…&scene=0&version_type=current&start_page=…`.
    pub fn scheme_url(&self) -> String {
        let mut url = String::new();
        write_scheme_url(
            &mut url,
            self.host,
            self.appid.as_str(),
            &self.encoded_start_page(),
        );
        url
    }
}

/// Appends the scheme URL of a link of `host` and `appid` opening `encoded_start_page` (as made
/// by [`Link::encoded_start_page`]) to `out`: the one place that knows its shape.
/// Reserves exactly what it appends, so an empty `out` ends with its length equal to its
/// capacity (a header value made from it then takes the allocation as it is).
pub fn write_scheme_url(out: &mut String, host: Host, appid: &str, encoded_start_page: &str) {
    const BEFORE_APPID: &str = "://microapp?version=v2&app_id=";
    const BEFORE_PAGE: &str = "&scene=0&version_type=current&start_page=";
    out.reserve_exact(
        host.scheme().len()
            + BEFORE_APPID.len()
            + appid.len()
            + BEFORE_PAGE.len()
            + encoded_start_page.len(),
    );
    out.push_str(host.scheme());
    out.push_str(BEFORE_APPID);
    out.push_str(appid);
    out.push_str(BEFORE_PAGE);
    out.push_str(encoded_start_page);
}

/// The page path of an encoded start page (page paths are `[A-Za-z0-9_./-]`, so only `/` is
/// encoded in them, and the query starts at the encoded `?`).
pub fn path_of_encoded_start_page(encoded: &str) -> String {
    let end = encoded.find("%3F").unwrap_or(encoded.len());
    encoded[..end].replace("%2F", "/")
}

/// Whether a link with effective expiry `expires_at` still resolves at `now`.
pub fn live_until(expires_at: UnixSecs, now: Timestamp) -> bool {
    now.unix_secs() < expires_at
}

/// Whether the `(used + 1)`-th link of the day fits in `quota`.
pub fn within_daily_quota(used: i64, quota: i64) -> bool {
    used < quota
}

#[cfg(test)]
mod tests;
