//! The `dyopen` binary: `dyopen serve` runs the server; the other subcommands are the CLI.

mod serve;

use clap::{Parser, Subcommand};

/// dyopen: a self-hostable, wire-compatible server for Douyin mini-program open APIs.
#[derive(Debug, Parser)]
#[command(name = "dyopen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (open APIs, short links, admin API, emulator).
    Serve(serve::ServeArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Serve(args) => runtime.block_on(serve::run(args)),
    }
}
