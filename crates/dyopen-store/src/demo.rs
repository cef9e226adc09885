//! The demo app record (one row).

use crate::{Error, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::{AppId, AppSecret};
use dyopen_core::store::{DemoApp, DemoStore};
use dyopen_core::StoreError;

/// The `demo_app` row.
#[derive(sqlx::FromRow)]
struct DemoRow {
    appid: String,
    secret: String,
}

impl TryFrom<DemoRow> for DemoApp {
    type Error = Error;
    fn try_from(r: DemoRow) -> Result<Self, Error> {
        Ok(DemoApp {
            appid: AppId::parse(&r.appid)
                .map_err(|_| Error::Corrupt("corrupt demo_app row: appid"))?,
            secret: AppSecret::presented(&r.secret),
        })
    }
}

#[async_trait]
impl DemoStore for SqlStore {
    async fn demo_app(&self) -> Result<Option<DemoApp>, StoreError> {
        let row: Option<DemoRow> =
            sqlx::query_as("SELECT appid, secret FROM demo_app WHERE singleton = 1")
                .fetch_optional(&mut *self.writer.conn().await?)
                .await
                .map_err(Error::from)?;
        Ok(row.map(DemoApp::try_from).transpose()?)
    }

    async fn set_demo_app(&self, demo: &DemoApp) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO demo_app (singleton, appid, secret) VALUES (1, $1, $2) \
             ON CONFLICT (singleton) DO UPDATE SET appid = excluded.appid, secret = excluded.secret",
        )
        .bind(demo.appid.as_str())
        .bind(demo.secret.expose())
        .execute(&mut *self.writer.conn().await?)
        .await
        .map_err(Error::from)?;
        Ok(())
    }
}
