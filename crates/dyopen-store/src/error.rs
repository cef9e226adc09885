//! The store's own error: what its internal functions return, turned into core's [`StoreError`]
//! once, where a trait method answers (the domain errors take it through their `Storage` arm).

use dyopen_core::link::LinkError;
use dyopen_core::region::CityError;
use dyopen_core::task::{SubmissionError, TalentsError, TaskError};
use dyopen_core::StoreError;

/// Why a store call failed, before it leaves the crate.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// The database refused a statement or could not be reached.
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    /// SQLite refused a statement on the synchronous writer connection
    /// ([`crate::writer::Writer::sqlite_tx`]).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A value could not be written as, or read from, its JSON column.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// What a constraint would refuse, found by the store itself (an app that is gone, no free
    /// link code).
    #[error("{0}")]
    Conflict(String),
    /// A stored row no longer parses as its domain type; the text names the row (and column).
    #[error("{0}")]
    Corrupt(&'static str),
    /// Anything else the store cannot go on with, said in words.
    #[error("{0}")]
    Other(String),
}

impl From<Error> for StoreError {
    /// Constraint violations become [`StoreError::Conflict`] (core turns them into domain
    /// errors); database failures are logged here, once, and kept whole.
    fn from(e: Error) -> Self {
        match e {
            Error::Sql(e) => {
                if let Some(db) = e.as_database_error() {
                    if db.is_unique_violation() || db.is_foreign_key_violation() {
                        return StoreError::Conflict(db.message().to_owned());
                    }
                }
                tracing::error!(error = %e, "database error");
                StoreError::Backend(Box::new(e))
            }
            Error::Sqlite(e) => {
                if let rusqlite::Error::SqliteFailure(failure, message) = &e {
                    use rusqlite::ffi;
                    if matches!(
                        failure.extended_code,
                        ffi::SQLITE_CONSTRAINT_UNIQUE
                            | ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                            | ffi::SQLITE_CONSTRAINT_FOREIGNKEY
                    ) {
                        return StoreError::Conflict(
                            message.clone().unwrap_or_else(|| failure.to_string()),
                        );
                    }
                }
                tracing::error!(error = %e, "database error");
                StoreError::Backend(Box::new(e))
            }
            Error::Conflict(what) => StoreError::Conflict(what),
            other => StoreError::Backend(Box::new(other)),
        }
    }
}

/// The domain errors of the write paths: a store failure goes to their `Storage` arm.
macro_rules! storage_arm {
    ($($domain:ty),*) => {$(
        impl From<Error> for $domain {
            fn from(e: Error) -> Self {
                StoreError::from(e).into()
            }
        }
    )*};
}
storage_arm!(
    CityError,
    TaskError,
    TalentsError,
    SubmissionError,
    LinkError
);
