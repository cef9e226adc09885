//! [`AdminClient`]: dyopen's own control plane (`/admin/v1`, bearer admin token) and, on an
//! emulator, its clock (`/_emulator/v1/clock`). Not part of the real platform.

use crate::error::{Error, Result};
use crate::transport::snippet;
use dyopen_wire::admin::{
    AppView, AppWithSecret, CreateAppRequest, GrantProviderRequest, Page, ProviderView,
    RegionBindingView, UpdateAppRequest,
};
use dyopen_wire::dialect::AdminError;
use dyopen_wire::emulator::{ClockRequest, ClockResponse, FaultRequest, FaultView, JournalPage};
use dyopen_wire::link::LinkView;
use dyopen_wire::task::{SubmissionRequest, TalentView, TaskDetailView, TaskSummaryView};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A client of a dyopen server's admin API.
///
/// ```no_run
/// # async fn run() -> dyopen_client::Result<()> {
/// use dyopen_client::AdminClient;
/// use dyopen_wire::admin::CreateAppRequest;
/// let admin = AdminClient::new("http://127.0.0.1:8080", "my-admin-token")?;
/// let app = admin
///     .create_app(&CreateAppRequest { name: "shop".into(), pages: vec!["pages/index/index".into()], ..Default::default() })
///     .await?;
/// println!("{} {}", app.app.appid, app.secret);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AdminClient {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl AdminClient {
    /// A client of the server at `base_url` using `admin_token`.
    ///
    /// ```
    /// let admin = dyopen_client::AdminClient::new("http://127.0.0.1:8080/", "t").unwrap();
    /// assert_eq!(admin.base_url(), "http://127.0.0.1:8080");
    /// ```
    pub fn new(base_url: &str, admin_token: &str) -> Result<Self> {
        reqwest::Url::parse(base_url)
            .map_err(|e| Error::Config(format!("base URL {base_url:?}: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: admin_token.to_owned(),
        })
    }

    /// The server's base URL.
    ///
    /// ```
    /// let admin = dyopen_client::AdminClient::new("http://h:1", "t").unwrap();
    /// assert_eq!(admin.base_url(), "http://h:1");
    /// ```
    pub fn base_url(&self) -> &str {
        &self.base
    }

    async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.map_err(Error::Transport)?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(Error::Transport)?;
        if (200..300).contains(&status) {
            let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return serde_json::from_slice(bytes)
                .map_err(|e| Error::Decode(format!("{path}: {e}")));
        }
        Err(match serde_json::from_slice::<AdminError>(&bytes) {
            Ok(e) => Error::Admin {
                status,
                code: e.error.code,
                message: e.error.message,
            },
            Err(_) => Error::Http {
                status,
                body: snippet(&bytes),
            },
        })
    }

    /// `POST /admin/v1/apps`: a new app; the answer carries its secret (shown only here).
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let req = dyopen_wire::admin::CreateAppRequest { name: "shop".into(), ..Default::default() };
    /// let created = admin.create_app(&req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_app(&self, req: &CreateAppRequest) -> Result<AppWithSecret> {
        self.request(Method::POST, "/admin/v1/apps", Some(req))
            .await
    }

    /// `GET /admin/v1/apps?page=&page_size=` (1-based page, page_size 1–200).
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let page = admin.list_apps(1, 50).await?;
    /// for app in page.items { println!("{}", app.appid); }
    /// # Ok(()) }
    /// ```
    pub async fn list_apps(&self, page: u64, page_size: u64) -> Result<Page<AppView>> {
        let path = format!("/admin/v1/apps?page={page}&page_size={page_size}");
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `GET /admin/v1/apps/{appid}`.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let app = admin.get_app("tt0123456789abcdef").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_app(&self, appid: &str) -> Result<AppView> {
        let path = format!("/admin/v1/apps/{}", segment(appid));
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `PATCH /admin/v1/apps/{appid}` with any of name, pages, quotas, status.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let patch = dyopen_wire::admin::UpdateAppRequest { status: Some("banned".into()), ..Default::default() };
    /// admin.update_app("tt0123456789abcdef", &patch).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_app(&self, appid: &str, patch: &UpdateAppRequest) -> Result<AppView> {
        let path = format!("/admin/v1/apps/{}", segment(appid));
        self.request(Method::PATCH, &path, Some(patch)).await
    }

    /// `POST /admin/v1/apps/{appid}/secret`: a new secret; every live token of the app is revoked.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let rotated = admin.rotate_secret("tt0123456789abcdef").await?;
    /// println!("new secret {}", rotated.secret);
    /// # Ok(()) }
    /// ```
    pub async fn rotate_secret(&self, appid: &str) -> Result<AppWithSecret> {
        let path = format!("/admin/v1/apps/{}/secret", segment(appid));
        self.request(Method::POST, &path, None::<&()>).await
    }

    /// `POST /admin/v1/apps/{appid}/providers`: lets `provider_appid` act for `appid`.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// admin.grant_provider("tt0123456789abcdef", "ttfedcba9876543210").await?;
    /// # Ok(()) }
    /// ```
    pub async fn grant_provider(&self, appid: &str, provider_appid: &str) -> Result<ProviderView> {
        let path = format!("/admin/v1/apps/{}/providers", segment(appid));
        let body = GrantProviderRequest {
            provider_appid: provider_appid.to_owned(),
        };
        self.request(Method::POST, &path, Some(&body)).await
    }

    /// `GET /admin/v1/apps/{appid}/providers`.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let grants = admin.list_providers("tt0123456789abcdef").await?;
    /// # Ok(()) }
    /// ```
    pub async fn list_providers(&self, appid: &str) -> Result<Vec<ProviderView>> {
        let path = format!("/admin/v1/apps/{}/providers", segment(appid));
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `DELETE /admin/v1/apps/{appid}/providers/{provider_appid}`.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// admin.revoke_provider("tt0123456789abcdef", "ttfedcba9876543210").await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_provider(&self, appid: &str, provider_appid: &str) -> Result<()> {
        let path = format!(
            "/admin/v1/apps/{}/providers/{}",
            segment(appid),
            segment(provider_appid)
        );
        let _: serde_json::Value = self.request(Method::DELETE, &path, None::<&()>).await?;
        Ok(())
    }

    /// `GET /admin/v1/apps/{appid}/regions`: bindings with city names and next-change times.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// for b in admin.list_regions("tt0123456789abcdef").await? {
    ///     println!("{} {} {}", b.region_id, b.city_name, b.next_change_at);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_regions(&self, appid: &str) -> Result<Vec<RegionBindingView>> {
        let path = format!("/admin/v1/apps/{}/regions", segment(appid));
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `GET /admin/v1/apps/{appid}/links?page=&page_size=`: links with visit counts.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// for l in admin.list_links("tt0123456789abcdef", 1, 50).await?.items {
    ///     println!("{} {} visits", l.url_link, l.visits);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_links(
        &self,
        appid: &str,
        page: u64,
        page_size: u64,
    ) -> Result<Page<LinkView>> {
        let path = format!(
            "/admin/v1/apps/{}/links?page={page}&page_size={page_size}",
            segment(appid)
        );
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `GET /admin/v1/apps/{appid}/tasks?page=&page_size=`: tasks with talent counts.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let page = admin.list_tasks("tt0123456789abcdef", 1, 50).await?;
    /// for t in page.items { println!("{} {}", t.task_id, t.task_name); }
    /// # Ok(()) }
    /// ```
    pub async fn list_tasks(
        &self,
        appid: &str,
        page: u64,
        page_size: u64,
    ) -> Result<Page<TaskSummaryView>> {
        let path = format!(
            "/admin/v1/apps/{}/tasks?page={page}&page_size={page_size}",
            segment(appid)
        );
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `GET /admin/v1/tasks/{task_id}`: a task with its talents.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let task = admin.get_task(7218760632718443557).await?;
    /// println!("{} talents", task.talents.len());
    /// # Ok(()) }
    /// ```
    pub async fn get_task(&self, task_id: u64) -> Result<TaskDetailView> {
        let path = format!("/admin/v1/tasks/{task_id}");
        self.request(Method::GET, &path, None::<&()>).await
    }

    /// `POST /admin/v1/tasks/{task_id}/submissions`: records that a cooperating talent posted a
    /// video (it becomes "submitted").
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let req = dyopen_wire::task::SubmissionRequest { douyin_id: "talent_1".into(), video_id: None };
    /// admin.record_submission(7218760632718443557, &req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn record_submission(
        &self,
        task_id: u64,
        req: &SubmissionRequest,
    ) -> Result<TalentView> {
        let path = format!("/admin/v1/tasks/{task_id}/submissions");
        self.request(Method::POST, &path, Some(req)).await
    }

    /// `POST /_emulator/v1/clock` (emulator mode only): set, advance or resume the server clock.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let req = dyopen_wire::emulator::ClockRequest { advance_seconds: Some(7200), ..Default::default() };
    /// let now = admin.emulator_clock(&req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn emulator_clock(&self, req: &ClockRequest) -> Result<ClockResponse> {
        self.request(Method::POST, "/_emulator/v1/clock", Some(req))
            .await
    }

    /// `POST /_emulator/v1/faults` (emulator mode only): the next `count` calls of a route fail
    /// (`system_error`, `timeout` or `http_500`); answers the pending faults.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let fault = dyopen_wire::emulator::FaultRequest {
    ///     path: "/api/product/v1/app_region_add/".into(),
    ///     err_kind: "system_error".into(),
    ///     count: 2,
    ///     delay_ms: None,
    /// };
    /// admin.emulator_fault(&fault).await?;
    /// # Ok(()) }
    /// ```
    pub async fn emulator_fault(&self, req: &FaultRequest) -> Result<Vec<FaultView>> {
        self.request(Method::POST, "/_emulator/v1/faults", Some(req))
            .await
    }

    /// `GET /_emulator/v1/journal?appid=&path=&limit=` (emulator mode only): recent requests,
    /// oldest first, secrets masked.
    ///
    /// ```no_run
    /// # async fn run(admin: dyopen_client::AdminClient) -> dyopen_client::Result<()> {
    /// let page = admin.emulator_journal(None, Some("/api/apps/v2/token"), Some(100)).await?;
    /// println!("{} token requests", page.entries.len());
    /// # Ok(()) }
    /// ```
    pub async fn emulator_journal(
        &self,
        appid: Option<&str>,
        path: Option<&str>,
        limit: Option<u32>,
    ) -> Result<JournalPage> {
        let mut query = Vec::new();
        if let Some(a) = appid {
            query.push(format!("appid={}", segment(a)));
        }
        if let Some(p) = path {
            query.push(format!("path={}", segment(p)));
        }
        if let Some(l) = limit {
            query.push(format!("limit={l}"));
        }
        let path = format!("/_emulator/v1/journal?{}", query.join("&"));
        self.request(Method::GET, &path, None::<&()>).await
    }
}

/// Percent-encodes a path segment (appids are plain, but user input may not be).
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_are_encoded() {
        assert_eq!(super::segment("tt01/../x y"), "tt01%2F..%2Fx%20y");
    }
}
