//! City binding (关联城市): `POST /api/product/v1/app_region_add|delete|modify/` (open.douyin.com).

use crate::client::Client;
use crate::error::{Error, Result};
use crate::family::Family;
use crate::transport::Call;
use dyopen_wire::dialect::CityEnvelope;
use dyopen_wire::region::{RegionAddRequest, RegionDeleteRequest, RegionModifyRequest};

/// What a binding applies to: the whole app (bind_type 1, path `""`) or one page (bind_type 2).
///
/// ```
/// use dyopen_client::RegionTarget;
/// assert_eq!(RegionTarget::page("pages/index/index").path(), "pages/index/index");
/// assert_eq!(RegionTarget::Whole.path(), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionTarget {
    /// The whole mini-program.
    Whole,
    /// One page path (no leading `/`).
    Page(String),
}

impl RegionTarget {
    /// A page target.
    ///
    /// ```
    /// let t = dyopen_client::RegionTarget::page("pages/a/a");
    /// assert_eq!(t.bind_type(), 2);
    /// ```
    pub fn page(path: impl Into<String>) -> Self {
        RegionTarget::Page(path.into())
    }

    /// The wire `bind_type`: 1 whole, 2 page.
    ///
    /// ```
    /// assert_eq!(dyopen_client::RegionTarget::Whole.bind_type(), 1);
    /// ```
    pub fn bind_type(&self) -> i64 {
        match self {
            RegionTarget::Whole => 1,
            RegionTarget::Page(_) => 2,
        }
    }

    /// The wire `path`: `""` for the whole app.
    ///
    /// ```
    /// assert_eq!(dyopen_client::RegionTarget::Whole.path(), "");
    /// ```
    pub fn path(&self) -> &str {
        match self {
            RegionTarget::Whole => "",
            RegionTarget::Page(p) => p,
        }
    }
}

use dyopen_wire::paths::{REGION_ADD as ADD, REGION_DELETE as DELETE, REGION_MODIFY as MODIFY};

impl Client {
    /// `app_region_add`: binds `region_id` (six-digit city code) to `target`; returns the
    /// binding's `data_id` (`region_<19 digits>`).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// use dyopen_client::RegionTarget;
    /// let data_id = client.region_add(&RegionTarget::page("pages/index/index"), "130400").await?;
    /// assert!(data_id.starts_with("region_"));
    /// # Ok(()) }
    /// ```
    pub async fn region_add(&self, target: &RegionTarget, region_id: &str) -> Result<String> {
        let req = RegionAddRequest {
            bind_type: Some(target.bind_type()),
            region_id: Some(region_id.to_owned()),
            path: Some(target.path().to_owned()),
            access_token: None,
        };
        let res: CityEnvelope = self.call(Call::new(ADD, Family::City, &req)?).await?;
        res.data_id
            .filter(|d| !d.is_empty())
            .ok_or_else(|| Error::Decode(format!("{ADD}: success without data_id")))
    }

    /// `app_region_delete`: removes the binding of `region_id` at `target` (counts against the
    /// 7-day window of the target).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// client.region_delete(&dyopen_client::RegionTarget::Whole, "440300").await?;
    /// # Ok(()) }
    /// ```
    pub async fn region_delete(&self, target: &RegionTarget, region_id: &str) -> Result<()> {
        let req = RegionDeleteRequest {
            region_id: Some(region_id.to_owned()),
            path: Some(target.path().to_owned()),
            access_token: None,
        };
        let _: CityEnvelope = self.call(Call::new(DELETE, Family::City, &req)?).await?;
        Ok(())
    }

    /// `app_region_modify`: moves `target` from city `origin` to city `current` (once per 7 days).
    ///
    /// ```no_run
    /// # async fn run(client: dyopen_client::Client) -> dyopen_client::Result<()> {
    /// client.region_modify(&dyopen_client::RegionTarget::Whole, "440300", "440400").await?;
    /// # Ok(()) }
    /// ```
    pub async fn region_modify(
        &self,
        target: &RegionTarget,
        origin: &str,
        current: &str,
    ) -> Result<()> {
        let req = RegionModifyRequest {
            origin_region: Some(origin.to_owned()),
            current_region: Some(current.to_owned()),
            path: Some(target.path().to_owned()),
            access_token: None,
        };
        let _: CityEnvelope = self.call(Call::new(MODIFY, Family::City, &req)?).await?;
        Ok(())
    }
}
