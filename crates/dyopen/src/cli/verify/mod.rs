//! `dyopen verify --target URL|platform --appid … --secret …` (SPEC §13): runs every request and
//! answer of the three seed documents and the SPEC rules that need no server-side control against
//! a target, compares each raw status and body with the documented one, prints a parity table,
//! writes a JSON report, and removes what it made where the rules allow. Exit 0: all the same;
//! 2: something differs; 1: it could not run. The cases: [`cases`]; docs/fidelity.md lists them.

pub mod case;
mod cases;
pub mod compare;
pub mod ledger;
pub mod report;
pub mod runner;

use anyhow::{bail, Context};
use case::Group;
use clap::Args;
use dyopen_client::{Client, RetryPolicy};
use dyopen_wire::paths::{DOUYIN_BASE_URL, TOUTIAO_BASE_URL};
use indicatif::{ProgressBar, ProgressStyle};
use report::{Kept, Report};
use runner::Runner;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status when some answer differs.
pub const DIFFERS: u8 = 2;

/// `dyopen verify` settings.
#[derive(Debug, Args)]
pub struct VerifyCmd {
    /// A dyopen server's URL (one base for every path), or `platform` for the platform's two hosts
    #[arg(long)]
    target: String,
    /// With `--target platform`: the open.douyin.com base URL [default: https://open.douyin.com]
    #[arg(long)]
    douyin_url: Option<String>,
    /// With `--target platform`: the developer.toutiao.com base URL [default: https://developer.toutiao.com]
    #[arg(long)]
    toutiao_url: Option<String>,
    /// The test app's appid (a test app: verify binds cities, creates tasks and links)
    #[arg(long, env = "DYOPEN_APPID")]
    appid: String,
    /// The test app's secret
    #[arg(long, env = "DYOPEN_SECRET", hide_env_values = true)]
    secret: String,
    /// A published page of the app (tasks and links point at it)
    #[arg(long, default_value = "pages/index/index")]
    page: String,
    /// Run only these groups (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Group>,
    /// Also write the JSON report to FILE
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Most URL-link quota units to spend (only successful generations spend one)
    #[arg(long, default_value_t = 5)]
    max_link_quota: u32,
    /// Run without asking
    #[arg(long)]
    yes: bool,
    /// Print the JSON report on stdout instead of the table
    #[arg(long)]
    json: bool,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl VerifyCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.json
    }

    fn bases(&self) -> anyhow::Result<(String, String)> {
        if self.target == "platform" {
            return Ok((
                self.douyin_url
                    .clone()
                    .unwrap_or_else(|| DOUYIN_BASE_URL.into()),
                self.toutiao_url
                    .clone()
                    .unwrap_or_else(|| TOUTIAO_BASE_URL.into()),
            ));
        }
        if self.douyin_url.is_some() || self.toutiao_url.is_some() {
            bail!("--douyin-url and --toutiao-url go with --target platform; a URL target serves every path");
        }
        Ok((self.target.clone(), self.target.clone()))
    }

    fn selected(&self, group: Group) -> bool {
        self.only.is_empty() || self.only.contains(&group)
    }

    /// What the run will do to the app, for the question before it starts.
    fn plan(&self, cases: &[case::Case], douyin: &str, toutiao: &str) -> String {
        let mut lines = vec![format!(
            "dyopen verify will call {douyin} and {toutiao} as app {} ({} cases) and:",
            self.appid,
            cases.len()
        )];
        if self.selected(Group::City) {
            lines.push("  - bind cities to the whole app and to pages, then delete the bindings it only added; \
                        the page binding it modifies (page/path/index) cannot change again for 7 days and stays \
                        (the app must have no city binding before the run)".into());
        }
        if self.selected(Group::Tasks) {
            lines.push(format!(
                "  - create 2 exclusive tasks starting at {}, add and cancel talents, terminate both",
                self.page
            ));
        }
        if self.selected(Group::Links) {
            let planned = cases
                .iter()
                .filter(|c| c.effect == case::Effect::LinkGenerated)
                .count();
            lines.push(format!(
                "  - generate {planned} URL links to {}: at most {} units of today's link quota",
                self.page, self.max_link_quota
            ));
        }
        lines.join("\n")
    }

    fn confirm(&self, plan: &str) -> anyhow::Result<()> {
        eprintln!("{plan}");
        if self.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() {
            bail!("verify changes data of the app on the target; without a terminal to ask, pass --yes");
        }
        eprint!("Continue? [y/N] ");
        std::io::stderr().flush().ok();
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            bail!("not confirmed: nothing was sent");
        }
        Ok(())
    }

    /// Runs verify; the exit status says whether every answer was the same.
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        let (douyin, toutiao) = self.bases()?;
        let all = cases::all();
        let to_run: Vec<case::Case> = all
            .into_iter()
            .filter(|c| c.always || self.selected(c.group))
            .collect();
        self.confirm(&self.plan(&to_run, &douyin, &toutiao))?;
        let client = Client::builder()
            .douyin_base_url(&douyin)
            .toutiao_base_url(&toutiao)
            .retry(RetryPolicy::none())
            .token_refresh(false)
            .build()
            .context("the target URL")?;
        let started_at = now();
        let vars = runner::initial_vars(&self.appid, &self.secret, &self.page, started_at);
        let mut runner = Runner::new(client, vars, self.max_link_quota, started_at);
        let bar = ProgressBar::new(to_run.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let mut outcomes = Vec::new();
        let mut stopped = None;
        for c in &to_run {
            bar.set_message(c.id);
            match runner.run(c, self.selected(c.group)).await {
                Ok(mut o) => {
                    o.shown |= o.verdict.differs();
                    outcomes.push(o);
                }
                Err(e) => {
                    stopped = Some(format!("{}: no answer: {e}", c.id));
                    break;
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        let removed = runner.clean_up().await;
        let kept = runner
            .ledger
            .kept()
            .into_iter()
            .map(|(path, region, at)| Kept {
                path,
                region,
                deletable_from: at,
                deletable_from_text: report::utc(at),
            })
            .collect();
        let report = Report {
            douyin_url: douyin,
            toutiao_url: toutiao,
            appid: self.appid.clone(),
            started_at,
            link_quota: serde_json::json!({"spent": runner.spent, "max": self.max_link_quota}),
            summary: Report::summarise(&outcomes),
            cases: outcomes,
            removed,
            kept,
            stopped,
        };
        if let Some(path) = &self.report {
            let text = serde_json::to_vec_pretty(&report)?;
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        if self.json {
            super::output::json(&report)?;
        } else {
            outln!("{}", report.text());
        }
        if let Some(why) = &report.stopped {
            // The report (on stdout with --json) already says why; one line on stderr, exit 1.
            eprintln!("error: could not finish: {why}");
            return Ok(ExitCode::FAILURE);
        }
        Ok(if report.summary.differs == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(DIFFERS)
        })
    }
}
