//! `dyopen link create|info|quota`: URL links, with `--qr` drawing the link as a QR code in the
//! terminal (unicode half blocks).

use super::config::{GlobalArgs, Settings};
use super::output;
use clap::{Args, Subcommand};
use dyopen_client::NewUrlLink;
use qrcode::render::unicode::Dense1x2;
use qrcode::QrCode;
use serde_json::json;

/// `dyopen link …`.
#[derive(Debug, Args)]
pub struct LinkCmd {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    action: LinkAction,
}

#[derive(Debug, Subcommand)]
enum LinkAction {
    /// Generate a URL link to a published page
    Create {
        /// The page ("" = the home page)
        #[arg(long, default_value = "")]
        path: String,
        /// Query: a JSON object as text, e.g. '{"id":"42"}'
        #[arg(long, default_value = "")]
        query: String,
        /// Expiry (Unix seconds, at most 180 days ahead) [default: now + --hours]
        #[arg(long)]
        expire: Option<i64>,
        /// Lifetime in hours when --expire is not given
        #[arg(long, default_value_t = 24)]
        hours: i64,
        /// Host app: douyin, douyinlite (v1 also toutiao, toutiaolite)
        #[arg(long, default_value = "douyin")]
        app_name: String,
        /// Use the legacy endpoint (/api/apps/url_link/generate) instead of v1
        #[arg(long)]
        legacy: bool,
        /// Also draw the link as a QR code
        #[arg(long)]
        qr: bool,
    },
    /// Show where a live link leads and when it expires
    Info {
        /// The link (or its code)
        url_link: String,
        /// Also draw the link as a QR code
        #[arg(long)]
        qr: bool,
    },
    /// Links generated today and the daily quota
    Quota,
}

/// The QR code of `text` in unicode half blocks (two modules per character row), light on dark
/// so it scans from a dark terminal.
pub fn qr(text: &str) -> anyhow::Result<String> {
    let code = QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// RFC 3339 (UTC, whole seconds) of Unix seconds, as the server writes its times.
fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

impl LinkCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command.
    pub async fn run(self) -> anyhow::Result<()> {
        let s = Settings::resolve(&self.global)?;
        let client = s.client()?;
        match self.action {
            LinkAction::Create {
                path,
                query,
                expire,
                hours,
                app_name,
                legacy,
                qr: draw,
            } => {
                let expire =
                    expire.unwrap_or_else(|| now().saturating_add(hours.saturating_mul(3600)));
                let link = NewUrlLink::new(path, expire)
                    .query(query)
                    .app_name(app_name);
                let url = if legacy {
                    client.url_link_generate_legacy(&link).await?
                } else {
                    client.url_link_generate(&link).await?
                };
                if s.json {
                    return output::json(&json!({"url_link": url}));
                }
                outln!("{url}");
                if draw {
                    outln!("{}", qr(&url)?);
                }
            }
            LinkAction::Info { url_link, qr: draw } => {
                let info = client.url_link_query_info(&url_link).await?;
                if s.json {
                    return output::json(&info);
                }
                outln!("app       {} ({})", info.app_id, info.app_name);
                outln!("path      {}", info.path);
                outln!(
                    "query     {}",
                    if info.query.is_empty() {
                        "{}"
                    } else {
                        &info.query
                    }
                );
                outln!("created   {}", rfc3339(info.create_time));
                outln!("expires   {}", rfc3339(info.expire_time));
                if draw {
                    outln!("{}", qr(&url_link)?);
                }
            }
            LinkAction::Quota => {
                let q = client.url_link_query_quota().await?;
                if s.json {
                    return output::json(&q);
                }
                outln!(
                    "{} of {} URL links used today (Asia/Shanghai)",
                    q.url_link_used,
                    q.url_link_limit
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_use_half_blocks() {
        let text = qr("http://127.0.0.1:8080/Ab3dE9x").unwrap_or_default();
        assert!(text.contains('▀') || text.contains('▄'), "{text}");
        let rows: Vec<&str> = text.lines().collect();
        assert!(
            rows.len() > 10
                && rows
                    .iter()
                    .all(|r| r.chars().count() == rows[0].chars().count())
        );
    }

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(1_714_521_600), "2024-05-01T00:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
