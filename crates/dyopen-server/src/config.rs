//! Server configuration, filled by the `dyopen serve` flags (or directly by tests), and
//! [`Limits`]: every resource bound of SPEC §8 with its default, flag, variable and reason.

use dyopen_store::SqliteSync;
use std::net::SocketAddr;
use std::time::Duration;

/// Everything `Application::build` needs.
#[derive(Clone)]
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
    /// Puts every `/_emulator/v1` request behind the admin token; required to run the emulator
    /// on a non-loopback address.
    pub emulator_remote: bool,
    /// Requests the emulator journal keeps.
    pub journal_capacity: usize,
    /// A second listener serving only `GET /metrics`, without the admin token.
    pub metrics_listen: Option<SocketAddr>,
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
            emulator_remote: false,
            journal_capacity: crate::emulator::DEFAULT_JOURNAL_CAPACITY,
            metrics_listen: None,
            limits: Limits::default(),
        }
    }
}

/// Shortest admin token accepted on a non-loopback address (shorter ones are only warned about
/// on loopback).
pub const MIN_ADMIN_TOKEN_CHARS: usize = 16;

impl Config {
    /// Refuses settings unsafe to start with (SPEC §8): an empty or blank admin token, a token
    /// shorter than [`MIN_ADMIN_TOKEN_CHARS`] off loopback, the emulator on a non-loopback address
    /// without `--emulator-remote`, a zero timeout or connection limit. Returns the warnings to
    /// log (a short token on loopback).
    pub fn validate(&self) -> anyhow::Result<Vec<String>> {
        let mut warnings = Vec::new();
        let loopback = self.listen.ip().is_loopback();
        let token = self.admin_token.trim();
        if token.is_empty() {
            anyhow::bail!(
                "the admin token is empty: set --admin-token / DYOPEN_ADMIN_TOKEN to a secret of at \
                 least {MIN_ADMIN_TOKEN_CHARS} characters (or remove an empty FILE.admin-token so \
                 one is generated)"
            );
        }
        let chars = token.chars().count();
        if chars < MIN_ADMIN_TOKEN_CHARS {
            let problem = format!(
                "the admin token has {chars} characters; at least {MIN_ADMIN_TOKEN_CHARS} are \
                 required off loopback"
            );
            if !loopback {
                anyhow::bail!("{problem} (listening on {})", self.listen);
            }
            warnings.push(format!(
                "{problem}; accepted because {} is loopback",
                self.listen
            ));
        }
        if self.emulator && !loopback && !self.emulator_remote {
            anyhow::bail!(
                "--emulator on the non-loopback address {} would let anyone reset the data and move \
                 the clock: listen on 127.0.0.1, or add --emulator-remote (DYOPEN_EMULATOR_REMOTE) \
                 to put /_emulator/v1 behind the admin token",
                self.listen
            );
        }
        self.limits.validate()?;
        Ok(warnings)
    }
}

/// Passwords and the admin token stay out of debug output.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use dyopen_core::redact::redact_url;
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("sqlite_sync", &self.sqlite_sync)
            .field("admin_token", &"***")
            .field("public_base_url", &self.public_base_url)
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("emulator", &self.emulator)
            .field("emulator_remote", &self.emulator_remote)
            .field("journal_capacity", &self.journal_capacity)
            .field("metrics_listen", &self.metrics_listen)
            .field("limits", &self.limits)
            .finish()
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
    /// Request headers must arrive within this time of the connection opening (on a keep-alive
    /// connection: of the next request's first byte); slower clients are disconnected.
    #[arg(long, env = "DYOPEN_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// A request body must arrive within this time of its headers; slower clients are disconnected.
    #[arg(long, env = "DYOPEN_BODY_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub body_timeout: Duration,
    /// A keep-alive connection idle this long is closed, as is one whose client reads nothing of
    /// a pending response for this long.
    #[arg(long, env = "DYOPEN_IDLE_TIMEOUT", default_value = "75s", value_parser = parse_duration)]
    pub idle_timeout: Duration,
    /// A handler without response headers after this time is answered as a system error (emulator
    /// `timeout` faults and server-sent-event streams are exempt).
    #[arg(long, env = "DYOPEN_HANDLER_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub handler_timeout: Duration,
    /// Most connections open at once; further ones wait in the listen backlog (not accepted).
    #[arg(long, env = "DYOPEN_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// On SIGTERM, in-flight requests get at most this long to finish; the final visit flush and
    /// closing the database get at most as long again.
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
    /// Longest wait for Redis on a qps check before that request uses the in-process window.
    #[arg(long, env = "DYOPEN_REDIS_TIMEOUT", default_value = "250ms", value_parser = parse_duration)]
    pub redis_timeout: Duration,
}

