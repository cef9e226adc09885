//! City binding (关联城市): `POST /api/product/v1/app_region_add|delete|modify/` (seed 000).
//!
//! Responses are [`crate::dialect::CityEnvelope`]. Fields are optional here; which are required
//! and what values are valid is decided in `dyopen-core`.

use serde::{Deserialize, Serialize};

/// `app_region_add` body: `{"bind_type": 2, "region_id": "130400", "path": "page/test/index"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionAddRequest {
    /// 1 whole app, 2 one page.
    pub bind_type: Option<i64>,
    /// Six-digit city code.
    pub region_id: Option<String>,
    /// Page path; empty for whole-app bindings.
    pub path: Option<String>,
    /// Token, if not in the `access-token` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// `app_region_delete` body: `{"region_id": "440300", "path": "path/test/index"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionDeleteRequest {
    /// The bound city.
    pub region_id: Option<String>,
    /// Page path; ignored when the app is bound as a whole.
    pub path: Option<String>,
    /// Token, if not in the `access-token` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// `app_region_modify` body: `{"origin_region": "440300", "current_region": "440400", "path": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionModifyRequest {
    /// The currently bound city.
    pub origin_region: Option<String>,
    /// The new city.
    pub current_region: Option<String>,
    /// Page path; ignored when the app is bound as a whole.
    pub path: Option<String>,
    /// Token, if not in the `access-token` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}
