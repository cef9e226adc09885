//! The `dyopen` binary: `dyopen serve` runs the server; the other subcommands are the CLI.

mod cli;
mod proxy;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc rather than glibc's malloc: allocation was a fifth of the CPU of the bench's link
/// generation row (decision 0015).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Create and list apps, show or change their pages (admin API).
    App(cli::app::AppCmd),
    /// Fetch an access token for the app.
    Token(cli::token::TokenCmd),
    /// Bind cities to the app or its pages (关联城市), list bindings.
    Region(cli::region::RegionCmd),
    /// Generate URL links, show them (with --qr), check today's quota.
    Link(cli::link::LinkCmd),
    /// Create, pause, terminate and list tasks (v2 task APIs).
    Task(cli::task::TaskCmd),
    /// Add or cancel talents of an exclusive task, any number (sent in calls of ten).
    Talents(cli::talents::TalentsCmd),
    /// Compare a dyopen server or the real platform with the documented answers (test app).
    Verify(cli::verify::VerifyCmd),
    /// Forward open-API requests to the platform (or any upstream) and record each pair.
    Proxy(proxy::ProxyArgs),
    /// Print a shell completion script.
    Completions(cli::completions::CompletionsCmd),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve_main(args),
        Command::Verify(cmd) => cli::run_with_status(cmd.json(), cmd.run()),
        Command::Proxy(args) => cli::run(false, proxy::run(args)),
        Command::App(cmd) => cli::run(cmd.json(), cmd.run()),
        Command::Token(cmd) => cli::run(cmd.json(), cmd.run()),
        Command::Region(cmd) => cli::run(cmd.json(), cmd.run()),
        Command::Link(cmd) => cli::run(cmd.json(), cmd.run()),
        Command::Task(cmd) => cli::run(cmd.json(), cmd.run()),
        Command::Talents(cmd) => cli::run_with_status(cmd.json(), async {
            Ok(if cmd.run().await? {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(cli::talents::SOME_REFUSED)
            })
        }),
        Command::Completions(cmd) => {
            cmd.run::<Cli>();
            ExitCode::SUCCESS
        }
    }
}

fn serve_main(args: serve::ServeArgs) -> ExitCode {
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(serve::run(args)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:?}");
            ExitCode::FAILURE
        }
    }
}
