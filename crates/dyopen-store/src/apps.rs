//! Apps, tokens and provider grants.

use crate::{Error, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::{App, AppId, AppPatch, AppStatus, PublishedPages};
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::store::AppStore;
use dyopen_core::token::{live_at, oldest_kept_token, NewToken, TokenKind, TokenRecord};
use dyopen_core::StoreError;

const APP_COLUMNS: &str =
    "appid, name, secret_hash, pages, qps_limit, daily_link_quota, status, created_at";

/// An `apps` row as stored.
#[derive(sqlx::FromRow)]
struct AppRow {
    appid: String,
    name: String,
    secret_hash: String,
    /// A JSON array of page paths.
    pages: String,
    qps_limit: i64,
    daily_link_quota: i64,
    status: String,
    created_at: i64,
}

impl TryFrom<AppRow> for App {
    type Error = Error;
    fn try_from(r: AppRow) -> Result<Self, Error> {
        let pages: Vec<String> =
            serde_json::from_str(&r.pages).map_err(|_| Error::Corrupt("corrupt app row: pages"))?;
        Ok(App {
            appid: AppId::parse(&r.appid).map_err(|_| Error::Corrupt("corrupt app row: appid"))?,
            name: r.name,
            secret_hash: r.secret_hash,
            pages: PublishedPages::parse_stored(&pages)
                .map_err(|_| Error::Corrupt("corrupt app row: pages"))?,
            qps_limit: r.qps_limit,
            daily_link_quota: r.daily_link_quota,
            status: AppStatus::parse(&r.status)
                .map_err(|_| Error::Corrupt("corrupt app row: status"))?,
            created_at: UnixSecs::new(r.created_at),
        })
    }
}

/// A `tokens` row as [`find_token`] reads it.
#[derive(sqlx::FromRow)]
struct TokenRow {
    appid: String,
    kind: String,
    expires_at: i64,
}

impl TryFrom<TokenRow> for TokenRecord {
    type Error = Error;
    fn try_from(r: TokenRow) -> Result<Self, Error> {
        let corrupt = || Error::Corrupt("corrupt token row");
        Ok(TokenRecord {
            appid: AppId::parse(&r.appid).map_err(|_| corrupt())?,
            kind: TokenKind::parse(&r.kind).ok_or_else(corrupt)?,
            expires_at: UnixSecs::new(r.expires_at),
        })
    }
}

/// The newest token of one app and kind, as [`issue_token`] reads it.
#[derive(sqlx::FromRow)]
struct NewestToken {
    seq: i64,
    expires_at: i64,
}

/// A `providers` row of one app.
#[derive(sqlx::FromRow)]
struct ProviderRow {
    provider_appid: String,
    created_at: i64,
}

impl ProviderRow {
    fn into_grant(self) -> Result<(AppId, UnixSecs), Error> {
        let provider = AppId::parse(&self.provider_appid)
            .map_err(|_| Error::Corrupt("corrupt provider row"))?;
        Ok((provider, UnixSecs::new(self.created_at)))
    }
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
            .map_err(Error::from)?;
        Ok(())
    }

    async fn wipe_all(&self) -> Result<(), StoreError> {
        let wiped = self.wipe().await;
        self.cache.clear();
        Ok(wiped?)
    }

    async fn create_app(&self, app: &App) -> Result<(), StoreError> {
        Ok(create_app(self, app).await?)
    }

    async fn get_app(&self, appid: &AppId) -> Result<Option<App>, StoreError> {
        Ok(get_app(self, appid).await?)
    }

    async fn list_apps(&self, offset: u64, limit: u64) -> Result<(Vec<App>, u64), StoreError> {
        Ok(list_apps(self, offset, limit).await?)
    }

    async fn update_app(&self, appid: &AppId, patch: &AppPatch) -> Result<Option<App>, StoreError> {
        Ok(update_app(self, appid, patch).await?)
    }

    async fn rotate_secret(
        &self,
        appid: &AppId,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(rotate_secret(self, appid, secret_hash, now).await?)
    }

    async fn issue_token(&self, token: &NewToken) -> Result<(), StoreError> {
        Ok(issue_token(self, token).await?)
    }

    async fn find_token(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        Ok(find_token(self, hash).await?)
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
        .execute(&mut *self.writer.conn().await?)
        .await
        .map_err(Error::from)?;
        Ok(())
    }

    async fn revoke_provider(&self, appid: &AppId, provider: &AppId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM providers WHERE appid = $1 AND provider_appid = $2")
            .bind(appid.as_str())
            .bind(provider.as_str())
            .execute(&mut *self.writer.conn().await?)
            .await
            .map_err(Error::from)?;
        Ok(done.rows_affected() > 0)
    }

    async fn is_provider(&self, appid: &AppId, provider: &AppId) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT 1 AS one FROM providers WHERE appid = $1 AND provider_appid = $2")
                .bind(appid.as_str())
                .bind(provider.as_str())
                .fetch_optional(&self.read)
                .await
                .map_err(Error::from)?;
        Ok(row.is_some())
    }

    async fn list_providers(&self, appid: &AppId) -> Result<Vec<(AppId, UnixSecs)>, StoreError> {
        Ok(list_providers(self, appid).await?)
    }
}

