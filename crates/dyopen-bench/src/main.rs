//! `scripts/bench` (which builds and calls `dyopen-bench run`): throughput, latency and memory of
//! a release `dyopen serve` against a minimal axum server, both driven by external load
//! generators (wrk for throughput, oha at a fixed rate for latency) in alternating rounds, each
//! row's ratio the median of the per-round ratios. Method and numbers: `docs/bench.md`.
//!
//! - [`bare`]: the baseline server (`dyopen-bench bare`);
//! - [`seed`]: the data the requests act on, stored before dyopen starts;
//! - [`load`]: wrk and oha;
//! - [`process`]: the servers as child processes;
//! - [`rows`]: the measured rows and the exactness checks.

mod bare;
mod load;
mod process;
mod rows;
mod seed;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Benchmarks of dyopen against a minimal axum server.
#[derive(Debug, Parser)]
#[command(name = "dyopen-bench")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run the benchmark (see docs/bench.md).
    Run(Settings),
    /// Serve the baseline (a fixed 302 and a fixed JSON answer).
    Bare {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: std::net::SocketAddr,
    },
}

/// Benchmark settings (every one also a `BENCH_*` variable).
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// The release dyopen binary.
    #[arg(long, env = "BENCH_DYOPEN", default_value = "target/release/dyopen")]
    pub dyopen: String,
    /// wrk.
    #[arg(long, env = "BENCH_WRK", default_value = "wrk")]
    pub wrk: String,
    /// oha.
    #[arg(long, env = "BENCH_OHA", default_value = "oha")]
    pub oha: String,
    /// Stored links the redirect rows pick from.
    #[arg(long, env = "BENCH_LINKS", default_value_t = 1_000_000)]
    pub links: usize,
    /// Alternating rounds per row (baseline then dyopen, then dyopen then baseline, …).
    #[arg(long, env = "BENCH_ROUNDS", default_value_t = 9)]
    pub rounds: usize,
    /// Seconds of each wrk run.
    #[arg(long, env = "BENCH_SECS", default_value_t = 3)]
    pub secs: u32,
    /// Seconds of each latency run.
    #[arg(long, env = "BENCH_LATENCY_SECS", default_value_t = 10)]
    pub latency_secs: u32,
    /// Concurrent connections.
    #[arg(long, env = "BENCH_CONNS", default_value_t = 64)]
    pub conns: u32,
    /// Rows to run (redirect, generate, city, talents).
    #[arg(long, env = "BENCH_ONLY", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Record a CPU profile of dyopen during each row's last dyopen run into this directory
    /// (`perf record -e cpu-clock -g`; read with `perf report -i DIR/ROW.data`).
    #[arg(long, env = "BENCH_PERF")]
    pub perf: Option<PathBuf>,
    /// Compare two dyopen builds: this dyopen binary serves in the baseline's place, on its own
    /// copy of the seeded database (warmed like dyopen for the redirect row), so every ratio is
    /// dyopen over this build.
    #[arg(long, env = "BENCH_VERSUS")]
    pub versus: Option<PathBuf>,
    /// Where the JSON report goes.
    #[arg(long, env = "BENCH_REPORT", default_value = "target/bench/report.json")]
    pub report: PathBuf,
}

impl Settings {
    /// Whether row `name` runs.
    pub fn runs(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == name)
    }
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Bare { listen } => bare::run(listen),
        Cmd::Run(settings) => rows::run(&settings),
    }
}
