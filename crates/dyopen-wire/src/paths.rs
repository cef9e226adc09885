//! The open-API paths: their normal form (SPEC §2), and which of the platform's two hosts serves
//! each one. [`OPEN_API_PATHS`] is the one path-to-host table: the SDK sends each call to the host
//! it names, `dyopen proxy` forwards each request by it, and `docs/fidelity.md` lists it.

/// The platform's open.douyin.com host.
///
/// ```
/// assert_eq!(dyopen_wire::paths::DOUYIN_BASE_URL, "https://open.douyin.com");
/// ```
pub const DOUYIN_BASE_URL: &str = "https://open.douyin.com";
/// The platform's developer.toutiao.com host.
///
/// ```
/// assert_eq!(dyopen_wire::paths::TOUTIAO_BASE_URL, "https://developer.toutiao.com");
/// ```
pub const TOUTIAO_BASE_URL: &str = "https://developer.toutiao.com";

/// One of the platform's two hosts.
///
/// ```
/// use dyopen_wire::paths::PlatformHost;
/// assert_eq!(PlatformHost::Toutiao.base_url(), "https://developer.toutiao.com");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlatformHost {
    /// `https://open.douyin.com`.
    Douyin,
    /// `https://developer.toutiao.com`.
    Toutiao,
}

impl PlatformHost {
    /// The host's base URL on the real platform.
    ///
    /// ```
    /// use dyopen_wire::paths::PlatformHost;
    /// assert_eq!(PlatformHost::Douyin.base_url(), "https://open.douyin.com");
    /// ```
    pub const fn base_url(self) -> &'static str {
        match self {
            PlatformHost::Douyin => DOUYIN_BASE_URL,
            PlatformHost::Toutiao => TOUTIAO_BASE_URL,
        }
    }

    /// The host name (`open.douyin.com`, `developer.toutiao.com`).
    ///
    /// ```
    /// assert_eq!(dyopen_wire::paths::PlatformHost::Toutiao.name(), "developer.toutiao.com");
    /// ```
    pub fn name(self) -> &'static str {
        self.base_url().trim_start_matches("https://")
    }
}

/// `POST /api/apps/v2/token`: the mini-program token.
pub const V2_TOKEN: &str = "/api/apps/v2/token";
/// `POST /oauth/client_token/`: the client token.
pub const CLIENT_TOKEN: &str = "/oauth/client_token/";
/// `POST /api/product/v1/app_region_add/`.
pub const REGION_ADD: &str = "/api/product/v1/app_region_add/";
/// `POST /api/product/v1/app_region_delete/`.
pub const REGION_DELETE: &str = "/api/product/v1/app_region_delete/";
/// `POST /api/product/v1/app_region_modify/`.
pub const REGION_MODIFY: &str = "/api/product/v1/app_region_modify/";
/// `POST /api/apps/url_link/generate` (legacy).
pub const LINK_GENERATE_LEGACY: &str = "/api/apps/url_link/generate";
/// `POST /api/apps/v1/url_link/generate/`.
pub const LINK_GENERATE: &str = "/api/apps/v1/url_link/generate/";
/// `POST /api/apps/v1/url_link/query_info/`.
pub const LINK_QUERY_INFO: &str = "/api/apps/v1/url_link/query_info/";
/// `POST /api/apps/v1/url_link/query_quota/`.
pub const LINK_QUERY_QUOTA: &str = "/api/apps/v1/url_link/query_quota/";
/// `POST /api/match/v2/taskbox/add_task/`.
pub const TASK_ADD: &str = "/api/match/v2/taskbox/add_task/";
/// `POST /api/match/v2/taskbox/update_status/`.
pub const TASK_UPDATE_STATUS: &str = "/api/match/v2/taskbox/update_status/";
/// `POST /api/match/v2/taskbox/query_task_info/`.
pub const TASK_QUERY_INFO: &str = "/api/match/v2/taskbox/query_task_info/";
/// `POST /api/match/v2/taskbox/query_app_task_id/`.
pub const TASK_QUERY_IDS: &str = "/api/match/v2/taskbox/query_app_task_id/";
/// `POST /api/apps/taskbox/update_orient_talents/`.
pub const TALENTS_UPDATE: &str = "/api/apps/taskbox/update_orient_talents/";

