//! `dyopen talents add|cancel --task ID (--ids a,b | --file ids.txt)`: any number of talents of
//! an exclusive task, sent in calls of ten with a progress bar; prints one result per id.

use super::config::{GlobalArgs, Settings};
use super::output;
use anyhow::Context;
use clap::{Args, Subcommand};
use dyopen_client::wire::task::UpdateInfo;
use dyopen_client::{TalentOp, TalentsUpdate};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::PathBuf;

/// Exit status when the command ran but some ids were refused.
pub const SOME_REFUSED: u8 = 2;

/// `dyopen talents …`.
#[derive(Debug, Args)]
pub struct TalentsCmd {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    action: TalentsAction,
}

/// Which task and which ids.
#[derive(Debug, Args)]
struct Targets {
    /// The exclusive task
    #[arg(long = "task")]
    task_id: u64,
    /// Douyin ids, comma-separated
    #[arg(
        long,
        value_delimiter = ',',
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    ids: Vec<String>,
    /// A file of douyin ids, one per line (blank lines and # comments skipped)
    #[arg(long)]
    file: Option<PathBuf>,
    /// The task's app, when acting as its service provider [default: --appid]
    #[arg(long = "for-app")]
    for_app: Option<String>,
}

#[derive(Debug, Subcommand)]
enum TalentsAction {
    /// Add talents to an exclusive task
    Add(Targets),
    /// Cancel the cooperation of talents
    Cancel(Targets),
}

#[derive(Serialize)]
struct Outcome<'a> {
    task_id: String,
    op: &'static str,
    succeeded: usize,
    failed: usize,
    results: &'a [UpdateInfo],
}

fn read_ids(t: &Targets) -> anyhow::Result<Vec<String>> {
    let ids = match &t.file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        None => t
            .ids
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
    };
    anyhow::ensure!(!ids.is_empty(), "no douyin ids given");
    Ok(ids)
}

/// Whether the platform accepted the id (`请求成功,…`).
fn succeeded(r: &UpdateInfo) -> bool {
    r.update_result.starts_with("请求成功")
}

impl TalentsCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command; `Ok(true)` when every id succeeded.
    pub async fn run(self) -> anyhow::Result<bool> {
        let s = Settings::resolve(&self.global)?;
        let client = s.client()?;
        let (op, op_text, t) = match &self.action {
            TalentsAction::Add(t) => (TalentOp::Add, "add", t),
            TalentsAction::Cancel(t) => (TalentOp::Cancel, "cancel", t),
        };
        let ids = read_ids(t)?;
        let mut update = TalentsUpdate::new(t.task_id, op, ids.iter().cloned());
        if let Some(app) = &t.for_app {
            update.appid = Some(app.clone());
            update.third_appid = client.appid().map(str::to_owned);
        }
        let bar = ProgressBar::new(u64::try_from(ids.len()).unwrap_or(u64::MAX));
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} ids  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let mut done: Vec<UpdateInfo> = Vec::new();
        let result = client
            .update_orient_talents_with(&update, |chunk| {
                bar.inc(u64::try_from(chunk.len()).unwrap_or(0));
                done.extend_from_slice(chunk);
            })
            .await;
        bar.finish_and_clear();
        if let Err(e) = result {
            if done.is_empty() {
                return Err(e.into());
            }
            if !s.json {
                print_table(&done);
                outln!("stopped after {} of {} ids", done.len(), ids.len());
            }
            // Calls already made were applied: with --json their results ride on the error.
            let done = serde_json::to_value(&done)?;
            return Err(super::output::PartialFailure { source: e, done }.into());
        }
        let ok = done.iter().filter(|r| succeeded(r)).count();
        let outcome = Outcome {
            task_id: t.task_id.to_string(),
            op: op_text,
            succeeded: ok,
            failed: done.len() - ok,
            results: &done,
        };
        if s.json {
            output::json(&outcome)?;
        } else {
            print_table(&done);
            outln!("{ok} succeeded, {} failed", done.len() - ok);
        }
        Ok(ok == done.len())
    }
}

fn print_table(results: &[UpdateInfo]) {
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            vec![
                r.douyin_id.clone(),
                if succeeded(r) { "ok" } else { "refused" }.into(),
                r.update_result.clone(),
            ]
        })
        .collect();
    outln!("{}", output::table(&["DOUYIN_ID", "OK", "RESULT"], &rows));
}