impl Limits {
    /// Refuses bounds that would make the server unusable: a zero timeout answers or closes
    /// everything at once, zero connections accepts nothing.
    pub fn validate(&self) -> anyhow::Result<()> {
        for (flag, value) in [
            ("--header-timeout", self.header_timeout),
            ("--body-timeout", self.body_timeout),
            ("--idle-timeout", self.idle_timeout),
            ("--handler-timeout", self.handler_timeout),
            ("--shutdown-grace", self.shutdown_grace),
            ("--db-acquire-timeout", self.db_acquire_timeout),
            ("--redis-timeout", self.redis_timeout),
        ] {
            anyhow::ensure!(!value.is_zero(), "{flag} must be more than zero");
        }
        anyhow::ensure!(
            self.max_connections > 0,
            "--max-connections must be at least 1"
        );
        Ok(())
    }
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
            redis_timeout: Duration::from_millis(250),
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

    fn config(listen: &str, token: &str) -> Config {
        let mut c = Config::new("sqlite://x.db", token);
        c.listen = listen.parse().expect("address");
        c
    }

    #[test]
    fn blank_admin_tokens_are_refused_everywhere() {
        for token in ["", "   ", "\t\n"] {
            let err = config("127.0.0.1:0", token).validate().unwrap_err();
            assert!(err.to_string().contains("admin token is empty"), "{err}");
        }
    }

    #[test]
    fn short_admin_tokens_are_refused_off_loopback_and_warned_about_on_it() {
        let err = config("0.0.0.0:8080", "short").validate().unwrap_err();
        assert!(err.to_string().contains("at least 16"), "{err}");
        let warnings = config("127.0.0.1:8080", "short")
            .validate()
            .expect("loopback");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let warnings = config("[::1]:8080", "short").validate().expect("loopback");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let long = "0123456789abcdef";
        assert!(config("0.0.0.0:8080", long)
            .validate()
            .expect("ok")
            .is_empty());
    }

    #[test]
    fn the_emulator_off_loopback_needs_emulator_remote() {
        let mut c = config("0.0.0.0:8080", "0123456789abcdef");
        c.emulator = true;
        let err = c.validate().unwrap_err();
        assert!(err.to_string().contains("--emulator-remote"), "{err}");
        c.emulator_remote = true;
        assert!(c.validate().is_ok());
        let mut local = config("127.0.0.1:8080", "0123456789abcdef");
        local.emulator = true;
        assert!(local.validate().is_ok());
    }

    #[test]
    fn zero_bounds_are_refused() {
        let mut c = config("127.0.0.1:0", "0123456789abcdef");
        c.limits.handler_timeout = Duration::ZERO;
        assert!(c.validate().is_err());
        let mut c = config("127.0.0.1:0", "0123456789abcdef");
        c.limits.max_connections = 0;
        assert!(c.validate().is_err());
    }

    #[test]
    fn debug_output_hides_credentials() {
        let mut c = Config::new("postgres://u:pg-secret@db/prod", "admin-secret-token");
        c.redis_url = Some("redis://:redis-secret@cache".into());
        let shown = format!("{c:?}");
        for secret in ["pg-secret", "admin-secret-token", "redis-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
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
