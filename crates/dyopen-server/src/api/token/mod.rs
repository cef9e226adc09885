//! Token endpoints (SPEC §3): `POST /api/apps/v2/token` and `POST /oauth/client_token/`.

pub(crate) mod client;
pub(crate) mod v2;

use super::OpenApiRoutes;
use crate::state::AppState;
use axum::routing::post;
use dyopen_core::app::{AppId, AppSecret};
use dyopen_core::token::{NewToken, TokenKind};
use dyopen_core::StoreError;
use dyopen_wire::dialect::{ClientToken, V2Token};

/// Registers the token routes.
pub(super) fn register(routes: OpenApiRoutes) -> OpenApiRoutes {
    routes
        .route::<V2Token>("/api/apps/v2/token", post(v2::handler))
        .route::<ClientToken>("/oauth/client_token", post(client::handler))
}

/// Why credentials were refused.
pub(crate) enum CredentialError {
    UnknownApp,
    WrongSecret,
    Storage(StoreError),
}

impl From<StoreError> for CredentialError {
    fn from(e: StoreError) -> Self {
        Self::Storage(e)
    }
}

/// Checks appid + secret and issues a token of `kind`; returns its text.
pub(crate) async fn issue(
    state: &AppState,
    appid: &str,
    secret: &str,
    kind: TokenKind,
) -> Result<String, CredentialError> {
    let appid = AppId::parse(appid).map_err(|_| CredentialError::UnknownApp)?;
    let app = state
        .store
        .get_app(&appid)
        .await?
        .ok_or(CredentialError::UnknownApp)?;
    if !AppSecret::presented(secret).matches(&app.secret_hash) {
        return Err(CredentialError::WrongSecret);
    }
    let (token, text) = NewToken::issue(appid, kind, state.clock.now());
    state.store.issue_token(&token).await?;
    Ok(text)
}
