//! The demo app (`dyopen serve --demo`, and every emulator start): made once with random
//! credentials, stored with its secret (`DemoStore`), re-created with the same credentials when
//! an emulator reset wiped it, and shown at each start.

use crate::admin::apps::view;
use crate::emulator::fixture::create_with_secret;
use crate::http::ApiError;
use crate::state::AppState;
use dyopen_core::app::{AppId, AppSecret};
use dyopen_core::store::DemoApp;
use dyopen_wire::admin::AppWithSecret;
use dyopen_wire::dialect::Admin;
use dyopen_wire::emulator::FixtureApp;

/// The demo app's name.
pub const DEMO_NAME: &str = "demo";
/// The demo app's one published page.
pub const DEMO_PAGE: &str = "pages/index/index";

/// Makes sure the demo app exists: the stored one, re-created with its credentials if its app
/// row is gone, or else a new one (then stored). Answers it with its secret.
pub async fn ensure_demo(state: &AppState) -> Result<AppWithSecret, ApiError<Admin>> {
    let stored = state.store.demo_app().await.map_err(ApiError::system)?;
    restore_demo(state, stored).await
}

/// As [`ensure_demo`] from a record read earlier (an emulator reset reads it before wiping).
pub async fn restore_demo(
    state: &AppState,
    stored: Option<DemoApp>,
) -> Result<AppWithSecret, ApiError<Admin>> {
    let demo = stored.unwrap_or_else(|| DemoApp {
        appid: AppId::generate(),
        secret: AppSecret::generate(),
    });
    let existing = state
        .store
        .get_app(&demo.appid)
        .await
        .map_err(ApiError::system)?;
    let shown = match existing {
        Some(app) => AppWithSecret {
            app: view(&app),
            secret: demo.secret.expose().to_owned(),
        },
        None => {
            let fixture = FixtureApp {
                appid: Some(demo.appid.to_string()),
                secret: Some(demo.secret.expose().to_owned()),
                name: DEMO_NAME.into(),
                pages: vec![DEMO_PAGE.into()],
                ..FixtureApp::default()
            };
            create_with_secret(state, &fixture).await?
        }
    };
    state
        .store
        .set_demo_app(&demo)
        .await
        .map_err(ApiError::system)?;
    Ok(shown)
}
