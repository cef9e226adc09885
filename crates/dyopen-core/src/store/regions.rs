//! City bindings.

use crate::app::AppId;
use crate::clock::Timestamp;
use crate::region::{AddBinding, Binding, CityError, DeleteBinding, ModifyBinding, RegionState};
use async_trait::async_trait;

/// Storage of city bindings. Each write locks the app, prunes change history older than the
/// 7-day window ([`history_horizon`](crate::region::history_horizon)), loads its
/// [`RegionState`] (the bindings, and for delete/modify the last change of the one target acted
/// on), asks the matching `RegionState::decide_*` and applies the effect in one transaction.
#[async_trait]
pub trait RegionStore: Send + Sync {
    /// Adds a binding; returns it.
    async fn region_add(
        &self,
        appid: &AppId,
        cmd: &AddBinding,
        now: Timestamp,
    ) -> Result<Binding, CityError>;
    /// Deletes a binding.
    async fn region_delete(
        &self,
        appid: &AppId,
        cmd: &DeleteBinding,
        now: Timestamp,
    ) -> Result<(), CityError>;
    /// Moves a binding to another city, keeping its `data_id`.
    async fn region_modify(
        &self,
        appid: &AppId,
        cmd: &ModifyBinding,
        now: Timestamp,
    ) -> Result<(), CityError>;
    /// The app's bindings and the last change of each bound target.
    async fn region_state(&self, appid: &AppId) -> Result<RegionState, CityError>;
}
