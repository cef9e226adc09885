//! `dyopen token`: fetch an access token for the configured app.

use super::config::{GlobalArgs, Settings};
use super::output;
use clap::{Args, ValueEnum};
use serde::Serialize;

/// Which token endpoint.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    /// POST /api/apps/v2/token (08…)
    V2,
    /// POST /oauth/client_token/ (clt.…)
    Client,
}

/// `dyopen token`.
#[derive(Debug, Args)]
pub struct TokenCmd {
    #[command(flatten)]
    global: GlobalArgs,
    /// Token kind (every open API accepts both)
    #[arg(long, value_enum, default_value = "v2")]
    kind: Kind,
}

#[derive(Serialize)]
struct TokenOut {
    access_token: String,
    expires_in: i64,
    kind: &'static str,
}

impl TokenCmd {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// Runs the command: prints the token (only the token in text mode, for `$(dyopen token)`).
    pub async fn run(self) -> anyhow::Result<()> {
        let s = Settings::resolve(&self.global)?;
        let client = s.client()?;
        let (appid, secret) = (
            s.appid.clone().unwrap_or_default(),
            s.secret.clone().unwrap_or_default(),
        );
        let out = match self.kind {
            Kind::V2 => {
                let d = client.v2_token(&appid, &secret).await?;
                TokenOut {
                    access_token: d.access_token,
                    expires_in: d.expires_in,
                    kind: "v2",
                }
            }
            Kind::Client => {
                let d = client.client_token(&appid, &secret).await?;
                TokenOut {
                    access_token: d.access_token,
                    expires_in: d.expires_in,
                    kind: "client",
                }
            }
        };
        if s.json {
            return output::json(&out);
        }
        outln!("{}", out.access_token);
        Ok(())
    }
}
