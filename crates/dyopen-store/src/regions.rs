//! City bindings: load the app's [`RegionState`] under the app lock, let core decide, apply.

use crate::{backend_err, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::clock::Timestamp;
use dyopen_core::ids::new_id;
use dyopen_core::region::{
    AddBinding, Binding, CityError, DeleteBinding, Effect, ModifyBinding, RegionState, TargetChange,
};
use dyopen_core::store::RegionStore;
use dyopen_core::StoreError;
use sqlx::{Any, AnyConnection, Row};

async fn load_state(conn: &mut AnyConnection, appid: &str) -> Result<RegionState, StoreError> {
    let rows = sqlx::query(
        "SELECT data_id, path, region_id, created_at, modified_at FROM region_bindings WHERE appid = $1 ORDER BY created_at, data_id",
    )
    .bind(appid)
    .fetch_all(&mut *conn)
    .await
    .map_err(backend_err)?;
    let bindings = rows
        .iter()
        .map(|r| {
            Ok(Binding {
                data_id: r.try_get("data_id")?,
                path: r.try_get("path")?,
                region_id: r.try_get("region_id")?,
                created_at: r.try_get("created_at")?,
                modified_at: r.try_get("modified_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(backend_err)?;
    let rows = sqlx::query("SELECT path, changed_at FROM region_changes WHERE appid = $1")
        .bind(appid)
        .fetch_all(&mut *conn)
        .await
        .map_err(backend_err)?;
    let changes = rows
        .iter()
        .map(|r| {
            Ok(TargetChange {
                path: r.try_get("path")?,
                changed_at: r.try_get("changed_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(backend_err)?;
    Ok(RegionState { bindings, changes })
}

impl SqlStore {
    /// Runs `decide` against the app's state under its lock and applies the effect.
    async fn region_write(
        &self,
        appid: &AppId,
        now: Timestamp,
        decide: impl FnOnce(&RegionState) -> Result<Effect, CityError> + Send,
    ) -> Result<Binding, CityError> {
        let mut tx = self.begin().await?;
        if !self.lock_app(&mut tx, appid.as_str()).await? {
            return Err(StoreError::Conflict(format!("no app {appid}")).into());
        }
        let state = load_state(&mut tx, appid.as_str()).await?;
        let effect = decide(&state)?;
        let (t, app) = (now.secs(), appid.as_str());
        let binding = match effect {
            Effect::Insert { path, region_id } => {
                let b = Binding {
                    data_id: new_id(now),
                    path,
                    region_id,
                    created_at: t,
                    modified_at: t,
                };
                sqlx::query(
                    "INSERT INTO region_bindings (data_id, appid, path, region_id, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(b.data_id)
                .bind(app)
                .bind(&b.path)
                .bind(&b.region_id)
                .bind(t)
                .execute(&mut *tx)
                .await
                .map_err(backend_err)?;
                b
            }
            Effect::Delete { data_id, path } => {
                let mut b = state
                    .bindings
                    .iter()
                    .find(|b| b.data_id == data_id)
                    .cloned()
                    .ok_or_else(|| StoreError::Backend("binding vanished".into()))?;
                sqlx::query("DELETE FROM region_bindings WHERE data_id = $1")
                    .bind(data_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                record_change(&mut tx, app, &path, t).await?;
                b.modified_at = t;
                b
            }
            Effect::Update {
                data_id,
                path,
                region_id,
            } => {
                let mut b = state
                    .bindings
                    .iter()
                    .find(|b| b.data_id == data_id)
                    .cloned()
                    .ok_or_else(|| StoreError::Backend("binding vanished".into()))?;
                sqlx::query("UPDATE region_bindings SET region_id = $2, modified_at = $3 WHERE data_id = $1")
                    .bind(data_id)
                    .bind(&region_id)
                    .bind(t)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend_err)?;
                record_change(&mut tx, app, &path, t).await?;
                b.region_id = region_id;
                b.modified_at = t;
                b
            }
        };
        tx.commit().await.map_err(backend_err)?;
        Ok(binding)
    }
}

async fn record_change(
    tx: &mut sqlx::Transaction<'static, Any>,
    appid: &str,
    path: &str,
    t: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO region_changes (appid, path, changed_at) VALUES ($1, $2, $3) ON CONFLICT (appid, path) DO UPDATE SET changed_at = excluded.changed_at",
    )
    .bind(appid)
    .bind(path)
    .bind(t)
    .execute(&mut **tx)
    .await
    .map_err(backend_err)?;
    Ok(())
}

#[async_trait]
impl RegionStore for SqlStore {
    async fn region_add(
        &self,
        appid: &AppId,
        cmd: &AddBinding,
        now: Timestamp,
    ) -> Result<Binding, CityError> {
        self.region_write(appid, now, |s| s.decide_add(cmd)).await
    }

    async fn region_delete(
        &self,
        appid: &AppId,
        cmd: &DeleteBinding,
        now: Timestamp,
    ) -> Result<(), CityError> {
        self.region_write(appid, now, |s| s.decide_delete(cmd, now))
            .await
            .map(drop)
    }

    async fn region_modify(
        &self,
        appid: &AppId,
        cmd: &ModifyBinding,
        now: Timestamp,
    ) -> Result<(), CityError> {
        self.region_write(appid, now, |s| s.decide_modify(cmd, now))
            .await
            .map(drop)
    }

    async fn region_state(&self, appid: &AppId) -> Result<RegionState, CityError> {
        let mut conn = self.read.acquire().await.map_err(backend_err)?;
        Ok(load_state(&mut conn, appid.as_str()).await?)
    }
}
