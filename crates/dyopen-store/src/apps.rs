//! Apps, tokens and provider grants.

use crate::{backend_err, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::{App, AppId, AppPatch, AppStatus, PublishedPages};
use dyopen_core::clock::Timestamp;
use dyopen_core::store::AppStore;
use dyopen_core::token::{live_at, oldest_kept_token, NewToken, TokenKind, TokenRecord};
use dyopen_core::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;

const APP_COLUMNS: &str =
    "appid, name, secret_hash, pages, qps_limit, daily_link_quota, status, created_at";

fn app_from_row(row: &AnyRow) -> Result<App, StoreError> {
    let corrupt = |what: &str| StoreError::Backend(format!("corrupt app row: {what}"));
    let appid: String = row.try_get("appid").map_err(backend_err)?;
    let pages: String = row.try_get("pages").map_err(backend_err)?;
    let pages: Vec<String> = serde_json::from_str(&pages).map_err(|_| corrupt("pages"))?;
    let status: String = row.try_get("status").map_err(backend_err)?;
    Ok(App {
        appid: AppId::parse(&appid).map_err(|_| corrupt("appid"))?,
        name: row.try_get("name").map_err(backend_err)?,
        secret_hash: row.try_get("secret_hash").map_err(backend_err)?,
        pages: PublishedPages::parse_stored(&pages).map_err(|_| corrupt("pages"))?,
        qps_limit: row.try_get("qps_limit").map_err(backend_err)?,
        daily_link_quota: row.try_get("daily_link_quota").map_err(backend_err)?,
        status: AppStatus::parse(&status).map_err(|_| corrupt("status"))?,
        created_at: row.try_get("created_at").map_err(backend_err)?,
    })
}

fn pages_json(pages: &PublishedPages) -> String {
    serde_json::Value::from(pages.to_strings()).to_string()
}

#[async_trait]
impl AppStore for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    async fn wipe_all(&self) -> Result<(), StoreError> {
        let wiped = self.wipe().await;
        self.cache.clear();
        wiped
    }

    async fn create_app(&self, app: &App) -> Result<(), StoreError> {
        let sql =
            format!("INSERT INTO apps ({APP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        sqlx::query(&sql)
            .bind(app.appid.as_str())
            .bind(&app.name)
            .bind(&app.secret_hash)
            .bind(pages_json(&app.pages))
            .bind(app.qps_limit)
            .bind(app.daily_link_quota)
            .bind(app.status.as_str())
            .bind(app.created_at)
            .execute(&self.write)
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    async fn get_app(&self, appid: &AppId) -> Result<Option<App>, StoreError> {
        if let Some(app) = self.cache.app(appid) {
            return Ok(Some(app));
        }
        let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE appid = $1");
        let row = sqlx::query(&sql)
            .bind(appid.as_str())
            .fetch_optional(&self.read)
            .await
            .map_err(backend_err)?;
        let app = row.as_ref().map(app_from_row).transpose()?;
        if let Some(app) = &app {
            self.cache.put_app(app);
        }
        Ok(app)
    }

    async fn list_apps(&self, offset: u64, limit: u64) -> Result<(Vec<App>, u64), StoreError> {
        let sql =
            format!("SELECT {APP_COLUMNS} FROM apps ORDER BY created_at, appid LIMIT $1 OFFSET $2");
        let rows = sqlx::query(&sql)
            .bind(limit.min(i64::MAX as u64) as i64)
            .bind(offset.min(i64::MAX as u64) as i64)
            .fetch_all(&self.read)
            .await
            .map_err(backend_err)?;
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM apps")
            .fetch_one(&self.read)
            .await
            .map_err(backend_err)?
            .try_get("n")
            .map_err(backend_err)?;
        Ok((
            rows.iter().map(app_from_row).collect::<Result<_, _>>()?,
            total as u64,
        ))
    }

    async fn update_app(&self, appid: &AppId, patch: &AppPatch) -> Result<Option<App>, StoreError> {
        let mut tx = self.begin().await?;
        if !self.lock_app(&mut tx, appid.as_str()).await? {
            return Ok(None);
        }
        let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE appid = $1");
        let row = sqlx::query(&sql)
            .bind(appid.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(backend_err)?;
        let mut app = app_from_row(&row)?;
        if let Some(name) = &patch.name {
            app.name = name.clone();
        }
        if let Some(pages) = &patch.pages {
            app.pages = pages.clone();
        }
        app.qps_limit = patch.qps_limit.unwrap_or(app.qps_limit);
        app.daily_link_quota = patch.daily_link_quota.unwrap_or(app.daily_link_quota);
        app.status = patch.status.unwrap_or(app.status);
        sqlx::query("UPDATE apps SET name = $2, pages = $3, qps_limit = $4, daily_link_quota = $5, status = $6 WHERE appid = $1")
            .bind(appid.as_str())
            .bind(&app.name)
            .bind(pages_json(&app.pages))
            .bind(app.qps_limit)
            .bind(app.daily_link_quota)
            .bind(app.status.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        self.cache.forget_app(appid);
        Ok(Some(app))
    }

    async fn rotate_secret(
        &self,
        appid: &AppId,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        if !self.lock_app(&mut tx, appid.as_str()).await? {
            return Ok(false);
        }
        sqlx::query("UPDATE apps SET secret_hash = $2 WHERE appid = $1")
            .bind(appid.as_str())
            .bind(secret_hash)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query("UPDATE tokens SET expires_at = $2 WHERE appid = $1 AND expires_at > $2")
            .bind(appid.as_str())
            .bind(now.secs())
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        self.cache.forget_app(appid);
        self.cache.forget_tokens(appid, None);
        Ok(true)
    }

    async fn issue_token(&self, token: &NewToken) -> Result<(), StoreError> {
        let (appid, kind, now) = (
            token.appid.as_str(),
            token.kind.as_str(),
            token.issued_at.secs(),
        );
        let mut tx = self.begin().await?;
        if !self.lock_app(&mut tx, appid).await? {
            return Err(StoreError::Conflict(format!("no app {appid}")));
        }
        // The newest token of this kind (bounded work: the table holds at most
        // LIVE_TOKENS_PER_KIND + DEAD_TOKENS_KEPT rows per app and kind).
        let newest = sqlx::query(
            "SELECT seq, expires_at FROM tokens WHERE appid = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1",
        )
        .bind(appid)
        .bind(kind)
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend_err)?;
        let (seq, previous_expires): (i64, i64) = match newest {
            Some(row) => (
                row.try_get("seq").map_err(backend_err)?,
                row.try_get("expires_at").map_err(backend_err)?,
            ),
            None => (0, i64::MIN),
        };
        // Tokens older than the previous one are revoked; the previous one keeps a short grace.
        sqlx::query("UPDATE tokens SET expires_at = $3 WHERE appid = $1 AND kind = $2 AND seq < $4 AND expires_at > $3")
            .bind(appid)
            .bind(kind)
            .bind(now)
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query("UPDATE tokens SET expires_at = $3 WHERE appid = $1 AND kind = $2 AND seq = $4 AND expires_at > $3")
            .bind(appid)
            .bind(kind)
            .bind(token.previous_token_deadline())
            .bind(seq)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        // Only the live tokens and the newest dead ones are kept (so that "expired" can still be
        // told from "unknown", 12025 vs 12024 on the legacy link API); older ones are deleted.
        let previous_live = live_at(previous_expires, token.issued_at);
        sqlx::query("DELETE FROM tokens WHERE appid = $1 AND kind = $2 AND seq < $3")
            .bind(appid)
            .bind(kind)
            .bind(oldest_kept_token(seq + 1, previous_live))
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        sqlx::query("INSERT INTO tokens (token_hash, appid, kind, seq, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&token.hash)
            .bind(appid)
            .bind(kind)
            .bind(seq + 1)
            .bind(token.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(backend_err)?;
        tx.commit().await.map_err(backend_err)?;
        self.cache.forget_tokens(&token.appid, Some(token.kind));
        Ok(())
    }

    async fn find_token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        if let Some(record) = self.cache.token(hash) {
            return Ok(Some(record));
        }
        let row = sqlx::query("SELECT appid, kind, expires_at FROM tokens WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(&self.read)
            .await
            .map_err(backend_err)?;
        let Some(row) = row else { return Ok(None) };
        let appid: String = row.try_get("appid").map_err(backend_err)?;
        let kind: String = row.try_get("kind").map_err(backend_err)?;
        let corrupt = || StoreError::Backend("corrupt token row".into());
        let record = TokenRecord {
            appid: AppId::parse(&appid).map_err(|_| corrupt())?,
            kind: TokenKind::parse(&kind).ok_or_else(corrupt)?,
            expires_at: row.try_get("expires_at").map_err(backend_err)?,
        };
        self.cache.put_token(hash, &record);
        Ok(Some(record))
    }

    async fn grant_provider(
        &self,
        appid: &AppId,
        provider: &AppId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO providers (appid, provider_appid, created_at) VALUES ($1, $2, $3) ON CONFLICT (appid, provider_appid) DO NOTHING",
        )
        .bind(appid.as_str())
        .bind(provider.as_str())
        .bind(now.secs())
        .execute(&self.write)
        .await
        .map_err(backend_err)?;
        Ok(())
    }

    async fn revoke_provider(&self, appid: &AppId, provider: &AppId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM providers WHERE appid = $1 AND provider_appid = $2")
            .bind(appid.as_str())
            .bind(provider.as_str())
            .execute(&self.write)
            .await
            .map_err(backend_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn is_provider(&self, appid: &AppId, provider: &AppId) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT 1 AS one FROM providers WHERE appid = $1 AND provider_appid = $2")
                .bind(appid.as_str())
                .bind(provider.as_str())
                .fetch_optional(&self.read)
                .await
                .map_err(backend_err)?;
        Ok(row.is_some())
    }

    async fn list_providers(&self, appid: &AppId) -> Result<Vec<(AppId, i64)>, StoreError> {
        let rows = sqlx::query("SELECT provider_appid, created_at FROM providers WHERE appid = $1 ORDER BY created_at, provider_appid")
            .bind(appid.as_str())
            .fetch_all(&self.read)
            .await
            .map_err(backend_err)?;
        rows.iter()
            .map(|r| {
                let p: String = r.try_get("provider_appid").map_err(backend_err)?;
                let at: i64 = r.try_get("created_at").map_err(backend_err)?;
                Ok((
                    AppId::parse(&p)
                        .map_err(|_| StoreError::Backend("corrupt provider row".into()))?,
                    at,
                ))
            })
            .collect()
    }
}
