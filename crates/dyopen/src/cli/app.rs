//! `dyopen app create|list|pages`: apps through the admin API.

use super::config::{GlobalArgs, Settings};
use super::output;
use clap::{Args, Subcommand};
use dyopen_wire::admin::{CreateAppRequest, UpdateAppRequest};

/// `dyopen app …`.
#[derive(Debug, Args)]
pub struct AppCmd {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    action: AppAction,
}

#[derive(Debug, Subcommand)]
enum AppAction {
    /// Create an app; prints its appid and secret (the secret is shown only once)
    Create {
        /// Display name
        #[arg(long)]
        name: String,
        /// A published page (repeat, or comma-separated); the first is the home page
        #[arg(long = "page", value_delimiter = ',')]
        pages: Vec<String>,
        /// URL links per second (default 100)
        #[arg(long)]
        qps_limit: Option<i64>,
        /// URL links per day (default 500000)
        #[arg(long)]
        daily_link_quota: Option<i64>,
    },
    /// List apps
    List {
        /// 1-based page
        #[arg(long, default_value_t = 1)]
        page: u64,
        /// Apps per page (1-200)
        #[arg(long, default_value_t = 50)]
        page_size: u64,
    },
    /// Show an app's published pages, or change them with --set/--add/--remove
    Pages {
        /// The app [default: --appid]
        app: Option<String>,
        /// Replace the pages with these (comma-separated)
        #[arg(long, value_delimiter = ',', conflicts_with_all = ["add", "remove"])]
        set: Option<Vec<String>>,
        /// Append pages (comma-separated)
        #[arg(long, value_delimiter = ',')]
        add: Vec<String>,
        /// Remove pages (comma-separated)
        #[arg(long, value_delimiter = ',')]
        remove: Vec<String>,
    },
}

impl AppCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command.
    pub async fn run(self) -> anyhow::Result<()> {
        let s = Settings::resolve(&self.global)?;
        let admin = s.admin()?;
        match self.action {
            AppAction::Create {
                name,
                pages,
                qps_limit,
                daily_link_quota,
            } => {
                let req = CreateAppRequest {
                    name,
                    pages,
                    qps_limit,
                    daily_link_quota,
                };
                let created = admin.create_app(&req).await?;
                if s.json {
                    return output::json(&created);
                }
                outln!("appid   {}", created.app.appid);
                outln!("secret  {}  (shown only now)", created.secret);
                outln!("name    {}", created.app.name);
                outln!("pages   {}", created.app.pages.join(", "));
            }
            AppAction::List { page, page_size } => {
                let list = admin.list_apps(page, page_size).await?;
                if s.json {
                    return output::json(&list);
                }
                let rows: Vec<Vec<String>> = list
                    .items
                    .iter()
                    .map(|a| {
                        vec![
                            a.appid.clone(),
                            a.name.clone(),
                            a.status.clone(),
                            a.pages.len().to_string(),
                            a.created_at.clone(),
                        ]
                    })
                    .collect();
                outln!(
                    "{}",
                    output::table(&["APPID", "NAME", "STATUS", "PAGES", "CREATED"], &rows)
                );
                outln!(
                    "({} of {} apps, page {})",
                    list.items.len(),
                    list.total,
                    list.page
                );
            }
            AppAction::Pages {
                app,
                set,
                add,
                remove,
            } => {
                let appid = s.appid_or(app.as_deref())?;
                let current = admin.get_app(&appid).await?;
                let changed = set.is_some() || !add.is_empty() || !remove.is_empty();
                let view = if changed {
                    let mut pages = set.unwrap_or(current.pages);
                    pages.retain(|p| !remove.contains(p));
                    for p in add {
                        if !pages.contains(&p) {
                            pages.push(p);
                        }
                    }
                    let patch = UpdateAppRequest {
                        pages: Some(pages),
                        ..Default::default()
                    };
                    admin.update_app(&appid, &patch).await?
                } else {
                    current
                };
                if s.json {
                    return output::json(&view.pages);
                }
                for p in &view.pages {
                    outln!("{p}");
                }
            }
        }
        Ok(())
    }
}
