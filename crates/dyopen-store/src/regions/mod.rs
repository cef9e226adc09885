//! City bindings: load the app's [`RegionState`] under the app lock, let core decide, apply.

use crate::{Backend, Error, SqlStore};
use async_trait::async_trait;
use dyopen_core::app::AppId;
use dyopen_core::app::PagePath;
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::ids::new_id;
use dyopen_core::region::{
    history_horizon, AddBinding, Binding, CityError, DeleteBinding, Effect, ModifyBinding,
    RegionState, TargetChange,
};
use dyopen_core::store::RegionStore;
use sqlx::AnyConnection;

mod sqlite;

/// A `region_bindings` row.
#[derive(sqlx::FromRow)]
struct BindingRow {
    data_id: i64,
    path: String,
    region_id: String,
    created_at: i64,
    modified_at: i64,
}

impl From<BindingRow> for Binding {
    fn from(r: BindingRow) -> Self {
        Binding {
            data_id: r.data_id,
            path: r.path,
            region_id: r.region_id,
            created_at: UnixSecs::new(r.created_at),
            modified_at: UnixSecs::new(r.modified_at),
        }
    }
}

/// A `region_changes` row.
#[derive(sqlx::FromRow)]
struct ChangeRow {
    path: String,
    changed_at: i64,
}

impl From<ChangeRow> for TargetChange {
    fn from(r: ChangeRow) -> Self {
        TargetChange {
            path: r.path,
            changed_at: UnixSecs::new(r.changed_at),
        }
    }
}

/// The app's bindings (`$1` appid), oldest first.
const LOAD_BINDINGS: &str = "SELECT data_id, path, region_id, created_at, modified_at FROM region_bindings WHERE appid = $1 ORDER BY created_at, data_id";
/// The last change of a target (`$1` appid, `$2` path).
const LOAD_CHANGE: &str =
    "SELECT path, changed_at FROM region_changes WHERE appid = $1 AND path = $2";
/// `$1` appid, `$2` the history horizon.
const PRUNE_CHANGES: &str = "DELETE FROM region_changes WHERE appid = $1 AND changed_at <= $2";
const INSERT_BINDING: &str = "INSERT INTO region_bindings (data_id, appid, path, region_id, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $5)";
const DELETE_BINDING: &str = "DELETE FROM region_bindings WHERE data_id = $1";
const UPDATE_BINDING: &str =
    "UPDATE region_bindings SET region_id = $2, modified_at = $3 WHERE data_id = $1";
/// `$1` appid, `$2` path, `$3` when.
const RECORD_CHANGE: &str = "INSERT INTO region_changes (appid, path, changed_at) VALUES ($1, $2, $3) ON CONFLICT (appid, path) DO UPDATE SET changed_at = excluded.changed_at";

async fn load_bindings(conn: &mut AnyConnection, appid: &str) -> Result<Vec<Binding>, Error> {
    let rows: Vec<BindingRow> = sqlx::query_as(LOAD_BINDINGS)
        .bind(appid)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(Binding::from).collect())
}

/// The last change of one target (what the throttle of a write, `CHANGE_WINDOW`, needs), if
/// any.
async fn load_change(
    conn: &mut AnyConnection,
    appid: &str,
    path: &str,
) -> Result<Vec<TargetChange>, Error> {
    let rows: Vec<ChangeRow> = sqlx::query_as(LOAD_CHANGE)
        .bind(appid)
        .bind(path)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(TargetChange::from).collect())
}

