//! Server configuration, filled by the `dyopen serve` flags (or directly by tests), and
//! [`Limits`]: every resource bound of SPEC §8 with its default, flag, variable and reason.

use dyopen_store::SqliteSync;
use std::net::SocketAddr;
use std::time::Duration;

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
    /// Resource bounds (timeouts, connections, memory budgets).
    pub limits: Limits,
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
            limits: Limits::default(),
        }
    }
}

/// A byte size on the command line: `268435456`, `256MiB`, `64 KiB`, `1GB`.
fn parse_bytes(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| format!("not a byte size ({e}); examples: 65536, 64KiB, 256MiB"))
}

/// A duration on the command line: `10s`, `500ms`, `2m`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("not a duration ({e}); examples: 10s, 500ms, 2m"))
}

/// The resource bounds of SPEC §8 ("Hostile traffic and resource bounds"): each has a default
/// here, a `dyopen serve` flag and a `DYOPEN_*` variable; `docs/deploy.md` says why each exists.
/// Handlers and runtimes read them from [`crate::AppState`], never from constants of their own.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct Limits {
    /// Request headers must arrive within this time of the connection opening (or of the previous
    /// request on a keep-alive connection); slower clients are disconnected.
    #[arg(long, env = "DYOPEN_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// A request body must arrive within this time of its headers; slower clients are disconnected.
    #[arg(long, env = "DYOPEN_BODY_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub body_timeout: Duration,
    /// A keep-alive connection idle this long is closed.
    #[arg(long, env = "DYOPEN_IDLE_TIMEOUT", default_value = "75s", value_parser = parse_duration)]
    pub idle_timeout: Duration,
    /// A handler without response headers after this time is answered as a system error (emulator
    /// `timeout` faults and server-sent-event streams are exempt).
    #[arg(long, env = "DYOPEN_HANDLER_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub handler_timeout: Duration,
    /// Most connections open at once; further ones wait in the listen backlog.
    #[arg(long, env = "DYOPEN_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// On SIGTERM, in-flight requests get at most this long to finish before the process exits.
    #[arg(long, env = "DYOPEN_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
    /// Memory budget of the redirect path's link cache, in bytes.
    #[arg(long, env = "DYOPEN_LINK_CACHE_BYTES", default_value = "256MiB", value_parser = parse_bytes)]
    pub link_cache_bytes: u64,
    /// Emulator journal: most bytes kept of each request or response body.
    #[arg(long, env = "DYOPEN_JOURNAL_BODY_BYTES", default_value = "64KiB", value_parser = parse_bytes)]
    pub journal_body_bytes: u64,
    /// Emulator journal: most bytes kept in all.
    #[arg(long, env = "DYOPEN_JOURNAL_BYTES", default_value = "64MiB", value_parser = parse_bytes)]
    pub journal_bytes: u64,
    /// Longest wait for a database connection before a request fails with a system error.
    #[arg(long, env = "DYOPEN_DB_ACQUIRE_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pub db_acquire_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(75),
            handler_timeout: Duration::from_secs(30),
            max_connections: 10_000,
            shutdown_grace: Duration::from_secs(10),
            link_cache_bytes: 256 << 20,
            journal_body_bytes: 64 << 10,
            journal_bytes: 64 << 20,
            db_acquire_timeout: Duration::from_secs(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        limits: Limits,
    }

    #[test]
    fn flag_defaults_are_the_default_limits() {
        let parsed = Flags::try_parse_from(["dyopen"]).expect("defaults parse");
        assert_eq!(parsed.limits, Limits::default());
    }

    #[test]
    fn sizes_and_durations_parse_with_units() {
        let parsed = Flags::try_parse_from([
            "dyopen",
            "--link-cache-bytes",
            "1MiB",
            "--journal-bytes",
            "4096",
            "--header-timeout",
            "500ms",
        ])
        .expect("parse");
        assert_eq!(parsed.limits.link_cache_bytes, 1 << 20);
        assert_eq!(parsed.limits.journal_bytes, 4096);
        assert_eq!(parsed.limits.header_timeout, Duration::from_millis(500));
        assert!(Flags::try_parse_from(["dyopen", "--body-timeout", "soon"]).is_err());
    }
}
