//! URL links: the group-commit writer of inserts ([`writer`]), the visit flush ([`visits`]), the
//! write receipts that make both retry-safe ([`receipts`]), and the reads.

mod receipts;
mod visits;
mod writer;

pub(crate) use writer::{spawn_writer, LinkWriter};

use crate::{backend_err, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::link::{
    Host, Link, LinkApi, LinkCode, LinkError, LinkFilter, Liveness, NewLink, VisitCount,
};
use dyopen_core::store::LinkStore;
use dyopen_core::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;
use tokio::sync::oneshot;
use writer::{used_on, InsertJob};

const LINK_COLUMNS: &str = "code, appid, host, path, query, created_at, expires_at, visits";

fn link_from_row(row: &AnyRow) -> Result<Link, StoreError> {
    let corrupt = |what: &str| StoreError::Backend(format!("corrupt link row: {what}"));
    let code: String = row.try_get("code").map_err(backend_err)?;
    let appid: String = row.try_get("appid").map_err(backend_err)?;
    let host: String = row.try_get("host").map_err(backend_err)?;
    Ok(Link {
        code: LinkCode::parse(&code).ok_or_else(|| corrupt("code"))?,
        appid: AppId::parse(&appid).map_err(|_| corrupt("appid"))?,
        host: Host::parse(&host, LinkApi::V1).map_err(|_| corrupt("host"))?,
        path: row.try_get("path").map_err(backend_err)?,
        query: row.try_get("query").map_err(backend_err)?,
        created_at: row.try_get("created_at").map_err(backend_err)?,
        expires_at: row.try_get("expires_at").map_err(backend_err)?,
        visits: row.try_get("visits").map_err(backend_err)?,
    })
}

#[async_trait]
impl LinkStore for SqlStore {
    async fn insert_link(
        &self,
        link: &NewLink,
        day: i64,
        daily_quota: i64,
    ) -> Result<Link, LinkError> {
        let (reply, answer) = oneshot::channel();
        let job = InsertJob {
            link: link.clone(),
            day,
            quota: daily_quota,
            reply,
        };
        let stopped =
            || LinkError::GenerateFailed(StoreError::Backend("link writer stopped".into()));
        self.link_writer.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    async fn get_link(&self, code: &LinkCode) -> Result<Option<Link>, StoreError> {
        let sql = format!("SELECT {LINK_COLUMNS} FROM links WHERE code = $1");
        let row = sqlx::query(&sql)
            .bind(code.as_str())
            .fetch_optional(&self.read)
            .await
            .map_err(backend_err)?;
        row.as_ref().map(link_from_row).transpose()
    }

    async fn list_links(
        &self,
        appid: &AppId,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Link>, u64), StoreError> {
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM links WHERE appid = $1 ORDER BY created_at DESC, code LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(&sql)
            .bind(appid.as_str())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(backend_err)?;
        let links = rows.iter().map(link_from_row).collect::<Result<_, _>>()?;
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM links WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(backend_err)?;
        Ok((links, u64::try_from(total).unwrap_or(0)))
    }

    async fn search_links(
        &self,
        appid: &AppId,
        filter: &LinkFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Link>, u64), StoreError> {
        // $2: the page ('' for any); $3: live links have expires_at > $3 (`LinkFilter::admits`).
        let mut cond = String::from("appid = $1 AND ($2 = '' OR path = $2)");
        cond.push_str(match filter.liveness {
            Liveness::All => " AND $3 = $3",
            Liveness::Live => " AND expires_at > $3",
            Liveness::Expired => " AND expires_at <= $3",
        });
        let path = filter.path.clone().unwrap_or_default();
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM links WHERE {cond} ORDER BY created_at DESC, code LIMIT $4 OFFSET $5"
        );
        let rows = sqlx::query(&sql)
            .bind(appid.as_str())
            .bind(&path)
            .bind(filter.live_after())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(backend_err)?;
        let links = rows.iter().map(link_from_row).collect::<Result<_, _>>()?;
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM links WHERE {cond}"))
            .bind(appid.as_str())
            .bind(&path)
            .bind(filter.live_after())
            .fetch_one(&self.read)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(backend_err)?;
        Ok((links, u64::try_from(total).unwrap_or(0)))
    }

    async fn links_used_on(&self, appid: &AppId, day: i64) -> Result<i64, StoreError> {
        let mut conn = self.read.acquire().await.map_err(backend_err)?;
        used_on(&mut conn, appid.as_str(), day).await
    }

    async fn add_link_visits(
        &self,
        flush_id: &str,
        visits: &[VisitCount],
    ) -> Result<(), StoreError> {
        visits::add(self, flush_id, visits).await
    }

    async fn settle_link_visits(&self) -> Result<u64, StoreError> {
        visits::settle(self).await
    }

    async fn visits_by_day(
        &self,
        appid: &AppId,
        code: Option<&LinkCode>,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        visits::by_day(
            self,
            appid.as_str(),
            code.map(LinkCode::as_str),
            from_day,
            to_day,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
