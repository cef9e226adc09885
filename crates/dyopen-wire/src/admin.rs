//! dyopen's admin API (`/admin/v1`, bearer admin token): apps, providers, region listings.
//!
//! Errors use [`crate::dialect::AdminError`]; times are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};

/// `POST /admin/v1/apps` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAppRequest {
    /// Display name (1–64 characters after trimming).
    pub name: String,
    /// Published page paths (at most 1 000, distinct); the first is the home page.
    #[serde(default)]
    pub pages: Vec<String>,
    /// Requests per second for URL-link generation (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qps_limit: Option<i64>,
    /// Successful URL links per Shanghai day (default 500,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_link_quota: Option<i64>,
}

/// `PATCH /admin/v1/apps/{appid}` body: any subset of the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateAppRequest {
    /// New display name (1–64 characters after trimming).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New list of published pages (at most 1 000, distinct).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<String>>,
    /// New qps limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qps_limit: Option<i64>,
    /// New daily link quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_link_quota: Option<i64>,
    /// `active` or `banned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// An app as the admin API shows it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppView {
    /// `tt` + 16 hex.
    pub appid: String,
    /// Display name.
    pub name: String,
    /// Published pages.
    pub pages: Vec<String>,
    /// qps limit for URL-link generation.
    pub qps_limit: i64,
    /// Daily URL-link quota.
    pub daily_link_quota: i64,
    /// `active` or `banned`.
    pub status: String,
    /// Creation time.
    pub created_at: String,
}

/// Answer of `POST /admin/v1/apps` and of a secret rotation: the app plus its secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppWithSecret {
    /// The app.
    #[serde(flatten)]
    pub app: AppView,
    /// 32 hex; stored only as a hash.
    pub secret: String,
}

/// A page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Items in all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub page_size: u64,
}

/// `POST /admin/v1/apps/{appid}/providers` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrantProviderRequest {
    /// The service provider's appid.
    pub provider_appid: String,
}

/// A provider grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderView {
    /// The app that granted.
    pub appid: String,
    /// The provider.
    pub provider_appid: String,
    /// When it was granted.
    pub created_at: String,
}

/// A city binding as listed by `GET /admin/v1/apps/{appid}/regions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionBindingView {
    /// `region_<19 digits>`.
    pub data_id: String,
    /// 1 whole app, 2 page.
    pub bind_type: i64,
    /// Page path, `""` for whole-app bindings.
    pub path: String,
    /// Six-digit city code.
    pub region_id: String,
    /// City name, e.g. `深圳市`.
    pub city_name: String,
    /// Province name, e.g. `广东省`.
    pub province_name: String,
    /// When the binding was added.
    pub created_at: String,
    /// When it was last modified (equals `created_at` if never).
    pub modified_at: String,
    /// Earliest time this target may be modified or deleted again.
    pub next_change_at: String,
}
