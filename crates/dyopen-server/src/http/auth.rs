//! Access-token resolution for the open APIs (SPEC §3): a token may come in the `access-token`
//! header, the body's `access_token` or the query string's `access_token` (in that order of
//! preference); either kind of token resolves to its app.

use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use dyopen_core::app::AppId;
use dyopen_core::token::{authenticated, presented_hash, AppClaim, TokenRecord};
use std::convert::Infallible;

/// The token candidates found outside the body.
#[derive(Debug, Clone, Default)]
pub struct PresentedToken {
    header: Option<String>,
    query: Option<String>,
}

impl PresentedToken {
    /// The token to use, given the body's `access_token` field.
    pub fn pick(self, body: Option<&str>) -> Option<String> {
        let nonempty =
            |s: &Option<String>| s.as_deref().filter(|t| !t.is_empty()).map(str::to_owned);
        nonempty(&self.header)
            .or_else(|| body.filter(|t| !t.is_empty()).map(str::to_owned))
            .or_else(|| nonempty(&self.query))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PresentedToken {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let header = parts
            .headers
            .get("access-token")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_owned());
        let query = parts.uri.query().and_then(token_in_query);
        Ok(Self { header, query })
    }
}

/// The (percent-decoded) `access_token` of a query string, if it names one.
pub fn token_in_query(query: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v)
}

/// Why a request could not be authenticated or authorised (core's; each family maps it).
pub use dyopen_core::token::AuthError;

impl AppState {
    /// Resolves a presented token to its live record.
    pub async fn authenticate(&self, token: Option<String>) -> Result<TokenRecord, AuthError> {
        let hash = presented_hash(token.as_deref())?;
        let record = self.store.find_token(&hash).await?;
        authenticated(record, self.clock.now())
    }

    /// The app a request acts on ([`TokenRecord::claim`]): the named app when it is the token's
    /// app or has granted the token's app as its service provider.
    pub async fn authorize(
        &self,
        token: &TokenRecord,
        named: Option<&str>,
        third_appid: Option<&str>,
    ) -> Result<AppId, AuthError> {
        let claim = token.claim(named, third_appid)?;
        let granted = match &claim {
            AppClaim::Own(_) => false,
            AppClaim::Provided(named) => self.store.is_provider(named, &token.appid).await?,
        };
        claim.grant(granted)
    }
}
