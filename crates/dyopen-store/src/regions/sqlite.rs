//! A city-binding write on SQLite's synchronous writer connection
//! ([`crate::writer::Writer::sqlite_tx`]): the same statements, state and plan as the
//! PostgreSQL path ([`super`]), with no hand-off to sqlx's worker thread per statement. SQLite's
//! single writer already serialises, so the app is read without a lock clause.

use super::{
    plan, Write, DELETE_BINDING, INSERT_BINDING, LOAD_BINDINGS, LOAD_CHANGE, PRUNE_CHANGES,
    RECORD_CHANGE, UPDATE_BINDING,
};
use crate::sqlite::{app_exists, numbered};
use crate::Error;
use dyopen_core::app::PagePath;
use dyopen_core::clock::{Timestamp, UnixSecs};
use dyopen_core::region::{history_horizon, Binding, CityError, Effect, RegionState, TargetChange};
use rusqlite::{params, Transaction};

/// [`super::SqlStore::region_write`]'s transaction.
pub(super) fn region_write(
    tx: &Transaction<'_>,
    app: &str,
    now: Timestamp,
    throttled: Option<Option<&PagePath>>,
    decide: impl FnOnce(&RegionState) -> Result<Effect, CityError>,
) -> Result<Binding, CityError> {
    if !app_exists(tx, app)? {
        return Err(Error::Conflict(format!("no app {app}")).into());
    }
    execute(tx, PRUNE_CHANGES, params![app, history_horizon(now).get()])?;
    let mut state = RegionState {
        bindings: load_bindings(tx, app)?,
        changes: Vec::new(),
    };
    if let Some(path) = throttled {
        let target = state.target_of(path);
        state.changes = load_change(tx, app, &target)?;
    }
    let effect = decide(&state)?;
    let (write, binding, changed) = plan(&state, effect, now)?;
    let b = &binding;
    match write {
        Write::Insert => execute(
            tx,
            INSERT_BINDING,
            params![b.data_id, app, b.path, b.region_id, b.created_at.get()],
        )?,
        Write::Delete { data_id } => execute(tx, DELETE_BINDING, params![data_id])?,
        Write::Update { data_id } => execute(
            tx,
            UPDATE_BINDING,
            params![data_id, b.region_id, b.modified_at.get()],
        )?,
    }
    if let Some(path) = changed {
        execute(tx, RECORD_CHANGE, params![app, path, b.modified_at.get()])?;
    }
    Ok(binding)
}

/// Runs one statement (`$N` placeholders) from the connection's statement cache.
fn execute(tx: &Transaction<'_>, sql: &str, params: impl rusqlite::Params) -> Result<(), Error> {
    tx.prepare_cached(&numbered(sql))?.execute(params)?;
    Ok(())
}

fn load_bindings(tx: &Transaction<'_>, app: &str) -> Result<Vec<Binding>, Error> {
    let mut stmt = tx.prepare_cached(&numbered(LOAD_BINDINGS))?;
    let rows = stmt.query_map([app], |row| {
        Ok(Binding {
            data_id: row.get("data_id")?,
            path: row.get("path")?,
            region_id: row.get("region_id")?,
            created_at: UnixSecs::new(row.get("created_at")?),
            modified_at: UnixSecs::new(row.get("modified_at")?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load_change(tx: &Transaction<'_>, app: &str, path: &str) -> Result<Vec<TargetChange>, Error> {
    let mut stmt = tx.prepare_cached(&numbered(LOAD_CHANGE))?;
    let rows = stmt.query_map([app, path], |row| {
        Ok(TargetChange {
            path: row.get("path")?,
            changed_at: UnixSecs::new(row.get("changed_at")?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
