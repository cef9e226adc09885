//! Console sessions (SPEC §10): a login with the admin token opens a session stored in the
//! database (so any instance serves it) that lives [`SESSION_LIFETIME`]; the browser holds
//! only a random token, the database only its hash. Every form of a session carries the
//! session's CSRF token, compared in constant time.
//!
//! Sessions live in real time, not on the emulator clock: they guard the operator's access,
//! which moving the emulated platform's clock must neither extend nor cut short
//! (docs/decisions/0010-console-sessions-templates-metrics.md).

use crate::clock::{Seconds, Timestamp, UnixSecs};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How long a session lives after login: 12 hours.
pub const SESSION_LIFETIME: Seconds = Seconds::hours(12);

/// The secret a browser presents in its session cookie: 64 hex digits from a CSPRNG.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

fn random_hex() -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    hex::encode(bytes)
}

impl SessionToken {
    /// A fresh token.
    pub fn generate() -> Self {
        Self(random_hex())
    }
    /// A token presented by a browser, if it has the shape of one (anything else cannot name a
    /// session, so it is not looked up).
    pub fn presented(s: &str) -> Option<Self> {
        (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Self(s.to_owned()))
    }
    /// The clear text (for the cookie).
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The stored form: hex SHA-256.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSession {
    /// [`SessionToken::hash`] of the cookie's token.
    pub id_hash: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// Real time of the login.
    pub created_at: UnixSecs,
    /// Real time: live while `now < expires_at`.
    pub expires_at: UnixSecs,
}

impl ConsoleSession {
    /// The session a login at `now` opens for `token`.
    pub fn open(token: &SessionToken, now: Timestamp) -> Self {
        Self {
            id_hash: token.hash(),
            csrf: random_hex(),
            created_at: now.unix_secs(),
            expires_at: now.unix_secs().saturating_add(SESSION_LIFETIME),
        }
    }
    /// Whether the session is live at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        now.unix_secs() < self.expires_at
    }
    /// Whether a form's CSRF token is this session's, compared in constant time.
    pub fn csrf_matches(&self, presented: &str) -> bool {
        self.csrf.as_bytes().ct_eq(presented.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_twelve_hours() {
        let token = SessionToken::generate();
        let s = ConsoleSession::open(&token, Timestamp::from_secs(1_000));
        assert_eq!(s.id_hash, token.hash());
        assert!(s.is_live(Timestamp::from_secs(1_000 + SESSION_LIFETIME.get() - 1)));
        assert!(!s.is_live(Timestamp::from_secs(1_000 + SESSION_LIFETIME.get())));
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let s = ConsoleSession::open(&SessionToken::generate(), Timestamp::from_secs(0));
        assert!(s.csrf_matches(&s.csrf.clone()));
        assert!(!s.csrf_matches(""));
        assert!(!s.csrf_matches(&s.csrf[1..]));
    }

    #[test]
    fn only_token_shaped_text_is_looked_up() {
        let t = SessionToken::generate();
        assert_eq!(SessionToken::presented(t.expose()), Some(t));
        assert!(SessionToken::presented("short").is_none());
        assert!(SessionToken::presented(&"g".repeat(64)).is_none());
    }
}
