//! `dyopen region add|modify|delete|list`: city binding (list through the admin API).

use super::config::{GlobalArgs, Settings};
use super::output;
use clap::{Args, Subcommand};
use dyopen_client::RegionTarget;
use serde_json::json;

/// `dyopen region …`.
#[derive(Debug, Args)]
pub struct RegionCmd {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    action: RegionAction,
}

/// Whole app or one page.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct Target {
    /// Bind the whole app (bind_type 1)
    #[arg(long)]
    whole: bool,
    /// Bind one page (bind_type 2)
    #[arg(long)]
    path: Option<String>,
}

impl Target {
    fn get(&self) -> RegionTarget {
        match &self.path {
            Some(p) if !self.whole => RegionTarget::page(p.clone()),
            _ => RegionTarget::Whole,
        }
    }
}

#[derive(Debug, Subcommand)]
enum RegionAction {
    /// Bind a city (six-digit code, e.g. 440300) to the app or a page
    Add {
        #[command(flatten)]
        target: Target,
        /// City code
        region: String,
    },
    /// Move a binding from one city to another (once per 7 days per target)
    Modify {
        #[command(flatten)]
        target: Target,
        /// The bound city
        from: String,
        /// The new city
        to: String,
    },
    /// Remove a binding (once per 7 days per target)
    Delete {
        #[command(flatten)]
        target: Target,
        /// The bound city
        region: String,
    },
    /// List an app's bindings with city names and next-change times (admin API)
    List {
        /// The app [default: --appid]
        app: Option<String>,
    },
}

fn target_text(t: &RegionTarget) -> String {
    match t {
        RegionTarget::Whole => "the whole app".into(),
        RegionTarget::Page(p) => format!("page {p}"),
    }
}

impl RegionCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command.
    pub async fn run(self) -> anyhow::Result<()> {
        let s = Settings::resolve(&self.global)?;
        match self.action {
            RegionAction::Add { target, region } => {
                let t = target.get();
                let data_id = s.client()?.region_add(&t, &region).await?;
                if s.json {
                    return output::json(
                        &json!({"data_id": data_id, "region_id": region, "path": t.path()}),
                    );
                }
                outln!("bound {region} to {} ({data_id})", target_text(&t));
            }
            RegionAction::Modify { target, from, to } => {
                let t = target.get();
                s.client()?.region_modify(&t, &from, &to).await?;
                if s.json {
                    return output::json(
                        &json!({"origin_region": from, "current_region": to, "path": t.path()}),
                    );
                }
                outln!("moved {} from {from} to {to}", target_text(&t));
            }
            RegionAction::Delete { target, region } => {
                let t = target.get();
                s.client()?.region_delete(&t, &region).await?;
                if s.json {
                    return output::json(&json!({"deleted": region, "path": t.path()}));
                }
                outln!("unbound {region} from {}", target_text(&t));
            }
            RegionAction::List { app } => {
                let appid = s.appid_or(app.as_deref())?;
                let list = s.admin()?.list_regions(&appid).await?;
                if s.json {
                    return output::json(&list);
                }
                if list.is_empty() {
                    outln!("no bindings");
                    return Ok(());
                }
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|b| {
                        vec![
                            if b.path.is_empty() {
                                "(whole app)".into()
                            } else {
                                b.path.clone()
                            },
                            b.region_id.clone(),
                            format!("{} {}", b.province_name, b.city_name),
                            b.data_id.clone(),
                            b.next_change_at.clone(),
                        ]
                    })
                    .collect();
                outln!(
                    "{}",
                    output::table(
                        &["TARGET", "REGION", "CITY", "DATA_ID", "NEXT CHANGE"],
                        &rows
                    )
                );
            }
        }
        Ok(())
    }
}
