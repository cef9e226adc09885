//! The CLI subcommands on the SDK (`dyopen-client`), one file per group: [`app`], [`token`],
//! [`region`], [`link`], [`task`],
//! [`talents`], [`verify`], [`completions`]; settings in [`config`], printing in [`output`].

/// `println!` that ignores a closed stdout (e.g. `dyopen app list | head -1`) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod app;
pub mod completions;
pub mod config;
pub mod link;
pub mod output;
pub mod region;
pub mod talents;
pub mod task;
pub mod token;
pub mod verify;

use std::process::ExitCode;

/// Runs a CLI command on a fresh runtime; errors print one line (`error: …`) on stderr, plus a
/// JSON error object on stdout with `--json`, and exit with status 1.
pub fn run(json: bool, fut: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    run_with_status(json, async { fut.await.map(|()| ExitCode::SUCCESS) })
}

/// As [`run`] for commands that choose their own exit status on success.
pub fn run_with_status(
    json: bool,
    fut: impl std::future::Future<Output = anyhow::Result<ExitCode>>,
) -> ExitCode {
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(fut));
    match result {
        Ok(code) => code,
        Err(e) => {
            if json {
                outln!("{}", output::error_json(&e));
            }
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace('\n', " ")
}
