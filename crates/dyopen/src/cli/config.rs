//! Where the CLI's settings come from: flags, then `DYOPEN_*` variables (both via clap), then a
//! profile of `~/.config/dyopen/config.toml`, then defaults.

use anyhow::{bail, Context};
use clap::Args;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Base URL used when neither a flag, a variable nor a profile gives one: `dyopen serve`'s default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

/// Options every CLI command accepts (after the subcommand too).
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Base URL of the dyopen server (or the platform) [default: profile's url, else http://127.0.0.1:8080]
    #[arg(long, global = true, env = "DYOPEN_URL")]
    pub url: Option<String>,
    /// The app's appid (open-API commands)
    #[arg(long, global = true, env = "DYOPEN_APPID")]
    pub appid: Option<String>,
    /// The app's secret (open-API commands)
    #[arg(long, global = true, env = "DYOPEN_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Admin API token (app and list commands) [default: profile's, else FILE.admin-token of
    /// $DYOPEN_DATABASE_URL's SQLite file, else ./dyopen.db.admin-token]
    #[arg(
        long,
        global = true,
        env = "DYOPEN_ADMIN_TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// Profile of the config file ($DYOPEN_CONFIG, else ~/.config/dyopen/config.toml)
    #[arg(long, global = true, env = "DYOPEN_PROFILE")]
    pub profile: Option<String>,
    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
}

/// One profile of the config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Base URL.
    pub url: Option<String>,
    /// appid.
    pub appid: Option<String>,
    /// Secret.
    pub secret: Option<String>,
    /// Admin token.
    pub admin_token: Option<String>,
}

/// The config file: `default_profile = "…"` and `[profiles.NAME]` tables.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used without `--profile` (else one named `default`, if any).
    pub default_profile: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// The config file's path: `$DYOPEN_CONFIG`, else `$XDG_CONFIG_HOME/dyopen/config.toml`, else
/// `~/.config/dyopen/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DYOPEN_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("dyopen").join("config.toml"))
}

fn load_profile(name: Option<&str>) -> anyhow::Result<Profile> {
    let path = config_path();
    let text = match path.as_ref().map(std::fs::read_to_string) {
        Some(Ok(text)) => Some(text),
        Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        Some(Err(e)) => return Err(e).context(format!("reading {}", display(&path))),
        None => None,
    };
    let file: ConfigFile = match &text {
        Some(t) => toml::from_str(t).with_context(|| format!("parsing {}", display(&path)))?,
        None => ConfigFile::default(),
    };
    let wanted = name
        .map(str::to_owned)
        .or_else(|| file.default_profile.clone());
    match wanted {
        Some(n) => match file.profiles.get(&n) {
            Some(p) => Ok(p.clone()),
            None => bail!("no profile {n:?} in {}", display(&path)),
        },
        None => Ok(file.profiles.get("default").cloned().unwrap_or_default()),
    }
}

fn display(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the config file".into())
}

/// The admin-token file `dyopen serve` writes beside its SQLite database: that of
/// `$DYOPEN_DATABASE_URL` when it names a SQLite file, else that of the default database.
fn admin_token_file_of_env() -> Option<PathBuf> {
    let url = std::env::var("DYOPEN_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| crate::serve::DEFAULT_DATABASE_URL.to_owned());
    crate::serve::sqlite_file(&url).map(|db| crate::serve::admin_token_file(&db))
}

/// Settings after merging flags, variables and the profile.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base URL.
    pub url: String,
    /// appid, if known.
    pub appid: Option<String>,
    /// Secret, if known.
    pub secret: Option<String>,
    /// Admin token, if known.
    pub admin_token: Option<String>,
    /// Where the admin token was looked for (for the error when it was not found).
    pub admin_token_sources: Vec<String>,
    /// `--json`.
    pub json: bool,
}

impl Settings {
    /// Merges `args` over the selected profile.
    pub fn resolve(args: &GlobalArgs) -> anyhow::Result<Self> {
        let profile = load_profile(args.profile.as_deref())?;
        let pick = |flag: &Option<String>, prof: Option<String>| {
            flag.clone().filter(|v| !v.is_empty()).or(prof)
        };
        let token_file = admin_token_file_of_env();
        let mut admin_token_sources = vec![
            "--admin-token".to_owned(),
            "DYOPEN_ADMIN_TOKEN".to_owned(),
            format!("the profile's admin_token ({})", display(&config_path())),
        ];
        let admin_token = pick(&args.admin_token, profile.admin_token).or_else(|| {
            let file = token_file.as_ref()?;
            admin_token_sources.push(file.display().to_string());
            std::fs::read_to_string(file)
                .ok()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
        });
        Ok(Self {
            url: pick(&args.url, profile.url).unwrap_or_else(|| DEFAULT_URL.to_owned()),
            appid: pick(&args.appid, profile.appid),
            secret: pick(&args.secret, profile.secret),
            admin_token,
            admin_token_sources,
            json: args.json,
        })
    }

    /// An SDK client with the app's credentials.
    pub fn client(&self) -> anyhow::Result<dyopen_client::Client> {
        let (Some(appid), Some(secret)) = (&self.appid, &self.secret) else {
            bail!("this command needs the app's credentials: --appid and --secret (or DYOPEN_APPID / DYOPEN_SECRET, or a profile)");
        };
        Ok(dyopen_client::Client::new(&self.url, appid, secret)?)
    }

    /// An admin client.
    pub fn admin(&self) -> anyhow::Result<dyopen_client::AdminClient> {
        let Some(token) = &self.admin_token else {
            bail!(
                "this command needs the admin token; looked in: {}",
                self.admin_token_sources.join(", ")
            );
        };
        Ok(dyopen_client::AdminClient::new(&self.url, token)?)
    }

    /// `explicit`, else the configured appid.
    pub fn appid_or(&self, explicit: Option<&str>) -> anyhow::Result<String> {
        explicit
            .map(str::to_owned)
            .or_else(|| self.appid.clone())
            .context("which app? pass APPID or --appid (or DYOPEN_APPID)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_parses_profiles() {
        let f: ConfigFile = toml::from_str(
            "default_profile = \"local\"\n[profiles.local]\nurl = \"http://127.0.0.1:8080\"\nappid = \"tt0\"\n",
        )
        .expect("parse");
        assert_eq!(f.default_profile.as_deref(), Some("local"));
        assert_eq!(f.profiles["local"].appid.as_deref(), Some("tt0"));
        assert!(toml::from_str::<ConfigFile>("[profiles.x]\nurll = \"typo\"\n").is_err());
    }
}
