//! The steps every URL-link endpoint shares, after the request-only checks: token, app, rules,
//! qps, insert (daily quota in the store's transaction).

use super::errors::Failure;
use crate::state::AppState;
use dyopen_core::app::App;
use dyopen_core::link::{GenerateLink, LinkError};
use dyopen_core::StoreError;

/// The app a request acts on, after authenticating its token and authorising the named app.
pub(super) async fn app_of(
    state: &AppState,
    token: Option<String>,
    named: Option<&str>,
) -> Result<App, Failure> {
    let record = state.authenticate(token).await?;
    let appid = state.authorize(&record, named, None).await?;
    state
        .store
        .get_app(&appid)
        .await
        .map_err(LinkError::Storage)?
        .ok_or_else(|| {
            LinkError::Storage(StoreError::Backend(format!("app {appid} vanished").into())).into()
        })
}

/// Generates a link: token → banned → path → query → expiry → qps → daily quota + insert.
/// Answers its `url_link`; the link is in this instance's cache at once.
pub(super) async fn generate(
    state: &AppState,
    token: Option<String>,
    cmd: GenerateLink,
) -> Result<String, Failure> {
    let app = app_of(state, token, Some(&cmd.named_app)).await?;
    Ok(generate_for(state, &app, &cmd).await?)
}

/// Generates a link for `app` (already authorised): banned → path → query → expiry → qps →
/// daily quota + insert. The open APIs and the console's generate form share it.
pub(crate) async fn generate_for(
    state: &AppState,
    app: &App,
    cmd: &GenerateLink,
) -> Result<String, LinkError> {
    let now = state.clock.now();
    let new = cmd.plan(app, now)?;
    if !state
        .links
        .limiter
        .admit(app.appid.as_str(), now.secs(), app.qps_limit)
        .await
    {
        state.metrics.qps_refusals.increment(1);
        return Err(LinkError::TooFast);
    }
    let link = state
        .store
        .insert_link(&new, now.shanghai_day(), app.daily_link_quota)
        .await?;
    state.links.cache.put(&link, &app.name);
    Ok(format!("{}/{}", state.public_base_url, link.code))
}
