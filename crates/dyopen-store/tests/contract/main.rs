//! The store's contract: what `dyopen-store` promises through core's `Store` traits, asserted
//! through its public API only, one async function per behaviour, each run on SQLite and (with
//! `DYOPEN_TEST_PG_URL`) PostgreSQL.

#[macro_use]
mod helpers;
mod apps;
mod links;
mod regions;
mod sessions;
mod tasks;
mod tokens;