/// Every open API dyopen serves and the platform host that serves it (paths as the platform's
/// documents write them; compare with [`normalize_path`] applied to both sides, as
/// [`host_of`] does).
pub const OPEN_API_PATHS: [(&str, PlatformHost); 14] = [
    (V2_TOKEN, PlatformHost::Toutiao),
    (CLIENT_TOKEN, PlatformHost::Douyin),
    (REGION_ADD, PlatformHost::Douyin),
    (REGION_DELETE, PlatformHost::Douyin),
    (REGION_MODIFY, PlatformHost::Douyin),
    (LINK_GENERATE_LEGACY, PlatformHost::Toutiao),
    (LINK_GENERATE, PlatformHost::Douyin),
    (LINK_QUERY_INFO, PlatformHost::Douyin),
    (LINK_QUERY_QUOTA, PlatformHost::Douyin),
    (TASK_ADD, PlatformHost::Douyin),
    (TASK_UPDATE_STATUS, PlatformHost::Douyin),
    (TASK_QUERY_INFO, PlatformHost::Douyin),
    (TASK_QUERY_IDS, PlatformHost::Douyin),
    (TALENTS_UPDATE, PlatformHost::Toutiao),
];

/// The token endpoints (their answers are never replayed: every run needs live tokens).
pub const TOKEN_PATHS: [&str; 2] = [V2_TOKEN, CLIENT_TOKEN];

/// The normal form of a path: no repeated `/`, no trailing `/` (except the root), so
/// `//api/product/v1/app_region_add/` (as in seed 000's curl lines) is
/// `/api/product/v1/app_region_add`.
///
/// ```
/// use dyopen_wire::paths::normalize_path;
/// assert_eq!(normalize_path("//api/apps/v2/token/"), "/api/apps/v2/token");
/// assert_eq!(normalize_path(""), "/");
/// ```
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(seg);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The host that serves `path` (any form: repeated or trailing slashes), if it is an open API.
///
/// ```
/// use dyopen_wire::paths::{host_of, PlatformHost};
/// assert_eq!(host_of("/api/apps/taskbox/update_orient_talents"), Some(PlatformHost::Toutiao));
/// assert_eq!(host_of("//oauth/client_token/"), Some(PlatformHost::Douyin));
/// assert_eq!(host_of("/Ab3dE9x"), None);
/// ```
pub fn host_of(path: &str) -> Option<PlatformHost> {
    let path = normalize_path(path);
    OPEN_API_PATHS
        .iter()
        .find(|(p, _)| normalize_path(p) == path)
        .map(|(_, host)| *host)
}

/// Whether `path` (any form) is one of the token endpoints.
///
/// ```
/// assert!(dyopen_wire::paths::is_token_path("/oauth/client_token"));
/// assert!(!dyopen_wire::paths::is_token_path("/api/apps/v1/url_link/generate"));
/// ```
pub fn is_token_path(path: &str) -> bool {
    let path = normalize_path(path);
    TOKEN_PATHS.iter().any(|p| normalize_path(p) == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_distinct_after_normalising() {
        let mut seen: Vec<String> = OPEN_API_PATHS
            .iter()
            .map(|(p, _)| normalize_path(p))
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), OPEN_API_PATHS.len());
        for p in TOKEN_PATHS {
            assert!(host_of(p).is_some(), "{p}");
        }
    }

    #[test]
    fn collapses_slashes_and_trims_trailing_slash() {
        assert_eq!(
            normalize_path("//api/product/v1/app_region_add/"),
            "/api/product/v1/app_region_add"
        );
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("///"), "/");
        assert_eq!(normalize_path("/a//b"), "/a/b");
    }
}
