//! URL links: the group-commit writer of inserts ([`writer`]), the visit flush ([`visits`]), the
//! write receipts that make both retry-safe ([`receipts`]), and the reads.

mod receipts;
mod visits;
mod writer;

pub(crate) use writer::{spawn_writer, LinkWriter};

use crate::{Error, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::clock::UnixSecs;
use dyopen_core::link::{
    Host, Link, LinkApi, LinkCode, LinkError, LinkFilter, Liveness, NewLink, VisitCount,
};
use dyopen_core::store::LinkStore;
use dyopen_core::StoreError;
use tokio::sync::oneshot;
use writer::{used_on, InsertJob};

/// A link's stored columns, in the order the inserts bind them.
const LINK_COLUMNS: &str = "code, appid, host, path, query, created_at, expires_at, visits";
/// [`LINK_COLUMNS`] as read: a link's total visits are its folded history plus its kept daily
/// buckets (decision 0016; [`visits`] writes both).
const LINK_SELECT: &str = "code, appid, host, path, query, created_at, expires_at, \
    links.visits + COALESCE((SELECT CAST(SUM(d.visits) AS BIGINT) FROM link_visit_days AS d \
                             WHERE d.code = links.code), 0) AS visits";

/// A `links` row.
#[derive(sqlx::FromRow)]
struct LinkRow {
    code: String,
    appid: String,
    host: String,
    path: String,
    query: String,
    created_at: i64,
    expires_at: i64,
    visits: i64,
}

impl TryFrom<LinkRow> for Link {
    type Error = Error;
    fn try_from(r: LinkRow) -> Result<Self, Error> {
        Ok(Link {
            code: LinkCode::parse(&r.code).ok_or(Error::Corrupt("corrupt link row: code"))?,
            appid: AppId::parse(&r.appid).map_err(|_| Error::Corrupt("corrupt link row: appid"))?,
            host: Host::parse(&r.host, LinkApi::V1)
                .map_err(|_| Error::Corrupt("corrupt link row: host"))?,
            path: r.path,
            query: r.query,
            created_at: UnixSecs::new(r.created_at),
            expires_at: UnixSecs::new(r.expires_at),
            visits: r.visits,
        })
    }
}

/// Links of a page of rows.
fn links_of(rows: Vec<LinkRow>) -> Result<Vec<Link>, Error> {
    rows.into_iter().map(Link::try_from).collect()
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
            || LinkError::GenerateFailed(Error::Other("link writer stopped".into()).into());
        self.link_writer.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    async fn get_link(&self, code: &LinkCode) -> Result<Option<Link>, StoreError> {
        let sql = format!("SELECT {LINK_SELECT} FROM links WHERE code = $1");
        let row: Option<LinkRow> = sqlx::query_as(&sql)
            .bind(code.as_str())
            .fetch_optional(&self.read)
            .await
            .map_err(Error::from)?;
        Ok(row.map(Link::try_from).transpose()?)
    }

    async fn list_links(
        &self,
        appid: &AppId,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Link>, u64), StoreError> {
        let sql = format!(
            "SELECT {LINK_SELECT} FROM links WHERE appid = $1 ORDER BY created_at DESC, code LIMIT $2 OFFSET $3"
        );
        let rows: Vec<LinkRow> = sqlx::query_as(&sql)
            .bind(appid.as_str())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(Error::from)?;
        let links = links_of(rows)?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM links WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&self.read)
            .await
            .map_err(Error::from)?;
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
            "SELECT {LINK_SELECT} FROM links WHERE {cond} ORDER BY created_at DESC, code LIMIT $4 OFFSET $5"
        );
        let rows: Vec<LinkRow> = sqlx::query_as(&sql)
            .bind(appid.as_str())
            .bind(&path)
            .bind(filter.live_after().get())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(Error::from)?;
        let links = links_of(rows)?;
        let count_sql = format!("SELECT COUNT(*) AS n FROM links WHERE {cond}");
        let total: i64 = sqlx::query_scalar(&count_sql)
            .bind(appid.as_str())
            .bind(&path)
            .bind(filter.live_after().get())
            .fetch_one(&self.read)
            .await
            .map_err(Error::from)?;
        Ok((links, u64::try_from(total).unwrap_or(0)))
    }

    async fn links_used_on(&self, appid: &AppId, day: i64) -> Result<i64, StoreError> {
        let mut conn = self.read.acquire().await.map_err(Error::from)?;
        Ok(used_on(&mut conn, appid.as_str(), day).await?)
    }

    async fn add_link_visits(
        &self,
        flush_id: &str,
        visits: &[VisitCount],
    ) -> Result<(), StoreError> {
        Ok(visits::add(self, flush_id, visits).await?)
    }

    async fn settle_link_visits(&self) -> Result<u64, StoreError> {
        Ok(visits::settle(self).await?)
    }

    async fn visits_by_day(
        &self,
        appid: &AppId,
        code: Option<&LinkCode>,
        from_day: i64,
        to_day: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let code = code.map(LinkCode::as_str);
        Ok(visits::by_day(self, appid.as_str(), code, from_day, to_day).await?)
    }
}

#[cfg(test)]
mod tests;