async fn create_app(store: &SqlStore, app: &App) -> Result<(), Error> {
    let sql = format!("INSERT INTO apps ({APP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    sqlx::query(&sql)
        .bind(app.appid.as_str())
        .bind(&app.name)
        .bind(&app.secret_hash)
        .bind(pages_json(&app.pages))
        .bind(app.qps_limit)
        .bind(app.daily_link_quota)
        .bind(app.status.as_str())
        .bind(app.created_at.get())
        .execute(&mut *store.writer.conn().await?)
        .await?;
    Ok(())
}

async fn get_app(store: &SqlStore, appid: &AppId) -> Result<Option<App>, Error> {
    if let Some(app) = store.cache.app(appid) {
        return Ok(Some(app));
    }
    let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE appid = $1");
    let row: Option<AppRow> = sqlx::query_as(&sql)
        .bind(appid.as_str())
        .fetch_optional(&store.read)
        .await?;
    let app = row.map(App::try_from).transpose()?;
    if let Some(app) = &app {
        store.cache.put_app(app);
    }
    Ok(app)
}

async fn list_apps(store: &SqlStore, offset: u64, limit: u64) -> Result<(Vec<App>, u64), Error> {
    let sql =
        format!("SELECT {APP_COLUMNS} FROM apps ORDER BY created_at, appid LIMIT $1 OFFSET $2");
    let rows: Vec<AppRow> = sqlx::query_as(&sql)
        .bind(limit.min(i64::MAX as u64) as i64)
        .bind(offset.min(i64::MAX as u64) as i64)
        .fetch_all(&store.read)
        .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM apps")
        .fetch_one(&store.read)
        .await?;
    Ok((
        rows.into_iter()
            .map(App::try_from)
            .collect::<Result<_, _>>()?,
        total as u64,
    ))
}

async fn update_app(
    store: &SqlStore,
    appid: &AppId,
    patch: &AppPatch,
) -> Result<Option<App>, Error> {
    let mut tx = store.begin().await?;
    if !store.lock_app(&mut tx, appid.as_str()).await? {
        return Ok(None);
    }
    let sql = format!("SELECT {APP_COLUMNS} FROM apps WHERE appid = $1");
    let row: AppRow = sqlx::query_as(&sql)
        .bind(appid.as_str())
        .fetch_one(&mut *tx)
        .await?;
    let mut app = App::try_from(row)?;
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
        .await?;
    tx.commit().await?;
    store.cache.forget_app(appid);
    Ok(Some(app))
}

async fn rotate_secret(
    store: &SqlStore,
    appid: &AppId,
    secret_hash: &str,
    now: Timestamp,
) -> Result<bool, Error> {
    let mut tx = store.begin().await?;
    if !store.lock_app(&mut tx, appid.as_str()).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE apps SET secret_hash = $2 WHERE appid = $1")
        .bind(appid.as_str())
        .bind(secret_hash)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE tokens SET expires_at = $2 WHERE appid = $1 AND expires_at > $2")
        .bind(appid.as_str())
        .bind(now.secs())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    store.cache.forget_app(appid);
    store.cache.forget_tokens(appid, None);
    Ok(true)
}

async fn issue_token(store: &SqlStore, token: &NewToken) -> Result<(), Error> {
    let (appid, kind, now) = (
        token.appid.as_str(),
        token.kind.as_str(),
        token.issued_at.secs(),
    );
    let mut tx = store.begin().await?;
    if !store.lock_app(&mut tx, appid).await? {
        return Err(Error::Conflict(format!("no app {appid}")));
    }
    // The newest token of this kind (bounded work: the table holds at most
    // LIVE_TOKENS_PER_KIND + DEAD_TOKENS_KEPT rows per app and kind).
    let newest: Option<NewestToken> = sqlx::query_as(
        "SELECT seq, expires_at FROM tokens WHERE appid = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1",
    )
    .bind(appid)
    .bind(kind)
    .fetch_optional(&mut *tx)
    .await?;
    let NewestToken {
        seq,
        expires_at: previous_expires,
    } = newest.unwrap_or(NewestToken {
        seq: 0,
        expires_at: i64::MIN,
    });
    // Tokens older than the previous one are revoked; the previous one keeps a short grace.
    sqlx::query("UPDATE tokens SET expires_at = $3 WHERE appid = $1 AND kind = $2 AND seq < $4 AND expires_at > $3")
        .bind(appid)
        .bind(kind)
        .bind(now)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE tokens SET expires_at = $3 WHERE appid = $1 AND kind = $2 AND seq = $4 AND expires_at > $3")
        .bind(appid)
        .bind(kind)
        .bind(token.previous_token_deadline().get())
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    // Only the live tokens and the newest dead ones are kept (so that "expired" can still be
    // told from "unknown", 12025 vs 12024 on the legacy link API); older ones are deleted.
    let previous_live = live_at(UnixSecs::new(previous_expires), token.issued_at);
    sqlx::query("DELETE FROM tokens WHERE appid = $1 AND kind = $2 AND seq < $3")
        .bind(appid)
        .bind(kind)
        .bind(oldest_kept_token(seq + 1, previous_live))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO tokens (token_hash, appid, kind, seq, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&token.hash)
    .bind(appid)
    .bind(kind)
    .bind(seq + 1)
    .bind(token.expires_at.get())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    store.cache.forget_tokens(&token.appid, Some(token.kind));
    Ok(())
}

async fn find_token(store: &SqlStore, hash: &str) -> Result<Option<TokenRecord>, Error> {
    if let Some(record) = store.cache.token(hash) {
        return Ok(Some(record));
    }
    let row: Option<TokenRow> =
        sqlx::query_as("SELECT appid, kind, expires_at FROM tokens WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(&store.read)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let record = TokenRecord::try_from(row)?;
    store.cache.put_token(hash, &record);
    Ok(Some(record))
}

async fn list_providers(store: &SqlStore, appid: &AppId) -> Result<Vec<(AppId, UnixSecs)>, Error> {
    let rows: Vec<ProviderRow> = sqlx::query_as("SELECT provider_appid, created_at FROM providers WHERE appid = $1 ORDER BY created_at, provider_appid")
        .bind(appid.as_str())
        .fetch_all(&store.read)
        .await?;
    rows.into_iter().map(ProviderRow::into_grant).collect()
}
