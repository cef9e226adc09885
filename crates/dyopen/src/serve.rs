//! `dyopen serve`: flags (each with a `DYOPEN_*` variable), admin-token bootstrap, `--demo`,
//! graceful shutdown on SIGTERM/Ctrl-C.

use anyhow::Context;
use clap::{Args, ValueEnum};
use dyopen_server::{Application, Config};
use dyopen_store::SqliteSync;
use std::net::SocketAddr;
use std::path::PathBuf;

/// SQLite durability.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SyncMode {
    /// Survives a process kill (WAL + synchronous=NORMAL).
    Normal,
    /// Survives a power cut (synchronous=FULL).
    Full,
}

/// Log line format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable.
    Text,
    /// One JSON object per line.
    Json,
}

/// `dyopen serve` settings.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DYOPEN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Database: sqlite://FILE (created and migrated on start) or postgres://…
    #[arg(
        long,
        env = "DYOPEN_DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL
    )]
    database_url: String,
    /// Bearer token of the admin API. Unset: read from / generated into FILE.admin-token beside a
    /// SQLite database (mode 0600), or generated and printed for PostgreSQL.
    #[arg(long, env = "DYOPEN_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Base URL of generated URL links (default: http:// + the bound address).
    #[arg(long, env = "DYOPEN_PUBLIC_BASE_URL")]
    public_base_url: Option<String>,
    /// Redis URL: rate limits shared by every instance.
    #[arg(long, env = "DYOPEN_REDIS_URL")]
    redis_url: Option<String>,
    /// Emulator mode: settable clock, reset, seed, journal, fault injection under /_emulator/v1.
    /// Loopback addresses only, unless --emulator-remote.
    #[arg(long, env = "DYOPEN_EMULATOR")]
    emulator: bool,
    /// Allows --emulator on a non-loopback address, with every /_emulator/v1 request behind the
    /// admin token.
    #[arg(long, env = "DYOPEN_EMULATOR_REMOTE", requires = "emulator")]
    emulator_remote: bool,
    /// Create a demo app (page pages/index/index) once, and print its credentials and a curl line
    /// at every start (emulator mode always has it).
    #[arg(long, env = "DYOPEN_DEMO")]
    demo: bool,
    /// Emulator: a fixture (JSON or YAML) loaded on start when the database has no apps, and
    /// again by every reset.
    #[arg(long, env = "DYOPEN_SEED_FILE", requires = "emulator")]
    seed_file: Option<PathBuf>,
    /// Emulator: answer requests that match a recording of `dyopen proxy --record DIR` with the
    /// recorded answer (in recorded order, then the emulator answers); token endpoints and
    /// unmatched requests always reach the emulator (docs/fidelity.md).
    #[arg(long, env = "DYOPEN_REPLAY", value_name = "DIR", requires = "emulator")]
    replay: Option<PathBuf>,
    /// Emulator: how many requests the journal keeps.
    #[arg(long, env = "DYOPEN_JOURNAL_CAPACITY", default_value_t = dyopen_server::emulator::DEFAULT_JOURNAL_CAPACITY)]
    journal_capacity: usize,
    /// Also serve GET /metrics (Prometheus text format) on this address, without the admin token
    /// (on the main listener /metrics needs it). Bind it to a private address.
    #[arg(long, env = "DYOPEN_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// SQLite durability: normal survives a process kill, full survives a power cut.
    #[arg(
        long,
        env = "DYOPEN_SQLITE_SYNCHRONOUS",
        value_enum,
        default_value = "normal"
    )]
    sqlite_synchronous: SyncMode,
    /// Log format.
    #[arg(long, env = "DYOPEN_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Resource bounds: timeouts, connections, memory budgets (docs/deploy.md).
    #[command(flatten)]
    limits: dyopen_server::config::Limits,
}

