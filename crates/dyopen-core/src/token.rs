//! Access tokens: two kinds (v2 `08…`, client `clt.…`), 7200 s life, a 5-minute grace for the
//! previous token of the same kind, stored as SHA-256 hashes; the grant that issues them and the
//! checks that authenticate them ([`TokenGrant`], [`TokenRecord::claim`]).

mod grant;

pub use grant::*;

use crate::app::AppId;
use crate::clock::{Seconds, Timestamp, UnixSecs};
use rand::Rng;
use sha2::{Digest, Sha256};

/// How long a token lives: 7200 s.
pub const TOKEN_TTL: Seconds = Seconds::hours(2);
/// How long the previous token of the same kind stays valid after a new one is issued: 300 s.
pub const PREVIOUS_TOKEN_GRACE: Seconds = Seconds::new(300);
/// Tokens of one app and kind that can be live at once: the newest and, in its grace, the one
/// before it (SPEC §3).
pub const LIVE_TOKENS_PER_KIND: i64 = 2;
/// Dead (expired or revoked) tokens kept per app and kind, newest first, so that they still
/// answer "expired" rather than "unknown"; older ones are deleted (SPEC §8 "Tokens").
pub const DEAD_TOKENS_KEPT: i64 = 100;

/// The lowest issue number (`seq`, per app and kind) still kept once token `new_seq` is issued:
/// the live ones (the new token, and the previous one if `previous_live`) and the
/// [`DEAD_TOKENS_KEPT`] newest dead ones before them. Every older token is deleted.
pub fn oldest_kept_token(new_seq: i64, previous_live: bool) -> i64 {
    let live = if previous_live {
        LIVE_TOKENS_PER_KIND
    } else {
        LIVE_TOKENS_PER_KIND - 1
    };
    new_seq
        .saturating_sub(live - 1)
        .saturating_sub(DEAD_TOKENS_KEPT)
}

/// Which endpoint issued a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `POST /api/apps/v2/token`: `08` + hex.
    V2,
    /// `POST /oauth/client_token/`: `clt.` + hex.
    Client,
}

impl TokenKind {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2 => "v2",
            Self::Client => "client",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "v2" => Some(Self::V2),
            "client" => Some(Self::Client),
            _ => None,
        }
    }
    /// A fresh token text of this kind.
    pub fn generate(self) -> String {
        let bytes: [u8; 20] = rand::thread_rng().gen();
        match self {
            Self::V2 => format!("08{}", hex::encode(bytes)),
            Self::Client => format!("clt.{}", hex::encode(bytes)),
        }
    }
    /// Whether `text` has this kind's shape (anything else is "malformed").
    pub fn of_text(text: &str) -> Option<Self> {
        let hexpart =
            |s: &str| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if let Some(rest) = text.strip_prefix("clt.") {
            hexpart(rest).then_some(Self::Client)
        } else if let Some(rest) = text.strip_prefix("08") {
            hexpart(rest).then_some(Self::V2)
        } else {
            None
        }
    }
}

/// The stored form of a token text.
pub fn hash_token(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A token about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Its app.
    pub appid: AppId,
    /// Its kind.
    pub kind: TokenKind,
    /// [`hash_token`] of the text.
    pub hash: String,
    /// Issue time.
    pub issued_at: Timestamp,
    /// Expiry: valid while `now < expires_at`.
    pub expires_at: UnixSecs,
}

impl NewToken {
    /// A token of `kind` for `appid` issued at `now`; returns it with its clear text.
    pub fn issue(appid: AppId, kind: TokenKind, now: Timestamp) -> (Self, String) {
        let text = kind.generate();
        let token = Self {
            appid,
            kind,
            hash: hash_token(&text),
            issued_at: now,
            expires_at: now.unix_secs() + TOKEN_TTL,
        };
        (token, text)
    }
    /// The latest expiry the previous token of this kind may keep.
    pub fn previous_token_deadline(&self) -> UnixSecs {
        self.issued_at.unix_secs() + PREVIOUS_TOKEN_GRACE
    }
}

/// A stored token as looked up by hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Its app.
    pub appid: AppId,
    /// Its kind.
    pub kind: TokenKind,
    /// Valid while `now < expires_at`.
    pub expires_at: UnixSecs,
}

/// Why a presented token does not authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// No token anywhere in the request.
    Missing,
    /// Not a token's shape, or never issued.
    Invalid,
    /// Expired or revoked.
    Expired,
}

/// Whether a token expiring at `expires_at` is live at `now`: `now < expires_at`.
pub fn live_at(expires_at: UnixSecs, now: Timestamp) -> bool {
    now.unix_secs() < expires_at
}

/// Whether `record` is live at `now`.
pub fn check_live(record: &TokenRecord, now: Timestamp) -> Result<(), TokenProblem> {
    if live_at(record.expires_at, now) {
        Ok(())
    } else {
        Err(TokenProblem::Expired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_have_their_kinds_shape() {
        for kind in [TokenKind::V2, TokenKind::Client] {
            assert_eq!(TokenKind::of_text(&kind.generate()), Some(kind));
        }
        assert_eq!(TokenKind::of_text("clt.xyz"), None);
        assert_eq!(TokenKind::of_text("hello"), None);
    }

    #[test]
    fn retention_keeps_the_live_tokens_and_a_hundred_dead_ones() {
        // Token 200 issued while 199 is in its grace: 199 and 200 live, 99..=198 dead.
        let oldest = oldest_kept_token(200, true);
        assert_eq!(oldest, 99);
        assert_eq!(198 - oldest + 1, DEAD_TOKENS_KEPT);
        // 199 already dead: 100..=199 dead, 200 live.
        let oldest = oldest_kept_token(200, false);
        assert_eq!(199 - oldest + 1, DEAD_TOKENS_KEPT);
        // The first tokens delete nothing (seq starts at 1).
        assert!(oldest_kept_token(1, false) <= 1);
        assert_eq!(oldest_kept_token(i64::MIN, true), i64::MIN);
    }

    #[test]
    fn token_is_live_until_its_deadline_exclusive() {
        let r = TokenRecord {
            appid: AppId::generate(),
            kind: TokenKind::V2,
            expires_at: UnixSecs::new(100),
        };
        assert_eq!(check_live(&r, Timestamp::from_secs(99)), Ok(()));
        assert_eq!(
            check_live(&r, Timestamp::from_secs(100)),
            Err(TokenProblem::Expired)
        );
    }
}
