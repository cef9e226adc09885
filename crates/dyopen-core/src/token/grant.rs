//! Granting and using tokens (SPEC §3): the client-credentials grant of both token endpoints, and
//! which app a presented token may act for (its own, or one that granted it as service provider).

use super::{check_live, hash_token, NewToken, TokenKind, TokenProblem, TokenRecord};
use crate::app::{App, AppId, AppSecret};
use crate::clock::Timestamp;
use crate::store::StoreError;
use thiserror::Error;

/// The only `grant_type` the token endpoints accept.
pub const CLIENT_CREDENTIAL: &str = "client_credential";

/// Why a token request was refused, in the order the checks run. Each token dialect has its own
/// texts for these (the server's `token/errors.rs`); these are for logs.
#[derive(Debug, Error)]
pub enum GrantError {
    /// The app, the secret or the grant type is absent.
    #[error("a required field is missing")]
    Missing,
    /// `grant_type` is not [`CLIENT_CREDENTIAL`].
    #[error("grant_type is not client_credential")]
    BadGrantType,
    /// The app is not an appid, or no such app exists.
    #[error("no such app")]
    UnknownApp,
    /// The secret is not the app's.
    #[error("wrong secret")]
    WrongSecret,
    /// The store failed.
    #[error("storage: {0}")]
    Storage(#[from] StoreError),
}

/// A token request (`v2/token`'s `appid`/`secret`, `client_token`'s `client_key`/`client_secret`)
/// after the checks that need nothing but the request.
#[derive(Debug)]
pub struct TokenGrant {
    /// The app asking.
    pub appid: AppId,
    secret: AppSecret,
}

impl TokenGrant {
    /// Checks that all three fields are present (an empty text counts as present), the grant
    /// type, then that the app names an appid.
    pub fn parse(
        appid: Option<&str>,
        secret: Option<&str>,
        grant_type: Option<&str>,
    ) -> Result<Self, GrantError> {
        let (Some(appid), Some(secret), Some(grant_type)) = (appid, secret, grant_type) else {
            return Err(GrantError::Missing);
        };
        if grant_type != CLIENT_CREDENTIAL {
            return Err(GrantError::BadGrantType);
        }
        Ok(Self {
            appid: AppId::parse(appid).map_err(|_| GrantError::UnknownApp)?,
            secret: AppSecret::presented(secret),
        })
    }

    /// Decides against the app as stored (`None`: no such app): the secret must be its own.
    /// Returns the token of `kind` to store, issued at `now`, with its clear text.
    pub fn issue(
        self,
        app: Option<&App>,
        kind: TokenKind,
        now: Timestamp,
    ) -> Result<(NewToken, String), GrantError> {
        let app = app.ok_or(GrantError::UnknownApp)?;
        if !self.secret.matches(&app.secret_hash) {
            return Err(GrantError::WrongSecret);
        }
        Ok(NewToken::issue(self.appid, kind, now))
    }
}

/// Why a request could not be authenticated or authorised.
#[derive(Debug)]
pub enum AuthError {
    /// Missing, invalid or expired token.
    Token(TokenProblem),
    /// The request names an app the token may not act for.
    AppMismatch,
    /// The store failed.
    Storage(StoreError),
}

impl From<StoreError> for AuthError {
    fn from(e: StoreError) -> Self {
        Self::Storage(e)
    }
}

/// The stored form of a presented token: missing when there is none, invalid when it has no
/// kind's shape (such a text was never issued, so it is not looked up).
pub fn presented_hash(token: Option<&str>) -> Result<String, AuthError> {
    let token = token.ok_or(AuthError::Token(TokenProblem::Missing))?;
    if TokenKind::of_text(token).is_none() {
        return Err(AuthError::Token(TokenProblem::Invalid));
    }
    Ok(hash_token(token))
}

/// The record found for a presented token's hash must exist and be live at `now`.
pub fn authenticated(
    record: Option<TokenRecord>,
    now: Timestamp,
) -> Result<TokenRecord, AuthError> {
    let record = record.ok_or(AuthError::Token(TokenProblem::Invalid))?;
    check_live(&record, now).map_err(AuthError::Token)?;
    Ok(record)
}

/// The app a request names, as far as the token alone decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppClaim {
    /// The token's own app (none named, or the token's app named): granted.
    Own(AppId),
    /// Another app: granted only when it has made the token's app its service provider.
    Provided(AppId),
}

impl TokenRecord {
    /// Which app a request made with this token names: the token's app when none is named. A
    /// `third_appid`, when sent non-empty, must be the token's app; a named app that is not an
    /// appid can grant nothing.
    pub fn claim(
        &self,
        named: Option<&str>,
        third_appid: Option<&str>,
    ) -> Result<AppClaim, AuthError> {
        if third_appid.is_some_and(|t| !t.is_empty() && t != self.appid.as_str()) {
            return Err(AuthError::AppMismatch);
        }
        match named.filter(|n| !n.is_empty()) {
            None => Ok(AppClaim::Own(self.appid.clone())),
            Some(n) if n == self.appid.as_str() => Ok(AppClaim::Own(self.appid.clone())),
            Some(n) => AppId::parse(n)
                .map(AppClaim::Provided)
                .map_err(|_| AuthError::AppMismatch),
        }
    }
}

impl AppClaim {
    /// The app the request acts on, given whether the named app has granted the token's app
    /// as its service provider (asked of the store only for [`AppClaim::Provided`]).
    pub fn grant(self, provider_granted: bool) -> Result<AppId, AuthError> {
        match self {
            Self::Own(appid) => Ok(appid),
            Self::Provided(appid) if provider_granted => Ok(appid),
            Self::Provided(_) => Err(AuthError::AppMismatch),
        }
    }
}

#[cfg(test)]
mod tests;
