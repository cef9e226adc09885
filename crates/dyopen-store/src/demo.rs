//! The demo app record (one row).

use crate::{backend_err, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::{AppId, AppSecret};
use dyopen_core::store::{DemoApp, DemoStore};
use dyopen_core::StoreError;
use sqlx::Row;

#[async_trait]
impl DemoStore for SqlStore {
    async fn demo_app(&self) -> Result<Option<DemoApp>, StoreError> {
        let row = sqlx::query("SELECT appid, secret FROM demo_app WHERE singleton = 1")
            .fetch_optional(&self.write)
            .await
            .map_err(backend_err)?;
        let Some(row) = row else { return Ok(None) };
        let appid: String = row.try_get("appid").map_err(backend_err)?;
        let secret: String = row.try_get("secret").map_err(backend_err)?;
        let appid = AppId::parse(&appid)
            .map_err(|_| StoreError::Backend("corrupt demo_app row: appid".into()))?;
        Ok(Some(DemoApp {
            appid,
            secret: AppSecret::presented(&secret),
        }))
    }

    async fn set_demo_app(&self, demo: &DemoApp) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO demo_app (singleton, appid, secret) VALUES (1, $1, $2) \
             ON CONFLICT (singleton) DO UPDATE SET appid = excluded.appid, secret = excluded.secret",
        )
        .bind(demo.appid.as_str())
        .bind(demo.secret.expose())
        .execute(&self.write)
        .await
        .map_err(backend_err)?;
        Ok(())
    }
}