/// Deletes the app's changes that no longer throttle anything (`region::history_horizon`).
async fn prune_changes(conn: &mut AnyConnection, appid: &str, now: Timestamp) -> Result<(), Error> {
    sqlx::query(PRUNE_CHANGES)
        .bind(appid)
        .bind(history_horizon(now).get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The statement an [`Effect`] comes to (besides a change recorded for its target).
enum Write {
    Insert,
    Delete { data_id: i64 },
    Update { data_id: i64 },
}

/// What applying `effect` to `state` at `now` writes, the binding it answers with, and the
/// target whose change it records (delete and modify).
fn plan(
    state: &RegionState,
    effect: Effect,
    now: Timestamp,
) -> Result<(Write, Binding, Option<String>), Error> {
    let t = now.unix_secs();
    let existing = |data_id: i64| {
        state
            .bindings
            .iter()
            .find(|b| b.data_id == data_id)
            .cloned()
            .ok_or_else(|| Error::Other("binding vanished".into()))
    };
    Ok(match effect {
        Effect::Insert { path, region_id } => {
            let b = Binding {
                data_id: new_id(now),
                path,
                region_id,
                created_at: t,
                modified_at: t,
            };
            (Write::Insert, b, None)
        }
        Effect::Delete { data_id, path } => {
            let mut b = existing(data_id)?;
            b.modified_at = t;
            (Write::Delete { data_id }, b, Some(path))
        }
        Effect::Update {
            data_id,
            path,
            region_id,
        } => {
            let mut b = existing(data_id)?;
            b.region_id = region_id;
            b.modified_at = t;
            (Write::Update { data_id }, b, Some(path))
        }
    })
}

impl SqlStore {
    /// Runs `decide` against the app's state under its lock and applies the effect. The state
    /// holds the bindings and, for a delete/modify naming `throttled` (the request's path), the
    /// last change of its target only; expired history is pruned first. On SQLite the whole
    /// transaction runs on the writer's synchronous connection ([`sqlite`], decision 0018).
    async fn region_write(
        &self,
        appid: &AppId,
        now: Timestamp,
        throttled: Option<Option<&PagePath>>,
        decide: impl FnOnce(&RegionState) -> Result<Effect, CityError> + Send,
    ) -> Result<Binding, CityError> {
        if self.backend == Backend::Sqlite {
            return self
                .writer
                .sqlite_tx(|tx| sqlite::region_write(tx, appid.as_str(), now, throttled, decide))
                .await;
        }
        let mut tx = self.begin().await?;
        let app = appid.as_str();
        if !self.lock_app(&mut tx, app).await? {
            return Err(Error::Conflict(format!("no app {appid}")).into());
        }
        prune_changes(&mut tx, app, now).await?;
        let mut state = RegionState {
            bindings: load_bindings(&mut tx, app).await?,
            changes: Vec::new(),
        };
        if let Some(path) = throttled {
            let target = state.target_of(path);
            state.changes = load_change(&mut tx, app, &target).await?;
        }
        let effect = decide(&state)?;
        let (write, binding, changed) = plan(&state, effect, now)?;
        let query = match write {
            Write::Insert => sqlx::query(INSERT_BINDING)
                .bind(binding.data_id)
                .bind(app)
                .bind(&binding.path)
                .bind(&binding.region_id)
                .bind(binding.created_at.get()),
            Write::Delete { data_id } => sqlx::query(DELETE_BINDING).bind(data_id),
            Write::Update { data_id } => sqlx::query(UPDATE_BINDING)
                .bind(data_id)
                .bind(&binding.region_id)
                .bind(binding.modified_at.get()),
        };
        query.execute(&mut *tx).await.map_err(Error::from)?;
        if let Some(path) = changed {
            sqlx::query(RECORD_CHANGE)
                .bind(app)
                .bind(path)
                .bind(binding.modified_at.get())
                .execute(&mut *tx)
                .await
                .map_err(Error::from)?;
        }
        tx.commit().await.map_err(Error::from)?;
        Ok(binding)
    }
}

#[async_trait]
impl RegionStore for SqlStore {
    async fn region_add(
        &self,
        appid: &AppId,
        cmd: &AddBinding,
        now: Timestamp,
    ) -> Result<Binding, CityError> {
        self.region_write(appid, now, None, |s| s.decide_add(cmd))
            .await
    }

    async fn region_delete(
        &self,
        appid: &AppId,
        cmd: &DeleteBinding,
        now: Timestamp,
    ) -> Result<(), CityError> {
        self.region_write(appid, now, Some(cmd.path.as_ref()), |s| {
            s.decide_delete(cmd, now)
        })
        .await
        .map(drop)
    }

    async fn region_modify(
        &self,
        appid: &AppId,
        cmd: &ModifyBinding,
        now: Timestamp,
    ) -> Result<(), CityError> {
        self.region_write(appid, now, Some(cmd.path.as_ref()), |s| {
            s.decide_modify(cmd, now)
        })
        .await
        .map(drop)
    }

    async fn region_state(&self, appid: &AppId) -> Result<RegionState, CityError> {
        Ok(region_state(self, appid).await?)
    }
}

async fn region_state(store: &SqlStore, appid: &AppId) -> Result<RegionState, Error> {
    let mut conn = store.read.acquire().await?;
    let bindings = load_bindings(&mut conn, appid.as_str()).await?;
    // Only the bound targets' changes: the history of unbound paths is not listed.
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT path, changed_at FROM region_changes WHERE appid = $1 AND path IN (SELECT path FROM region_bindings WHERE appid = $1)",
    )
    .bind(appid.as_str())
    .fetch_all(&mut *conn)
    .await?;
    Ok(RegionState {
        bindings,
        changes: rows.into_iter().map(TargetChange::from).collect(),
    })
}
