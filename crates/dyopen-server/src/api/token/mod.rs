//! Token endpoints (SPEC §3): `POST /api/apps/v2/token` and `POST /oauth/client_token/`.

pub(crate) mod client;
mod errors;
pub(crate) mod v2;

use super::OpenApiRoutes;
use crate::state::AppState;
use axum::routing::post;
use dyopen_core::token::{GrantError, TokenGrant, TokenKind};
use dyopen_wire::dialect::{ClientToken, V2Token};

/// Registers the token routes.
pub(super) fn register(routes: OpenApiRoutes) -> OpenApiRoutes {
    routes
        .route::<V2Token>("/api/apps/v2/token", post(v2::handler))
        .route::<ClientToken>("/oauth/client_token", post(client::handler))
}

/// Decides `grant` against its app as stored and stores the token of `kind` it issues; returns
/// the token's text.
pub(crate) async fn issue(
    state: &AppState,
    grant: TokenGrant,
    kind: TokenKind,
) -> Result<String, GrantError> {
    let app = state.store.get_app(&grant.appid).await?;
    let (token, text) = grant.issue(app.as_ref(), kind, state.clock.now())?;
    state.store.issue_token(&token).await?;
    Ok(text)
}