fn init_logging(format: LogFormat) {
    // PostgreSQL's NOTICEs (e.g. `relation "_sqlx_migrations" already exists, skipping` at
    // every start) are not news: shown from `warn` unless DYOPEN_LOG asks for them.
    let filter = tracing_subscriber::EnvFilter::try_from_env("DYOPEN_LOG")
        .unwrap_or_else(|_| "info,sqlx::postgres::notice=warn".into());
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// The SQLite file of a `sqlite://` URL (none for an in-memory database, which the store refuses).
pub(crate) use dyopen_store::sqlite_file;

/// Where the admin token of a SQLite database file is kept: `FILE.admin-token` beside it.
pub(crate) fn admin_token_file(db: &std::path::Path) -> PathBuf {
    PathBuf::from(format!("{}.admin-token", db.display()))
}

/// The default of `--database-url` (also where the CLI looks for an admin token).
pub(crate) const DEFAULT_DATABASE_URL: &str = "sqlite://dyopen.db";

fn random_token() -> String {
    dyopen_core::app::AppSecret::generate().expose().to_owned()
        + dyopen_core::app::AppSecret::generate().expose()
}

/// The admin token: the flag, else the file beside the SQLite database, else a fresh one. An
/// empty flag or file is kept as it is, so the start refuses it rather than guessing.
fn admin_token(args: &ServeArgs) -> anyhow::Result<String> {
    if let Some(t) = args.admin_token.as_deref() {
        return Ok(t.to_owned());
    }
    let Some(db) = sqlite_file(&args.database_url) else {
        let token = random_token();
        println!(
            "admin token (generated for this run; set DYOPEN_ADMIN_TOKEN to keep one): {token}"
        );
        return Ok(token);
    };
    let file = admin_token_file(&db);
    if let Ok(existing) = std::fs::read_to_string(&file) {
        let token = existing.trim();
        anyhow::ensure!(
            !token.is_empty(),
            "{} is empty: write an admin token of at least {} characters into it, or delete it to \
             have one generated",
            file.display(),
            dyopen_server::config::MIN_ADMIN_TOKEN_CHARS
        );
        return Ok(token.to_owned());
    }
    let token = random_token();
    write_private(&file, &token).with_context(|| format!("writing {}", file.display()))?;
    println!("admin token written to {} (mode 0600)", file.display());
    Ok(token)
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: draining in-flight requests");
}

/// Reads the `--seed-file` fixture and applies it when the database has no apps yet (the first
/// start); every reset applies it again.
async fn load_startup_fixture(
    state: &dyopen_server::AppState,
    path: &std::path::Path,
) -> anyhow::Result<dyopen_wire::emulator::Fixture> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let fixture = dyopen_server::emulator::parse_fixture(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let empty = state
        .store
        .list_apps(0, 1)
        .await
        .map_err(|e| anyhow::anyhow!("reading apps: {e}"))?
        .1
        == 0;
    if empty {
        let seeded = dyopen_server::emulator::apply_fixture(state, &fixture)
            .await
            .map_err(|e| anyhow::anyhow!("seeding {}: {e:?}", path.display()))?;
        for a in seeded.apps {
            println!("seeded app: appid {} secret {}", a.app.appid, a.secret);
        }
    }
    Ok(fixture)
}

/// A wildcard listen address (`0.0.0.0`, `::`) says nothing about the address clients use, so
/// generated links would point at `http://0.0.0.0:…`: `--public-base-url` is required then.
fn check_public_base_url(args: &ServeArgs) -> anyhow::Result<()> {
    if args.listen.ip().is_unspecified() && args.public_base_url.is_none() {
        anyhow::bail!(
            "--listen {} accepts connections on every address, so dyopen cannot tell which \
             address clients reach it by, and generated URL links would point at {}. Set \
             --public-base-url (or DYOPEN_PUBLIC_BASE_URL) to the URL clients use, e.g. \
             --public-base-url http://$(hostname):{} or https://links.example.com",
            args.listen,
            format_args!("http://{}", args.listen),
            args.listen.port()
        );
    }
    Ok(())
}

/// Creates the missing directory of a SQLite database file (SQLite creates the file, not its
/// directory), naming it in the error when that fails.
fn ensure_database_dir(url: &str) -> anyhow::Result<()> {
    let Some(dir) = sqlite_file(url).and_then(|f| f.parent().map(PathBuf::from)) else {
        return Ok(());
    };
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).with_context(|| {
        format!(
            "the database directory {} does not exist and could not be created",
            dir.display()
        )
    })?;
    println!("created the database directory {}", dir.display());
    Ok(())
}

/// Runs `dyopen serve`.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging(args.log_format);
    check_public_base_url(&args)?;
    ensure_database_dir(&args.database_url)?;
    let mut config = Config::new(&args.database_url, admin_token(&args)?);
    config.listen = args.listen;
    config.public_base_url = args.public_base_url.clone();
    config.redis_url = args.redis_url.clone();
    config.emulator = args.emulator;
    config.emulator_remote = args.emulator_remote;
    config.journal_capacity = args.journal_capacity.max(1);
    config.metrics_listen = args.metrics_listen;
    config.limits = args.limits.clone();
    config.sqlite_sync = match args.sqlite_synchronous {
        SyncMode::Normal => SqliteSync::Normal,
        SyncMode::Full => SqliteSync::Full,
    };
    let app = Application::build(config).await?;
    let base = format!("http://{}", app.addr());
    let state = app.state().clone();
    let want_demo = match &state.emulator {
        Some(emu) => {
            if let Some(path) = args.seed_file.as_ref() {
                let fixture = load_startup_fixture(&state, path).await?;
                emu.set_startup_fixture(fixture);
            }
            if let Some(dir) = args.replay.as_ref() {
                let replay = dyopen_server::emulator::Replay::load(dir)?;
                println!(
                    "replaying {} recordings from {}",
                    replay.len(),
                    replay.dir().display()
                );
                emu.set_replay(replay);
            }
            // Every emulator start has the demo app, unless the fixture says `demo: false`.
            emu.startup_fixture().is_none_or(|f| f.wants_demo())
        }
        None => args.demo,
    };
    if want_demo {
        let demo = dyopen_server::demo::ensure_demo(&state)
            .await
            .map_err(|e| anyhow::anyhow!("creating the demo app: {e:?}"))?;
        println!("demo app: appid {} secret {}", demo.app.appid, demo.secret);
        println!(
            "try: curl -s -X POST {base}/oauth/client_token/ -H 'Content-Type: application/json' -d '{{\"client_key\":\"{}\",\"client_secret\":\"{}\",\"grant_type\":\"client_credential\"}}'",
            demo.app.appid, demo.secret
        );
    }
    if let Some(at) = app.metrics_addr() {
        tracing::info!("metrics on http://{at}/metrics (no token)");
    }
    tracing::info!("console at {base}/console (log in with the admin token)");
    tracing::info!("listening on {base}");
    app.run_until(shutdown_signal()).await
}
