//! Console sessions in HTTP: the session cookie, the [`Session`] extractor (no live session →
//! the login page), [`ConsoleForm`] (a POST body whose `csrf` field must be the session's, else
//! 403), and the login form's own CSRF token (signed, so no cookie exists before login).

use super::paths;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dyopen_core::session::{ConsoleSession, SessionToken, SESSION_LIFETIME};
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::Sha256;

/// The session cookie's name.
pub const COOKIE: &str = "dyopen_console";
/// Largest console form body.
const MAX_FORM_BYTES: usize = 256 << 10;
/// How long a login form stays usable.
const LOGIN_FORM_SECS: i64 = 3600;

/// The session token a request's cookies carry, if any has the shape of one.
pub fn token_of(headers: &HeaderMap) -> Option<SessionToken> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| SessionToken::presented(value.trim()))
}

/// `Set-Cookie` for a new session (`Secure` when the public base URL is https).
pub fn cookie_for(state: &AppState, token: &SessionToken) -> HeaderValue {
    let secure = if state.public_base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{COOKIE}={}; Path={}; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        token.expose(),
        paths::ROOT,
        SESSION_LIFETIME.get()
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("dyopen_console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A live console session.
#[derive(Debug, Clone)]
pub struct Session(pub ConsoleSession);

impl Session {
    /// The token forms of this session carry.
    pub fn csrf(&self) -> &str {
        &self.0.csrf
    }
}

/// Why a console request was refused before its handler ran.
#[derive(Debug)]
pub enum Refused {
    /// No live session: to the login page.
    NoSession,
    /// A form without this session's CSRF token.
    BadCsrf,
    /// A form that does not parse.
    BadForm(String),
    /// The database failed.
    Storage,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NoSession => Redirect::to(paths::LOGIN).into_response(),
            Refused::BadCsrf => super::error_page(
                StatusCode::FORBIDDEN,
                "CSRF 校验失败 · The form's CSRF token is missing or stale: reload the page and try again.",
            ),
            Refused::BadForm(why) => super::error_page(StatusCode::BAD_REQUEST, &why),
            Refused::Storage => super::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "数据库不可用 · The database is unavailable; try again shortly.",
            ),
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refused> {
        let token = token_of(&parts.headers).ok_or(Refused::NoSession)?;
        let session = state
            .store
            .session_get(&token.hash())
            .await
            .map_err(|_| Refused::Storage)?
            .filter(|s| s.is_live(state.wall_clock.now()))
            .ok_or(Refused::NoSession)?;
        Ok(Self(session))
    }
}

impl OptionalFromRequestParts<AppState> for Session {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <Self as FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// A console form: the session, then the body's `csrf` checked against it, then the body as `T`.
pub struct ConsoleForm<T>(pub Session, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ConsoleForm<T> {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Refused> {
        let (mut parts, body) = req.into_parts();
        let session =
            <Session as FromRequestParts<AppState>>::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| Refused::BadForm(e.body_text()))?;
        if bytes.len() > MAX_FORM_BYTES {
            return Err(Refused::BadForm("form too large".into()));
        }
        let csrf: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| Refused::BadCsrf)?;
        if !csrf.csrf.is_some_and(|c| session.0.csrf_matches(&c)) {
            return Err(Refused::BadCsrf);
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| Refused::BadForm(format!("表单无效 · Invalid form: {e}")))?;
        Ok(Self(session, form))
    }
}

type HmacSha256 = Hmac<Sha256>;

fn login_mac(state: &AppState, message: &str) -> Option<String> {
    let mut mac = HmacSha256::new_from_slice(state.admin_token_hash.as_bytes()).ok()?;
    mac.update(b"dyopen console login form:");
    mac.update(message.as_bytes());
    Some(hex_string(&mac.finalize().into_bytes()))
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh CSRF token for the login form: `nonce.issued.mac`, keyed by the admin token's hash
/// (so every instance accepts it and nobody without that hash can make one), usable for an hour.
pub fn login_csrf(state: &AppState) -> String {
    let nonce: u64 = rand::random();
    let message = format!("{nonce:016x}.{}", state.wall_clock.now().secs());
    let mac = login_mac(state, &message).unwrap_or_default();
    format!("{message}.{mac}")
}

/// Whether a login form's CSRF token is one of ours and still fresh.
pub fn login_csrf_ok(state: &AppState, presented: &str) -> bool {
    let Some((message, mac)) = presented.rsplit_once('.') else {
        return false;
    };
    let Some(issued) = message
        .split_once('.')
        .and_then(|(_, t)| t.parse::<i64>().ok())
    else {
        return false;
    };
    let age = state.wall_clock.now().secs().saturating_sub(issued);
    let Some(want) = login_mac(state, message) else {
        return false;
    };
    use subtle_eq::ct_eq;
    (0..=LOGIN_FORM_SECS).contains(&age) && ct_eq(want.as_bytes(), mac.as_bytes())
}

mod subtle_eq {
    /// Constant-time equality of two byte strings of equal length (false for unequal lengths).
    pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}
