//! Server configuration, filled by the `dyopen serve` flags (or directly by tests).

use dyopen_store::SqliteSync;
use std::net::SocketAddr;

/// Everything `Application::build` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// SQLite durability.
    pub sqlite_sync: SqliteSync,
    /// Bearer token of the admin API.
    pub admin_token: String,
    /// Base of generated URL links; `http://` + the bound address when unset.
    pub public_base_url: Option<String>,
    /// Redis for shared rate limits (several instances).
    pub redis_url: Option<String>,
    /// Prefix of this deployment's Redis keys (instances sharing limits share it).
    pub redis_prefix: String,
    /// Enables `/_emulator/v1` and the settable clock.
    pub emulator: bool,
    /// Requests the emulator journal keeps.
    pub journal_capacity: usize,
}

impl Config {
    /// Defaults for a database URL and admin token (listen on 127.0.0.1, any port).
    pub fn new(database_url: impl Into<String>, admin_token: impl Into<String>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            sqlite_sync: SqliteSync::Normal,
            admin_token: admin_token.into(),
            public_base_url: None,
            redis_url: None,
            redis_prefix: "dyopen:".into(),
            emulator: false,
            journal_capacity: crate::emulator::DEFAULT_JOURNAL_CAPACITY,
        }
    }
}
