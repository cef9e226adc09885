//! The docs are executed, so they cannot drift from the product. Against a real `dyopen serve`
//! started as the docs start it (in a fresh directory, default database, a free port):
//! - README.md's and docs/emulator.md's ```` ```sh executed ```` blocks run in order as one bash
//!   script, their `# → …` answers checked in order (`…` is any text);
//! - docs/emulator.md's ```` ```js executed ```` / ```` ```python executed ```` examples run with the
//!   official clients installed by `conformance/setup`, their `// → …` / `# → …` lines checked;
//! - docs/cli.md's ```` ```console ```` transcripts are replayed command by command, stderr
//!   included (see `transcript.rs`).
//!
//! The doc's base URL `http://127.0.0.1:8080` is replaced by the test server's.

#[path = "../common/mod.rs"]
mod common;
mod markdown;
mod transcript;

use common::Server;
use std::path::{Path, PathBuf};
use std::process::Command;

const DOC_BASE: &str = "http://127.0.0.1:8080";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_doc(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `dyopen serve` as the docs start it: in `dir`, default database and admin-token file.
fn serve_in(dir: &Path, extra: &[&str]) -> Server {
    let mut cmd = common::dyopen();
    cmd.current_dir(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra);
    Server::spawn(cmd)
}

/// PATH with the `dyopen` binary's directory first, as after `cargo install`.
fn path_with_dyopen() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_dyopen"))
        .parent()
        .expect("binary dir")
        .to_path_buf();
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", bin.display())
}

/// Runs `script` with bash in `dir`; stdout and stderr together.
fn run_bash(dir: &Path, script: &str, base: &str) -> String {
    let script = script.replace(DOC_BASE, base);
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-e", "-o", "pipefail", "-c"])
        .arg(format!("exec 2>&1\n{script}"))
        .current_dir(dir)
        .env("PATH", path_with_dyopen())
        .env_remove("DYOPEN_ADMIN_TOKEN")
        .env_remove("DYOPEN_URL")
        .output()
        .expect("bash");
    let text = String::from_utf8_lossy(&out.stdout).replace(base, DOC_BASE);
    assert!(
        out.status.success(),
        "the script failed ({}):\n{text}",
        out.status
    );
    text
}

/// Runs every `sh executed` block of `doc` against a server started with `serve_args`.
fn run_shell_blocks(doc: &str, serve_args: &[&str]) {
    let md = read_doc(doc);
    let blocks = markdown::executed(&md, "sh");
    assert!(!blocks.is_empty(), "{doc} has no executed blocks");
    let dir = tempfile::tempdir().expect("tempdir");
    let server = serve_in(dir.path(), serve_args);
    let script: String = blocks.iter().map(|b| b.code.as_str()).collect();
    let expected: Vec<String> = blocks
        .iter()
        .flat_map(|b| markdown::expectations(&b.code, "#"))
        .collect();
    assert!(!expected.is_empty(), "{doc} promises no answers");
    let output = run_bash(dir.path(), &script, &server.base_url);
    server.stop();
    if let Err(why) = markdown::check_in_order(&output, &expected) {
        panic!("{doc}: {why}");
    }
}

#[test]
fn readme_walk_through_runs_as_written() {
    let readme = read_doc("README.md");
    assert!(
        readme.contains("cargo run --release -p dyopen -- serve --emulator"),
        "the walk-through's server is the one README starts"
    );
    run_shell_blocks("README.md", &["--emulator"]);
}

#[test]
fn emulator_guide_shell_examples_run_as_written() {
    run_shell_blocks("docs/emulator.md", &["--emulator"]);
}

/// The official clients, if `conformance/setup` installed them.
fn clients() -> Option<(PathBuf, PathBuf)> {
    let npm = repo_root().join("conformance/npm/node_modules");
    let python = repo_root().join("conformance/python/.venv/bin/python");
    if npm.join("@open-dy/open_api_sdk").exists() && python.exists() && which("node") {
        return Some((npm, python));
    }
    let msg = "skipped: the official clients are not installed (run conformance/setup)";
    assert!(
        std::env::var("DYOPEN_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
        "{msg}, and DYOPEN_REQUIRE_CONFORMANCE=1"
    );
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
    None
}

fn which(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn emulator_guide_client_examples_run_as_written() {
    let Some((node_modules, python)) = clients() else {
        return;
    };
    let md = read_doc("docs/emulator.md");
    let examples: Vec<(markdown::Block, &str)> = markdown::executed(&md, "js")
        .into_iter()
        .map(|b| (b, "//"))
        .chain(
            markdown::executed(&md, "python")
                .into_iter()
                .map(|b| (b, "#")),
        )
        .collect();
    assert!(examples.len() >= 2, "an npm and a Python example");
    let dir = tempfile::tempdir().expect("tempdir");
    let server = serve_in(dir.path(), &["--emulator"]);
    let (appid, secret) = server.demo().expect("the emulator's demo app");
    for (block, comment) in examples {
        let (file, program) = if comment == "//" {
            ("example.cjs", "node".into())
        } else {
            ("example.py", python.display().to_string())
        };
        std::fs::write(dir.path().join(file), &block.code).expect("write example");
        // Each example starts from the seeded state, as a test suite would (the demo app stays).
        let reset = common::http()
            .post(format!("{}/_emulator/v1/reset", server.base_url))
            .send()
            .expect("reset");
        assert!(reset.status().is_success());
        let out = Command::new(&program)
            .arg(file)
            .current_dir(dir.path())
            .env("NODE_PATH", &node_modules)
            .env("DYOPEN_URL", &server.base_url)
            .env("DYOPEN_APPID", &appid)
            .env("DYOPEN_SECRET", &secret)
            .output()
            .expect("run example");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "docs/emulator.md line {}: {file} failed:\n{text}",
            block.line
        );
        let expected = markdown::expectations(&block.code, comment);
        assert!(!expected.is_empty(), "line {}: no answers", block.line);
        if let Err(why) = markdown::check_in_order(&text, &expected) {
            panic!("docs/emulator.md line {}: {why}", block.line);
        }
    }
    server.stop();
}

#[test]
fn cli_transcripts_replay() {
    let md = read_doc("docs/cli.md");
    let blocks: Vec<markdown::Block> = markdown::fenced_blocks(&md)
        .into_iter()
        .filter(|b| b.info == "console")
        .collect();
    assert!(blocks.len() >= 3, "docs/cli.md has its transcripts");
    let dir = tempfile::tempdir().expect("tempdir");
    let server = serve_in(dir.path(), &[]);
    let session = transcript::Session::new(
        dir.path(),
        &[
            ("PATH", path_with_dyopen()),
            ("DYOPEN_URL", server.base_url.clone()),
            (
                "DYOPEN_CONFIG",
                dir.path().join("no-config.toml").display().to_string(),
            ),
            ("NO_COLOR", "1".into()),
            ("COLUMNS", "100".into()),
        ],
    );
    let mut replayer = transcript::Replayer::new(session, DOC_BASE, &server.base_url);
    for block in &blocks {
        let steps = transcript::steps(&block.code);
        if let Err(why) = replayer.replay(&steps, &format!("docs/cli.md line {}", block.line)) {
            panic!("{why}");
        }
    }
    server.stop();
}
